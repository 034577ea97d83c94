// A syscall program's context is its argument block, not an skb.
#include "wasm2bpf_sdk.h"
W2B_SECTION(f, "syscall");
W2B_EXPORT("f") w2b_u32 f(void)
{
	return w2b_ctx_len();
}
