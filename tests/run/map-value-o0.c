// Map values in code built without optimisation: clang -O0 keeps every
// pointer in its stack in linear memory, so the pointer a lookup returned
// is stored in a slot of the frame and read back before each use.
// wasm2bpf lets the function store it there, tracks which frame bytes hold
// it (ir/lower_memory.c), and dispatches the accesses through what those
// loads read back by the address (a map value's window, or the memory).
// Values read from the other slots are plain numbers, so the call to
// widen() (a real call at -O0) compiles; the pointer itself as an argument
// is refused (reject/map-value-read-back-passed-to-call.c). Slot pkt[0] & 3
// accumulates pkt[1]; the verdict is its low byte + 2.
// CFLAGS: -O0
// PACKET: count 0105000000000000000000000000 => i32:7
// PACKET: count 0107000000000000000000000000 => i32:14
// PACKET: count 0201000000000000000000000000 => i32:3
// PACKET: count 05ff000000000000000000000000 => i32:13
#include "wasm2bpf_sdk.h"

W2B_MAP(totals, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);

static w2b_u64 widen(w2b_u8 b)
{
	return b;
}

W2B_PROGRAM("xdp", count)
{
	w2b_u32 key = pkt[0] & 3;
	w2b_u64 *v = bpf_map_lookup_elem(&totals, &key);

	if (!v)
		return 1;
	*v += widen(pkt[1]);
	return (int)(*v & 0xff) + 2;
}
