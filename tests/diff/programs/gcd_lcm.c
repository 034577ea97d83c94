/* Euclid (remainder loop, traps on gcd(x, 0) in the strict version),
 * binary GCD with ctz, LCM in 64 bits.
// ARGS: gcd i64:48 i64:18
// ARGS: gcd i64:0 i64:5
// ARGS: gcd i64:1071 i64:462
// ARGS: gcd_strict i32:10 i32:4
// ARGS: gcd_strict i32:10 i32:0
// ARGS: bgcd i64:0 i64:0
// ARGS: bgcd i64:9223372036854775808 i64:6917529027641081856
// ARGS: bgcd i64:2305843009213693951 i64:618970019642690137
// ARGS: lcm i32:21 i32:6
// ARGS: lcm i32:65537 i32:65521
*/
#include "diff.h"

EXPORT("gcd")
u64 gcd(u64 a, u64 b)
{
	while (b) {
		u64 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

EXPORT("gcd_strict")
u32 gcd_strict(u32 a, u32 b)
{
	u32 r = a % b;

	while (r) {
		a = b;
		b = r;
		r = a % b;
	}
	return b;
}

EXPORT("bgcd")
u64 bgcd(u64 a, u64 b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	int shift = __builtin_ctzll(a | b);
	a >>= __builtin_ctzll(a);
	do {
		b >>= __builtin_ctzll(b);
		if (a > b) {
			u64 t = a;
			a = b;
			b = t;
		}
		b -= a;
	} while (b);
	return a << shift;
}

EXPORT("lcm")
u64 lcm(u32 a, u32 b)
{
	return (u64)a / gcd(a, b) * b;
}
