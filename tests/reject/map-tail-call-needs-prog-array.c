// bpf_tail_call takes its program from a prog_array; an array of numbers
// is refused.
#include "wasm2bpf_sdk.h"
W2B_MAP(jumps, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u32, 4);
W2B_PROGRAM("xdp", f)
{
	bpf_tail_call(&jumps, 0);
	return XDP_PASS;
}
