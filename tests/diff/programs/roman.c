/* Integer to Roman numerals into a stack buffer with value/symbol tables
 * in .rodata, and back; returns a checksum of the text and its length.
// ARGS: to_roman i32:1
// ARGS: to_roman i32:4
// ARGS: to_roman i32:1994
// ARGS: to_roman i32:3999
// ARGS: to_roman i32:0
// ARGS: roundtrip_all i32:3999
*/
#include "diff.h"

static const u16 values[13] = { 1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1 };
static const char *const syms[13] = { "M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I" };

static u32 roman(u32 n, char *out)
{
	u32 len = 0;
	for (int i = 0; i < 13; i++)
		while (n >= values[i]) {
			for (const char *s = syms[i]; *s; s++)
				out[len++] = *s;
			n -= values[i];
		}
	out[len] = 0;
	return len;
}

static int digit(char c)
{
	switch (c) {
	case 'I': return 1; case 'V': return 5; case 'X': return 10; case 'L': return 50;
	case 'C': return 100; case 'D': return 500; case 'M': return 1000;
	default: return 0;
	}
}

static u32 parse(const char *s)
{
	u32 v = 0;
	for (; *s; s++) {
		int d = digit(s[0]), e = digit(s[1]);
		v += d < e ? -d : d;
	}
	return v;
}

EXPORT("to_roman")
u32 to_roman(u32 n)
{
	char buf[32];
	u32 len = roman(n % 4000, buf), h = 0;
	for (u32 i = 0; i < len; i++)
		h = h * 7 + (u8)buf[i];
	return h << 5 | len;
}

/* how many of 1..n survive the round trip (all of them) */
EXPORT("roundtrip_all")
u32 roundtrip_all(u32 n)
{
	char buf[32];
	u32 ok = 0;
	for (u32 i = 1; i <= n && i < 4000; i++) {
		roman(i, buf);
		ok += parse(buf) == i;
	}
	return ok;
}
