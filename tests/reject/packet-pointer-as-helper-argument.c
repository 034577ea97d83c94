// Helper pointer arguments point into the module's memory; a packet
// pointer is refused with the advice to copy the bytes first.
#include "wasm2bpf_sdk.h"
W2B_MAP(seen, BPF_MAP_TYPE_HASH, w2b_u32, w2b_u64, 16);
W2B_PROGRAM("xdp", f)
{
	if (len < 34)
		return XDP_PASS;
	return bpf_map_lookup_elem(&seen, pkt + 26) ? XDP_DROP : XDP_PASS;
}
