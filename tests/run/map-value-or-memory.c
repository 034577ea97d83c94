// A pointer that is a map value or, when the lookup finds nothing, the
// module's own memory: the accesses through it are dispatched by the
// address (a map value's window at IR_MAP_VALUE_BASE and up, the memory
// below). Key pkt[0] is in the array for 0..3, so `fallback` takes the
// rest. The verdict is the low byte of the updated count + 2.
// PACKET: f 0003000000000000000000000000 => i32:5
// PACKET: f 0004000000000000000000000000 => i32:9
// PACKET: f 0902000000000000000000000000 => i32:4
// PACKET: f 0a05000000000000000000000000 => i32:9
#include "wasm2bpf_sdk.h"
W2B_MAP(counts, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
static w2b_u64 fallback;
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = pkt[0];
	w2b_u64 *v = bpf_map_lookup_elem(&counts, &k);
	if (!v)
		v = &fallback;
	*v += pkt[1];
	return (int)(*v & 0xff) + 2;
}
