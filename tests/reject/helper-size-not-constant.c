// A size argument must be a compile-time constant (the verifier needs it).
#include "wasm2bpf_sdk.h"
W2B_RINGBUF(events, 4096);
W2B_PROGRAM("xdp", f)
{
	w2b_u8 buf[64];
	for (w2b_u32 i = 0; i < 64; i++)
		buf[i] = (w2b_u8)i;
	bpf_ringbuf_output(&events, buf, len & 63, 0);
	return XDP_PASS;
}
