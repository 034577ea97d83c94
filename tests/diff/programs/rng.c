/* Pseudo-random generators: xorshift32, xorshift64*, an LCG, PCG32, and
 * a state kept in a global across calls.
// ARGS: xorshift32 i32:1 i32:1
// ARGS: xorshift32 i32:2463534242 i32:1000
// ARGS: xorshift64s i64:1 i32:100
// ARGS: lcg i32:0 i32:12345
// ARGS: pcg32 i64:42 i32:1
// ARGS: pcg32 i64:42 i32:50
// ARGS: next i32:0
// ARGS: next i32:0
// ARGS: next i32:0
// ARGS: reseed i64:7
// ARGS: next i32:0
*/
#include "diff.h"

EXPORT("xorshift32")
u32 xorshift32(u32 x, u32 n)
{
	while (n--) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
	}
	return x;
}

EXPORT("xorshift64s")
u64 xorshift64s(u64 x, u32 n)
{
	while (n--) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
	}
	return x * 0x2545f4914f6cdd1dull;
}

EXPORT("lcg")
u32 lcg(u32 x, u32 n)
{
	for (u32 i = 0; i < n; i++)
		x = x * 1664525u + 1013904223u;
	return x;
}

EXPORT("pcg32")
u32 pcg32(u64 state, u32 n)
{
	u32 out = 0;

	while (n--) {
		u64 old = state;
		state = old * 6364136223846793005ull + 1442695040888963407ull;
		u32 xs = (u32)(((old >> 18u) ^ old) >> 27u);
		u32 rot = (u32)(old >> 59u);
		out = (xs >> rot) | (xs << ((-rot) & 31));
	}
	return out;
}

static u64 g_state = 88172645463325252ull;

EXPORT("next")
u64 next(int unused)
{
	g_state ^= g_state << 13;
	g_state ^= g_state >> 7;
	g_state ^= g_state << 17;
	return g_state;
}

EXPORT("reseed")
u64 reseed(u64 s)
{
	u64 old = g_state;
	g_state = s ? s : 1;
	return old;
}
