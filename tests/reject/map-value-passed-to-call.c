// A map value pointer stays in the function that looked it up (its kernel
// pointer lives there): passing it to another function is refused.
#include "wasm2bpf_sdk.h"
W2B_MAP(counts, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
__attribute__((noinline)) static void bump(w2b_u64 *v, w2b_u32 n)
{
	while (n) {	/* a loop called twice: wasm-opt keeps the call */
		*v = *v * 31 + (n & 7);
		n >>= 3;
	}
}
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = 0;
	w2b_u64 *v = bpf_map_lookup_elem(&counts, &k);
	if (v) {
		bump(v, len);
		bump(v, len >> 4);
	}
	return XDP_PASS;
}
