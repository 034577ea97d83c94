/* Integer matrices: 4x4 multiplication on the stack, powers by repeated
 * squaring (Fibonacci via the 2x2 matrix), trace and transpose.
// ARGS: matpow_fib i32:10
// ARGS: matpow_fib i32:90
// ARGS: matpow_fib i32:1000
// ARGS: mul_trace i32:1
// ARGS: mul_trace i32:-3
// ARGS: det3 i32:1 i32:2 i32:3
// ARGS: det3 i32:5 i32:0 i32:-7
*/
#include "diff.h"

typedef struct { i64 m[4][4]; } mat4;

static void mul(mat4 *r, const mat4 *a, const mat4 *b, u32 n)
{
	mat4 t;
	for (u32 i = 0; i < n; i++)
		for (u32 j = 0; j < n; j++) {
			i64 s = 0;
			for (u32 k = 0; k < n; k++)
				s += a->m[i][k] * b->m[k][j];
			t.m[i][j] = s;
		}
	*r = t;
}

/* F(n) mod 2^64 from [[1,1],[1,0]]^n */
EXPORT("matpow_fib")
u64 matpow_fib(u32 n)
{
	mat4 r = { { { 1, 0 }, { 0, 1 } } }, b = { { { 1, 1 }, { 1, 0 } } };
	while (n) {
		if (n & 1)
			mul(&r, &r, &b, 2);
		mul(&b, &b, &b, 2);
		n >>= 1;
	}
	return (u64)r.m[0][1];
}

EXPORT("mul_trace")
i64 mul_trace(int s)
{
	mat4 a, b, c;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++) {
			a.m[i][j] = (i64)s * (i + 1) - j;
			b.m[j][i] = i * 4 + j + s;
		}
	mul(&c, &a, &b, 4);
	mul(&c, &c, &a, 4);
	return c.m[0][0] + c.m[1][1] * 3 + c.m[2][2] * 5 + c.m[3][3] * 7 + c.m[0][3];
}

EXPORT("det3")
i64 det3(int a, int b, int c)
{
	i64 m[3][3] = { { a, b, c }, { b, c, a }, { c + 1, a - 1, b * 2 } };
	return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
	       m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
	       m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}
