// A W2B_CONFIG setting is a 32- or 64-bit integer: one read as a byte is
// refused at the read (a .rodata variable of another width would not be
// what the code reads).
#include "wasm2bpf_sdk.h"

W2B_CONFIG(w2b_u8, verbose, 1);

W2B_PROGRAM("xdp", filter)
{
	return verbose ? XDP_PASS : XDP_DROP;
}
