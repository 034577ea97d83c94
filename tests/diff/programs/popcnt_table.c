/* Population count and bit reversal through 256-entry tables: one in
 * .rodata (initialised), one built at run time in .bss on first use.
// ARGS: popcount32 i32:0
// ARGS: popcount32 i32:-1
// ARGS: popcount32 i32:0x13579bdf
// ARGS: reverse32 i32:1
// ARGS: reverse32 i32:0xf0000000
// ARGS: reverse32 i32:0x12345678
// ARGS: hamming64 i64:0 i64:-1
// ARGS: hamming64 i64:0x5555555555555555 i64:0x3333333333333333
*/
#include "diff.h"

#define B2(n) n, n + 1, n + 1, n + 2
#define B4(n) B2(n), B2(n + 1), B2(n + 1), B2(n + 2)
#define B6(n) B4(n), B4(n + 1), B4(n + 1), B4(n + 2)
static const u8 pop[256] = { B6(0), B6(1), B6(1), B6(2) };

static u8 revtab[256];
static int built;

EXPORT("popcount32")
u32 popcount32(u32 x)
{
	return pop[x & 0xff] + pop[(x >> 8) & 0xff] + pop[(x >> 16) & 0xff] + pop[x >> 24];
}

static void build(void)
{
	for (u32 i = 0; i < 256; i++) {
		u8 r = 0;
		for (int b = 0; b < 8; b++)
			if (i & (1u << b))
				r |= (u8)(0x80 >> b);
		revtab[i] = r;
	}
	built = 1;
}

EXPORT("reverse32")
u32 reverse32(u32 x)
{
	if (!built)
		build();
	return (u32)revtab[x & 0xff] << 24 | (u32)revtab[(x >> 8) & 0xff] << 16 |
	       (u32)revtab[(x >> 16) & 0xff] << 8 | revtab[x >> 24];
}

EXPORT("hamming64")
u32 hamming64(u64 a, u64 b)
{
	u64 d = a ^ b;
	return popcount32((u32)d) + popcount32((u32)(d >> 32));
}
