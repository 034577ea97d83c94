// A map argument must be the constant address of a W2B_MAP definition:
// the program's map references are fixed at load time.
#include "wasm2bpf_sdk.h"
W2B_MAP(a, BPF_MAP_TYPE_HASH, w2b_u32, w2b_u64, 16);
W2B_MAP(b, BPF_MAP_TYPE_HASH, w2b_u32, w2b_u64, 16);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = len;
	w2b_u64 *v = bpf_map_lookup_elem(len > 60 ? &a : &b, &k);
	return v ? (int)*v : XDP_PASS;
}
