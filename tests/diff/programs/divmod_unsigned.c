/* Unsigned division and remainder, and division by constants (which
 * clang turns into multiplications).
// ARGS: udiv32 i32:4294967295 i32:3
// ARGS: udiv32 i32:7 i32:0
// ARGS: urem32 i32:-1 i32:10
// ARGS: urem32 i32:3 i32:0
// ARGS: udiv64 i64:-1 i64:7
// ARGS: udiv64 i64:1 i64:0
// ARGS: urem64 i64:-1 i64:1000000007
// ARGS: byconst i32:0
// ARGS: byconst i32:-1
// ARGS: byconst i32:123456789
// ARGS: byconst i32:-123456789
// ARGS: digits i64:0
// ARGS: digits i64:18446744073709551615
// ARGS: digits i64:1000000
*/
#include "diff.h"

EXPORT("udiv32") u32 udiv32(u32 a, u32 b) { return a / b; }
EXPORT("urem32") u32 urem32(u32 a, u32 b) { return a % b; }
EXPORT("udiv64") u64 udiv64(u64 a, u64 b) { return a / b; }
EXPORT("urem64") u64 urem64(u64 a, u64 b) { return a % b; }

EXPORT("byconst")
int byconst(int x)
{
	return x / 7 + x % 7 * 100 + (int)((u32)x / 10u) - x / -3 + (x % 16);
}

/* number of decimal digits (a loop on an unsigned 64-bit division) */
EXPORT("digits")
int digits(u64 v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}
