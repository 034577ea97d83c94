/* Bit tricks: population count three ways, clz/ctz, parity, next power
 * of two, lowest set bit, bit reversal.
// ARGS: pops i32:0
// ARGS: pops i32:-1
// ARGS: pops i32:0x12345678
// ARGS: zeros i32:1
// ARGS: zeros i32:0x80000000
// ARGS: zeros i32:0x00f00000
// ARGS: next_pow2 i32:0
// ARGS: next_pow2 i32:1
// ARGS: next_pow2 i32:1000
// ARGS: next_pow2 i32:0x80000001
// ARGS: rev32 i32:1
// ARGS: rev32 i32:0x12345678
// ARGS: pop64 i64:-1
// ARGS: pop64 i64:0x8000000000000001
*/
#include "diff.h"

EXPORT("pops")
u32 pops(u32 x)
{
	u32 a = __builtin_popcount(x);
	u32 v = x - ((x >> 1) & 0x55555555);
	v = (v & 0x33333333) + ((v >> 2) & 0x33333333);
	u32 b = (((v + (v >> 4)) & 0x0f0f0f0f) * 0x01010101) >> 24;
	u32 c = 0;
	for (u32 t = x; t; t &= t - 1)
		c++;
	u32 parity = __builtin_parity(x);
	return a | b << 8 | c << 16 | parity << 24;
}

EXPORT("zeros")
u32 zeros(u32 x)
{
	return (u32)__builtin_clz(x) << 8 | (u32)__builtin_ctz(x) | (x & -x) << 16;
}

EXPORT("next_pow2")
u32 next_pow2(u32 v)
{
	v--;
	v |= v >> 1;
	v |= v >> 2;
	v |= v >> 4;
	v |= v >> 8;
	v |= v >> 16;
	return v + 1;
}

EXPORT("rev32")
u32 rev32(u32 v)
{
	v = ((v >> 1) & 0x55555555) | ((v & 0x55555555) << 1);
	v = ((v >> 2) & 0x33333333) | ((v & 0x33333333) << 2);
	v = ((v >> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
	v = ((v >> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
	return (v >> 16) | (v << 16);
}

EXPORT("pop64")
u64 pop64(u64 x)
{
	return (u64)__builtin_popcountll(x) << 32 | (u64)__builtin_clzll(x | 1) << 8 |
	       (u64)__builtin_ctzll(x | (1ull << 63));
}
