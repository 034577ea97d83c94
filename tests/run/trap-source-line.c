// CFLAGS: -g
// A trap in a module built with -g names its source line: `wasm2bpf run`
// prints the function and Wasm offset the trap word records (common/abi.h)
// and, from the module's DWARF line table, the C file, line and column
// (the division below; {root} is the repository's path). A frame of 14
// bytes makes the divisor 0; others divide.
// RUN: --invoke f --packet 0102030405060708090a0b0c0d0e => trap: integer divide by zero at func[1] 'parse', offset 0xfb ({root}/tests/run/trap-source-line.c:21:13)
// PACKET: f 0102030405060708090a0b0c0d0e => trap integer divide by zero
// PACKET: f 0102030405060708090a0b0c0d0e0f => i32:0
// PACKET: f 0102030405060708090a0b0c0d0e0f10 => i32:0
// PACKET: f ff02030405060708090a0b0c0d0e0f10 => i32:3
#include "wasm2bpf_sdk.h"

static __attribute__((noinline)) int parse(const w2b_u8 *p, w2b_u32 len)
{
	int sum = 0;

	for (w2b_u32 i = 0; i < len; i++)
		sum += p[i];
	/* a divisor of 0 traps, as Wasm's i32.div_s does */
	return sum / (int)(len - 14);
}

W2B_PROGRAM("xdp", f)
{
	return parse(pkt, len) & 3;
}
