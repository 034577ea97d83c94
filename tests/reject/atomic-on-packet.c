// Atomic read-modify-write of packet bytes is refused.
#include "wasm2bpf_sdk.h"
W2B_PROGRAM("xdp", f)
{
	if (len < 8)
		return XDP_PASS;
	w2b_atomic_add((w2b_u32 *)pkt, 1);
	return XDP_PASS;
}
