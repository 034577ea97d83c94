/* Loops clang turns into memset/memcpy calls (or memory.fill/copy), with
 * lengths known and unknown; overlapping memmove in both directions.
// ARGS: fill_sum i32:0 i32:0
// ARGS: fill_sum i32:7 i32:100
// ARGS: fill_sum i32:255 i32:256
// ARGS: fill_sum i32:1 i32:1000
// ARGS: shift_left i32:3
// ARGS: shift_right i32:5
// ARGS: shift_right i32:0
// ARGS: copy_tail i32:10
*/
#include "diff.h"

static u8 buf[256];

EXPORT("fill_sum")
u32 fill_sum(u32 c, u32 n)
{
	u32 s = 0;

	if (n > sizeof buf)
		n = sizeof buf;
	for (u32 i = 0; i < sizeof buf; i++)
		buf[i] = 0;
	for (u32 i = 0; i < n; i++)
		buf[i] = (u8)c;
	for (u32 i = 0; i < sizeof buf; i++)
		s = s * 7 + buf[i];
	return s;
}

static u32 digest(const u8 *p, u32 n)
{
	u32 h = 0;
	for (u32 i = 0; i < n; i++)
		h = h * 131 + p[i] + i;
	return h;
}

EXPORT("shift_left")
u32 shift_left(u32 k)
{
	u8 a[64];
	for (u32 i = 0; i < 64; i++)
		a[i] = (u8)(i * 3 + 1);
	k %= 64;
	memmove(a, a + k, 64 - k);
	return digest(a, 64);
}

EXPORT("shift_right")
u32 shift_right(u32 k)
{
	u8 a[64];
	for (u32 i = 0; i < 64; i++)
		a[i] = (u8)(i * 5 + 2);
	k %= 64;
	memmove(a + k, a, 64 - k);
	return digest(a, 64);
}

EXPORT("copy_tail")
u32 copy_tail(u32 n)
{
	u8 a[128];
	n %= 128;
	for (u32 i = 0; i < 128; i++)
		a[i] = buf[i];
	memcpy(a, buf + 128, n);
	return digest(a, 128);
}
