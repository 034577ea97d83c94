/* 64-bit arithmetic: products, shifts, rotations, mixed widths.
// ARGS: mul64 i64:3 i64:5
// ARGS: mul64 i64:-1 i64:-1
// ARGS: mul64 i64:0x123456789abcdef i64:0xfedcba987654321
// ARGS: rotl64 i64:0x8000000000000001 i32:1
// ARGS: rotl64 i64:0x0123456789abcdef i32:68
// ARGS: rotl64 i64:42 i32:0
// ARGS: widen i32:-5 i32:7
// ARGS: widen i32:2147483647 i32:2147483647
// ARGS: split i64:0xdeadbeefcafebabe
// ARGS: split i64:-1
*/
#include "diff.h"

EXPORT("mul64")
i64 mul64(i64 a, i64 b)
{
	return a * b + (a ^ b) - (a >> 7) + (i64)((u64)b >> 9);
}

EXPORT("rotl64")
u64 rotl64(u64 x, int n)
{
	n &= 63;
	return (x << n) | (x >> ((64 - n) & 63));
}

/* 32x32 -> 64 products, signed and unsigned */
EXPORT("widen")
i64 widen(int a, int b)
{
	i64 s = (i64)a * b;
	u64 u = (u64)(u32)a * (u32)b;
	return s ^ (i64)(u >> 1);
}

/* folds the halves of a 64-bit value into 32 bits */
EXPORT("split")
u32 split(u64 v)
{
	u32 hi = v >> 32, lo = (u32)v;
	return hi * 31 + lo ^ (hi >> 5);
}
