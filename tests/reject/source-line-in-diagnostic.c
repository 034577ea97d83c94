// CFLAGS: -g
// A module built with -g names the C file, line and column of what it
// refuses, after the function (frontend/dwarf_lines.c reads its DWARF
// line table; without -g the Wasm offset is all there is). The harness
// builds a -g module in two steps, so that clang's wasm-opt does not drop
// the line table's rows; {root} is the repository's path.
#include "wasm2bpf_sdk.h"

W2B_PROGRAM("xdp", f)
{
	float scale = (float)len * 0.75f;

	return scale > 100.0f ? 2 : 1;
}
