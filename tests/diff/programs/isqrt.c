/* Integer square roots: Newton's method (64-bit) and bit-by-bit (32-bit),
 * and a perfect-square test.
// ARGS: isqrt64 i64:0
// ARGS: isqrt64 i64:1
// ARGS: isqrt64 i64:99
// ARGS: isqrt64 i64:18446744073709551615
// ARGS: isqrt64 i64:1000000000000
// ARGS: isqrt32 i32:0
// ARGS: isqrt32 i32:15
// ARGS: isqrt32 i32:4294967295
// ARGS: is_square i64:15241578750190521
// ARGS: is_square i64:15241578750190522
*/
#include "diff.h"

EXPORT("isqrt64")
u64 isqrt64(u64 n)
{
	if (n < 2)
		return n;
	u64 x = n, y = (x + 1) / 2;
	if (x > 0xfffffffe00000001ull)
		return 0xffffffffull;
	while (y < x) {
		x = y;
		y = (x + n / x) / 2;
	}
	return x;
}

EXPORT("isqrt32")
u32 isqrt32(u32 n)
{
	u32 res = 0, bit = 1u << 30;

	while (bit > n)
		bit >>= 2;
	while (bit) {
		if (n >= res + bit) {
			n -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return res;
}

EXPORT("is_square")
int is_square(u64 n)
{
	u64 r = isqrt64(n);
	return r * r == n;
}
