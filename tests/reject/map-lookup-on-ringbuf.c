// A ring buffer has no elements to look up: only ringbuf_output takes one.
#include "wasm2bpf_sdk.h"
W2B_RINGBUF(events, 4096);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = len;
	return bpf_map_lookup_elem(&events, &k) ? XDP_DROP : XDP_PASS;
}
