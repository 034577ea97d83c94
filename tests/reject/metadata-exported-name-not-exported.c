// A wasm2bpf.maps.exported record names its map's definition by export
// (the Rust SDK's way); a name the module does not export is refused.
#include "wasm2bpf_sdk.h"
__asm__(".section .custom_section.wasm2bpf.maps.exported,\"\",@\n"
	".asciz \"missing\"\n");
W2B_PROGRAM("xdp", f)
{
	return XDP_PASS;
}
