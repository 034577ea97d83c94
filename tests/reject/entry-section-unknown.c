// A recorded program section wasm2bpf does not support is refused.
#include "wasm2bpf_sdk.h"
W2B_PROGRAM("sk_msg", f)
{
	return (int)len;
}
