// A ring buffer's size must be a power of two of at least a page.
#include "wasm2bpf_sdk.h"
W2B_RINGBUF(events, 1000);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = len;
	bpf_ringbuf_output(&events, &k, sizeof k, 0);
	return XDP_PASS;
}
