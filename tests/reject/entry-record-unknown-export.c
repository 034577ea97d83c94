// A program section recorded for a function the module does not export.
#include "wasm2bpf_sdk.h"
W2B_SECTION(missing, "xdp");
W2B_PROGRAM("xdp", f)
{
	return len ? XDP_PASS : XDP_DROP;
}
