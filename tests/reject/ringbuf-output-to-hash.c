// ringbuf_output writes only to a ring buffer map.
#include "wasm2bpf_sdk.h"
W2B_MAP(counts, BPF_MAP_TYPE_HASH, w2b_u32, w2b_u64, 16);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = len;
	bpf_ringbuf_output(&counts, &k, sizeof k, 0);
	return XDP_PASS;
}
