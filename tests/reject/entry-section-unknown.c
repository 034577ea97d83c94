// A recorded program section wasm2bpf does not support is refused.
#include "wasm2bpf_sdk.h"
W2B_PROGRAM("lsm/file_open", f)
{
	return (int)len;
}
