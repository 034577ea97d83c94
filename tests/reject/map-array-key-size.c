// An array's key is a u32.
#include "wasm2bpf_sdk.h"
W2B_MAP(slots, BPF_MAP_TYPE_ARRAY, w2b_u64, w2b_u64, 4);
W2B_PROGRAM("xdp", f)
{
	w2b_u64 k = len & 3;
	return bpf_map_lookup_elem(&slots, &k) ? XDP_DROP : XDP_PASS;
}
