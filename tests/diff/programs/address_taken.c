/* Address-taken locals: out-parameters (quotient and remainder, min and
 * max), a swap through pointers, a local whose address escapes to a
 * helper that updates it in a loop.
// ARGS: divmod_pack i32:17 i32:5
// ARGS: divmod_pack i32:-17 i32:5
// ARGS: divmod_pack i32:17 i32:0
// ARGS: minmax i32:3 i32:-4 i32:9
// ARGS: minmax i32:0 i32:0 i32:0
// ARGS: sorted3 i32:3 i32:1 i32:2
// ARGS: sorted3 i32:-1 i32:-2 i32:-3
// ARGS: accumulate i32:10
// ARGS: accumulate i32:0
*/
#include "diff.h"

NOINLINE static void divmod(int a, int b, int *q, int *r)
{
	*q = a / b;
	*r = a % b;
}

EXPORT("divmod_pack")
i64 divmod_pack(int a, int b)
{
	int q, r;
	divmod(a, b, &q, &r);
	return (i64)q << 32 | (u32)r;
}

NOINLINE static void mm(const int *v, int n, int *lo, int *hi)
{
	*lo = *hi = v[0];
	for (int i = 1; i < n; i++) {
		if (v[i] < *lo) *lo = v[i];
		if (v[i] > *hi) *hi = v[i];
	}
}

EXPORT("minmax")
i64 minmax(int a, int b, int c)
{
	int v[3] = { a, b, c }, lo, hi;
	mm(v, 3, &lo, &hi);
	return (i64)lo * 1000003 + hi;
}

NOINLINE static void swap(int *a, int *b)
{
	int t = *a;
	*a = *b;
	*b = t;
}

EXPORT("sorted3")
i64 sorted3(int a, int b, int c)
{
	if (a > b) swap(&a, &b);
	if (b > c) swap(&b, &c);
	if (a > b) swap(&a, &b);
	return ((i64)a * 1000 + b) * 1000 + c;
}

NOINLINE static void step(u64 *acc, u32 i)
{
	*acc = *acc * 6364136223846793005ull + i;
}

EXPORT("accumulate")
u64 accumulate(u32 n)
{
	u64 acc = 1;
	for (u32 i = 0; i < n; i++)
		step(&acc, i);
	return acc;
}
