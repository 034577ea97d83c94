/* Functions with many parameters (more than eBPF's five argument
 * registers), exported and internal, mixing i32 and i64.
// ARGS: six i32:1 i32:2 i32:3 i32:4 i32:5 i32:6
// ARGS: six i32:-1 i32:-2 i32:-3 i32:-4 i32:-5 i32:-6
// ARGS: eight i64:1 i32:2 i64:3 i32:4 i64:5 i32:6 i64:7 i32:8
// ARGS: eight i64:-1 i32:0 i64:0x7fffffffffffffff i32:1 i64:0 i32:2 i64:9 i32:-9
// ARGS: via_helper i32:10
// ARGS: via_helper i32:-99
*/
#include "diff.h"

EXPORT("six")
int six(int a, int b, int c, int d, int e, int f)
{
	return a * 1 + b * 10 + c * 100 + d * 1000 + e * 10000 + f * 100000;
}

EXPORT("eight")
i64 eight(i64 a, int b, i64 c, int d, i64 e, int f, i64 g, int h)
{
	return ((a ^ b) + (c ^ d) * 3 + (e ^ f) * 5) ^ (g * h);
}

NOINLINE static i64 seven(int a, i64 b, int c, i64 d, int e, i64 f, int g)
{
	return a - b + c * d - e * f + g;
}

NOINLINE static int nine(int a, int b, int c, int d, int e, int f, int g, int h, int i)
{
	return (a + b + c) * (d + e + f) - (g + h + i) * a;
}

EXPORT("via_helper")
i64 via_helper(int x)
{
	return seven(x, x * 2LL, x + 3, -x, 5, 7LL * x, 9) + nine(x, 1, 2, 3, 4, 5, 6, 7, x);
}
