/* Checked arithmetic: __builtin_*_overflow in 32 bits (a 64-bit multiply
 * check needs compiler-rt's __multi3, which -nostdlib lacks: it is
 * checked by division), saturating add/mul, a factorial that stops before
 * it would overflow.
// ARGS: sat_add i32:2147483647 i32:1
// ARGS: sat_add i32:-2147483648 i32:-1
// ARGS: sat_add i32:5 i32:6
// ARGS: sat_mul64 i64:3037000500 i64:3037000500
// ARGS: sat_mul64 i64:-3037000500 i64:3037000500
// ARGS: sat_mul64 i64:1000 i64:1000
// ARGS: umul_ovf i32:65536 i32:65536
// ARGS: umul_ovf i32:65535 i32:65537
// ARGS: fact_limit i32:0
*/
#include "diff.h"

EXPORT("sat_add")
int sat_add(int a, int b)
{
	int r;
	if (__builtin_add_overflow(a, b, &r))
		return a < 0 ? -2147483647 - 1 : 2147483647;
	return r;
}

EXPORT("sat_mul64")
i64 sat_mul64(i64 a, i64 b)
{
	u64 ua = a < 0 ? 0 - (u64)a : (u64)a, ub = b < 0 ? 0 - (u64)b : (u64)b;
	int neg = (a < 0) != (b < 0);
	u64 limit = neg ? 0x8000000000000000ull : 0x7fffffffffffffffull;
	if (ua && ub > limit / ua)
		return neg ? (-9223372036854775807LL - 1) : 9223372036854775807LL;
	return (i64)(neg ? 0 - ua * ub : ua * ub);
}

EXPORT("umul_ovf")
u64 umul_ovf(u32 a, u32 b)
{
	u32 r;
	int o = __builtin_mul_overflow(a, b, &r);
	return (u64)o << 32 | r;
}

/* the largest n with n! < 2^63, and the product (both packed) */
EXPORT("fact_limit")
i64 fact_limit(int unused)
{
	i64 f = 1, n = 1;
	while (n + 1 <= 0x7fffffffffffffffLL / f) {
		f *= n + 1;
		n++;
	}
	return f ^ n << 56;
}
