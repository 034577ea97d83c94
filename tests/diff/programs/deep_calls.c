/* A chain of non-inlined helper calls, six deep (the kernel allows eight
 * frames), each doing work before and after the next call.
// ARGS: chain i32:1
// ARGS: chain i32:-5
// ARGS: chain i32:123456
// ARGS: fanout i32:3
// ARGS: fanout i32:1000
*/
#include "diff.h"

NOINLINE static int f6(int x) { return x * 7 + 1; }
NOINLINE static int f5(int x) { int y = f6(x ^ 5); return y - (x >> 1); }
NOINLINE static int f4(int x) { int y = f5(x + 4) * 3; return y ^ f6(x); }
NOINLINE static int f3(int x) { int y = f4(x - 3); return y + (y >> 3); }
NOINLINE static int f2(int x) { int y = f3(x * 2); return y - x; }
NOINLINE static int f1(int x) { int y = f2(x + 1); return y * 5 + f3(y & 0xff); }

EXPORT("chain")
int chain(int x)
{
	return f1(x) ^ f2(x);
}

NOINLINE static u64 leaf(u64 a, u64 b) { return a * 31 + b; }
NOINLINE static u64 mid(u64 a, u32 n)
{
	u64 r = 0;
	for (u32 i = 0; i < n; i++)
		r = leaf(r, a + i);
	return r;
}

EXPORT("fanout")
u64 fanout(u32 n)
{
	return mid(n, n % 64) + mid(n * 3, 5) + leaf(n, n);
}
