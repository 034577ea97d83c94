// CFLAGS: -O0
// Map values at -O0 with calls: the pointer the lookup returned is kept in
// a slot of the entry's frame and read back from there (ir/lower_memory.c
// tracks which frame bytes hold it), so the values passed to calls, read
// back from other slots, are plain numbers and the calls compile (the
// pointer itself as an argument is refused:
// reject/map-value-read-back-passed-to-call.c). Slot pkt[0] & 3 adds
// scale(pkt[1], 2); the verdict is its low byte + 2.
// PACKET: count 0105000000000000000000000000 => i32:12
// PACKET: count 0107000000000000000000000000 => i32:26
// PACKET: count 0201000000000000000000000000 => i32:4
#include "wasm2bpf_sdk.h"

W2B_MAP(totals, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);

static w2b_u64 scale(w2b_u64 x, w2b_u32 k)
{
	return x * k;
}

W2B_PROGRAM("xdp", count)
{
	w2b_u32 key = pkt[0] & 3;
	w2b_u64 *v = bpf_map_lookup_elem(&totals, &key);

	if (!v)
		return 1;
	*v += scale(pkt[1], 2);
	return (int)(*v & 0xff) + 2;
}
