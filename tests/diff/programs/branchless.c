/* Branch-free integer idioms: abs, sign, min/max by masks, conditional
 * negate, average without overflow, is-power-of-two, round up to a
 * multiple.
// ARGS: abs_sign i32:-5
// ARGS: abs_sign i32:0
// ARGS: abs_sign i32:-2147483648
// ARGS: minmax_mask i32:3 i32:-8
// ARGS: minmax_mask i32:2147483647 i32:-2147483648
// ARGS: avg i32:4294967295 i32:4294967293
// ARGS: avg i32:0 i32:1
// ARGS: pow2_round i32:64 i32:16
// ARGS: pow2_round i32:65 i32:16
// ARGS: pow2_round i32:0 i32:8
*/
#include "diff.h"

EXPORT("abs_sign")
u32 abs_sign(int x)
{
	int m = x >> 31;
	u32 a = (u32)((x ^ m) - m);
	int sign = (x > 0) - (x < 0);
	return a ^ (u32)sign << 28;
}

EXPORT("minmax_mask")
i64 minmax_mask(int a, int b)
{
	int lt = -(a < b);
	int mn = (a & lt) | (b & ~lt), mx = (b & lt) | (a & ~lt);
	return (i64)mn << 32 | (u32)mx;
}

EXPORT("avg")
u32 avg(u32 a, u32 b)
{
	return (a & b) + ((a ^ b) >> 1);
}

EXPORT("pow2_round")
u32 pow2_round(u32 x, u32 align)
{
	u32 is_pow2 = x && !(x & (x - 1));
	u32 up = (x + align - 1) & ~(align - 1);
	return up | is_pow2 << 31;
}
