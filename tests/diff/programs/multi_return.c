/* Small structs returned by value from helpers (in registers or through
 * memory), and a pair packed into an i64 at the export.
// ARGS: divmod64 i64:100 i64:7
// ARGS: divmod64 i64:-100 i64:7
// ARGS: divmod64 i64:1 i64:0
// ARGS: extgcd i32:240 i32:46
// ARGS: extgcd i32:17 i32:5
// ARGS: stats i32:1 i32:10
*/
#include "diff.h"

struct qr { i64 q, r; };
struct eg { int g, x, y; };
struct st { u32 min, max; u64 sum; };

NOINLINE static struct qr qr(i64 a, i64 b) { struct qr r = { a / b, a % b }; return r; }

EXPORT("divmod64")
i64 divmod64(i64 a, i64 b)
{
	struct qr r = qr(a, b);
	return r.q * 1000 + r.r;
}

/* extended Euclid, iterative */
NOINLINE static struct eg egcd(int a, int b)
{
	int x0 = 1, y0 = 0, x1 = 0, y1 = 1;
	while (b) {
		int q = a / b, t;
		t = a - q * b; a = b; b = t;
		t = x0 - q * x1; x0 = x1; x1 = t;
		t = y0 - q * y1; y0 = y1; y1 = t;
	}
	struct eg r = { a, x0, y0 };
	return r;
}

EXPORT("extgcd")
i64 extgcd(int a, int b)
{
	struct eg e = egcd(a, b);
	return ((i64)e.g << 40) ^ ((i64)e.x << 20) ^ (i64)e.y;
}

NOINLINE static struct st stats_of(u32 seed, u32 n)
{
	struct st s = { ~0u, 0, 0 };
	for (u32 i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		u32 v = seed >> 16;
		if (v < s.min) s.min = v;
		if (v > s.max) s.max = v;
		s.sum += v;
	}
	return s;
}

EXPORT("stats")
u64 stats(u32 seed, u32 n)
{
	struct st s = stats_of(seed, n);
	return s.sum ^ (u64)s.min << 32 ^ (u64)s.max << 48;
}
