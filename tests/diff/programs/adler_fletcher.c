/* Adler-32 and Fletcher-16 over bytes generated from a seed (modulo in
 * loops), and over a literal.
// ARGS: adler_gen i32:1 i32:0
// ARGS: adler_gen i32:1 i32:1
// ARGS: adler_gen i32:99 i32:5000
// ARGS: adler_lit i32:0
// ARGS: fletcher16 i32:7 i32:300
// ARGS: fletcher16 i32:0 i32:0
*/
#include "diff.h"

static u8 gen(u32 *s)
{
	*s = *s * 214013u + 2531011u;
	return (u8)(*s >> 16);
}

EXPORT("adler_gen")
u32 adler_gen(u32 seed, u32 n)
{
	u32 a = 1, b = 0;

	while (n--) {
		a = (a + gen(&seed)) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

EXPORT("adler_lit")
u32 adler_lit(int unused)
{
	const char *s = "Wikipedia";
	u32 a = 1, b = 0;

	for (; *s; s++) {
		a = (a + (u8)*s) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a; /* 0x11e60398 */
}

EXPORT("fletcher16")
u32 fletcher16(u32 seed, u32 n)
{
	u16 s1 = 0, s2 = 0;

	for (u32 i = 0; i < n; i++) {
		s1 = (u16)((s1 + gen(&seed)) % 255);
		s2 = (u16)((s2 + s1) % 255);
	}
	return (u32)s2 << 8 | s1;
}
