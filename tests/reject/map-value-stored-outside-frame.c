// A map value pointer stored into memory other than the function's own
// stack frame (here a static variable) could be read back by another
// function, which cannot reach the value: refused where it is stored.
#include "wasm2bpf_sdk.h"
W2B_MAP(counts, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
static w2b_u64 *volatile last;
__attribute__((noinline)) static void bump(void)
{
	*last += 1;
}
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = 0;
	w2b_u64 *v = bpf_map_lookup_elem(&counts, &k);
	if (v) {
		last = v;
		bump();
	}
	return XDP_PASS;
}
