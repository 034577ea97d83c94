// Map names starting with w2b_ are wasm2bpf's own (w2b_env, w2b_memory...).
#include "wasm2bpf_sdk.h"
W2B_MAP(w2b_counts, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = 0;
	return bpf_map_lookup_elem(&w2b_counts, &k) ? XDP_DROP : XDP_PASS;
}
