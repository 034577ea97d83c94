/* 64-bit comparisons, signed and unsigned, around the sign boundary;
 * select (branchless ?:), min/max, clamp, three-way compare.
// ARGS: cmp_bits i64:-1 i64:1
// ARGS: cmp_bits i64:1 i64:-1
// ARGS: cmp_bits i64:5 i64:5
// ARGS: cmp_bits i64:0x8000000000000000 i64:0x7fffffffffffffff
// ARGS: clamp i64:-100 i64:-10 i64:10
// ARGS: clamp i64:100 i64:-10 i64:10
// ARGS: clamp i64:3 i64:-10 i64:10
// ARGS: three_way i64:-9223372036854775808 i64:9223372036854775807
// ARGS: three_way i64:7 i64:7
// ARGS: umax_sel i64:-2 i64:3
*/
#include "diff.h"

EXPORT("cmp_bits")
u32 cmp_bits(i64 a, i64 b)
{
	u64 ua = (u64)a, ub = (u64)b;
	return (a < b) | (a <= b) << 1 | (a > b) << 2 | (a >= b) << 3 | (a == b) << 4 |
	       (ua < ub) << 5 | (ua <= ub) << 6 | (ua > ub) << 7 | (ua >= ub) << 8 | (a != b) << 9;
}

EXPORT("clamp")
i64 clamp(i64 v, i64 lo, i64 hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

EXPORT("three_way")
int three_way(i64 a, i64 b)
{
	return (a > b) - (a < b) + ((u64)a > (u64)b) * 10;
}

EXPORT("umax_sel")
u64 umax_sel(u64 a, u64 b)
{
	u64 mx = a > b ? a : b;
	i64 smn = (i64)a < (i64)b ? (i64)a : (i64)b;
	return mx ^ (u64)smn;
}
