// Map names starting with w2b_ are reserved for wasm2bpf (its runtime symbols).
#include "wasm2bpf_sdk.h"
W2B_MAP(w2b_counts, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = 0;
	return bpf_map_lookup_elem(&w2b_counts, &k) ? XDP_DROP : XDP_PASS;
}
