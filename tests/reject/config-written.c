// A W2B_CONFIG setting is read-only: the loader sets it. A write (through
// a cast, C itself forbids it) is refused at the store.
#include "wasm2bpf_sdk.h"

W2B_CONFIG(w2b_u32, limit, 100);

W2B_PROGRAM("xdp", filter)
{
	*(volatile w2b_u32 *)&limit = len;
	return limit > 64 ? XDP_PASS : XDP_DROP;
}
