// Map values in code built without optimisation: clang -O0 keeps every
// pointer in its stack in linear memory, so the pointer a lookup returned
// is stored there and read back before each use. wasm2bpf lets the
// function store it, and dispatches the accesses through what its loads
// read back by the address (a map value's window, or the memory). Slot
// pkt[0] & 3 accumulates pkt[1]; the verdict is its low byte + 2.
// CFLAGS: -O0
// PACKET: count 0105000000000000000000000000 => i32:7
// PACKET: count 0107000000000000000000000000 => i32:14
// PACKET: count 0201000000000000000000000000 => i32:3
// PACKET: count 05ff000000000000000000000000 => i32:13
#include "wasm2bpf_sdk.h"

W2B_MAP(totals, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);

W2B_PROGRAM("xdp", count)
{
	w2b_u32 key = pkt[0] & 3;
	w2b_u64 *v = bpf_map_lookup_elem(&totals, &key);

	if (!v)
		return 1;
	*v += pkt[1];
	return (int)(*v & 0xff) + 2;
}
