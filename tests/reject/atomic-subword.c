// BPF atomics are 32 or 64 bits wide: an 8-bit atomic add is refused.
#include "wasm2bpf_sdk.h"
W2B_MAP(flags, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u32, 1);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = 0;
	w2b_u8 *v = bpf_map_lookup_elem(&flags, &k);
	if (v)
		__atomic_fetch_add(v, 1, __ATOMIC_RELAXED);
	return XDP_PASS;
}
