// ARGS: --license=MIT
// trace_printk is GPL-only: a module under another license is refused.
#include "wasm2bpf_sdk.h"
W2B_PROGRAM("xdp", f)
{
	w2b_printk("len %u", len);
	return XDP_PASS;
}
