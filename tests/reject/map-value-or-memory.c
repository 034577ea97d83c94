// A pointer that may be a map value or the module's memory is refused.
#include "wasm2bpf_sdk.h"
W2B_MAP(counts, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
static w2b_u64 fallback;
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = 0;
	w2b_u64 *v = bpf_map_lookup_elem(&counts, &k);
	if (!v)
		v = &fallback;
	*v += len;
	return XDP_PASS;
}
