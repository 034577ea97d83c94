/* Arrays on the stack: fill, reverse in place, rotate, checksum; an index
 * computed from the argument.
// ARGS: rev_sum i32:1
// ARGS: rev_sum i32:12345
// ARGS: rotate i32:0 i32:3
// ARGS: rotate i32:5 i32:31
// ARGS: rotate i32:7 i32:64
// ARGS: pick i32:0 i32:0
// ARGS: pick i32:99 i32:31
*/
#include "diff.h"

#define N 32

NOINLINE static void fill(u32 *a, u32 seed)
{
	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245u + 12345u;
		a[i] = seed >> 8;
	}
}

static u32 checksum(const u32 *a)
{
	u32 h = 0;

	for (int i = 0; i < N; i++)
		h = h * 33 + a[i];
	return h;
}

EXPORT("rev_sum")
u32 rev_sum(u32 seed)
{
	u32 a[N];

	fill(a, seed);
	for (int i = 0, j = N - 1; i < j; i++, j--) {
		u32 t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	return checksum(a);
}

EXPORT("rotate")
u32 rotate(u32 seed, u32 k)
{
	u32 a[N], b[N];

	fill(a, seed);
	for (int i = 0; i < N; i++)
		b[(i + k) % N] = a[i];
	return checksum(b);
}

EXPORT("pick")
u32 pick(u32 seed, u32 i)
{
	volatile u32 a[N];

	for (int j = 0; j < N; j++)
		a[j] = seed + j * j;
	return a[i % N];
}
