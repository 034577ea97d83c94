/* Dense switches: br_table (or a lookup table in .rodata at -O2), with
 * fall-through and a default; a dispatch loop over opcodes.
// ARGS: classify i32:0
// ARGS: classify i32:3
// ARGS: classify i32:7
// ARGS: classify i32:9
// ARGS: classify i32:-1
// ARGS: classify i32:100
// ARGS: days i32:2 i32:2024
// ARGS: days i32:2 i32:1900
// ARGS: days i32:11 i32:1
// ARGS: days i32:13 i32:1
// ARGS: run_ops i64:0x0102030405060708
// ARGS: run_ops i64:0x0000000000000003
// ARGS: run_ops i64:-1
*/
#include "diff.h"

EXPORT("classify")
int classify(int x)
{
	int r = 0;

	switch (x) {
	case 0: r += 1; /* fall through */
	case 1: r += 10; break;
	case 2: r = 200; break;
	case 3: case 4: r = 34; break;
	case 5: r = x * x; /* fall through */
	case 6: r += 6; break;
	case 7: return -7;
	case 8: r = 8; break;
	default: r = -1;
	}
	return r * 2 + 1;
}

EXPORT("days")
int days(int month, int year)
{
	switch (month) {
	case 1: case 3: case 5: case 7: case 8: case 10: case 12: return 31;
	case 4: case 6: case 9: case 11: return 30;
	case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
	default: return 0;
	}
}

/* a tiny stack-free machine: each byte of prog (low first) is an opcode */
EXPORT("run_ops")
i64 run_ops(u64 prog)
{
	i64 acc = 1;

	for (int i = 0; i < 8; i++, prog >>= 8) {
		switch (prog & 7) {
		case 0: break;
		case 1: acc += 3; break;
		case 2: acc *= 5; break;
		case 3: acc = -acc; break;
		case 4: acc ^= 0x5555; break;
		case 5: acc <<= 3; break;
		case 6: acc >>= 1; break;
		case 7: acc = acc * acc + 1; break;
		}
	}
	return acc;
}
