// ktime_get_coarse_ns is not available to syscall programs; the message
// names what to use instead.
#include "wasm2bpf_sdk.h"
W2B_SECTION(now, "syscall");
W2B_EXPORT("now") w2b_u64 now(void)
{
	return bpf_ktime_get_coarse_ns();
}
