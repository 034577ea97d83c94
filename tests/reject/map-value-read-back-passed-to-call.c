// CFLAGS: -O0
// The same at -O0, where clang keeps the pointer in the function's frame
// and reads it back from its slot before the call: the value read back
// from that slot is refused as an argument like the pointer itself
// (ir/lower_memory.c, PROV_L), not passed on as a number the callee's
// accesses would trap on.
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
