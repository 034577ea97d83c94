/* 32-bit wrap-around arithmetic, mixed signed/unsigned.
// ARGS: mix i32:5 i32:7
// ARGS: mix i32:-1 i32:1
// ARGS: mix i32:2147483647 i32:1
// ARGS: mix i32:-2147483648 i32:-1
// ARGS: mix i32:123456789 i32:987654321
// ARGS: poly i32:0
// ARGS: poly i32:3
// ARGS: poly i32:-77777
// ARGS: poly i32:65536
// ARGS: neg_wrap i32:-2147483648
// ARGS: neg_wrap i32:12
*/
#include "diff.h"

EXPORT("mix")
int mix(int a, int b)
{
	unsigned ua = a, ub = b;
	int r = a * b + (a - b) * 3;

	r ^= (int)(ua * 2654435761u + ub);
	r += (int)(ua >> 3) - (b << 2);
	return r;
}

/* 7x^3 - 5x^2 + 3x - 1, wrapping */
EXPORT("poly")
int poly(int x)
{
	return ((7 * x - 5) * x + 3) * x - 1;
}

EXPORT("neg_wrap")
int neg_wrap(int x)
{
	unsigned u = x;
	return (int)(0u - u) + (int)(~u) * 2;
}
