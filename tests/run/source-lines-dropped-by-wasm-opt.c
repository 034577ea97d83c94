// CFLAGS: -gdwarf-4
// Built with debug info in one step with -O2, as most people first try:
// clang then runs binaryen's wasm-opt over the linked module, which keeps
// the DWARF sections but drops the rows of the line table. wasm2bpf says
// so and how to keep them (compile with -g -c, link without -O), and
// compiles the module as one without -g. (-gdwarf-4, not -g: the harness
// builds -g modules in the two steps that keep the rows.)
// WARNING: the module's DWARF line table has no rows (binaryen's wasm-opt, which clang runs when it links with -O, drops them)
// PACKET: f 0102030405060708090a0b0c0d0e => i32:106
#include "wasm2bpf_sdk.h"

W2B_PROGRAM("xdp", f)
{
	int sum = 0;

	for (w2b_u32 i = 0; i < len; i++)
		sum += pkt[i];
	return sum + 1;
}
