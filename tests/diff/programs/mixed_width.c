/* u8/u16 arithmetic with wrap-around, integer promotions, signed char
 * comparisons, and a saturating u8 add.
// ARGS: wrap8 i32:200 i32:100
// ARGS: wrap8 i32:0 i32:1
// ARGS: wrap16 i32:65000 i32:1000
// ARGS: promote i32:255 i32:1
// ARGS: promote i32:128 i32:128
// ARGS: sat_add8 i32:200 i32:100
// ARGS: sat_add8 i32:20 i32:30
// ARGS: avg_bytes i64:0x0102030405060708
// ARGS: avg_bytes i64:-1
*/
#include "diff.h"

EXPORT("wrap8")
u32 wrap8(u32 a, u32 b)
{
	u8 x = (u8)a, y = (u8)b;
	u8 s = x + y, d = x - y, m = x * y;
	return (u32)s | (u32)d << 8 | (u32)m << 16;
}

EXPORT("wrap16")
u32 wrap16(u32 a, u32 b)
{
	u16 x = (u16)a, y = (u16)b;
	u16 s = x + y, m = x * y;
	return (u32)s << 16 | m;
}

/* where C's promotions to int matter */
EXPORT("promote")
int promote(u32 a, u32 b)
{
	u8 x = (u8)a, y = (u8)b;
	i8 sx = (i8)x;
	int r = 0;
	if (x + y > 255) r |= 1;            /* int arithmetic: no wrap */
	if ((u8)(x + y) < x) r |= 2;        /* wrapped */
	if (sx < 0) r |= 4;
	if (~x > 0) r |= 8;                 /* ~x is int, negative */
	if ((x << 24) < 0) r |= 16;
	return r | (int)(x * y) << 8;
}

EXPORT("sat_add8")
u32 sat_add8(u32 a, u32 b)
{
	u8 x = (u8)a, y = (u8)b, s = x + y;
	s |= -(u8)(s < x);
	return s;
}

EXPORT("avg_bytes")
u32 avg_bytes(u64 v)
{
	u32 s = 0;
	u8 mx = 0, mn = 255;
	for (int i = 0; i < 8; i++) {
		u8 b = (u8)(v >> (8 * i));
		s += b;
		if (b > mx) mx = b;
		if (b < mn) mn = b;
	}
	return s / 8 | (u32)mx << 16 | (u32)mn << 24;
}
