/* FNV-1a, 32 and 64 bit, over string literals and over bytes made from the
 * argument.
// ARGS: fnv32_lit i32:0
// ARGS: fnv32_lit i32:1
// ARGS: fnv32_lit i32:2
// ARGS: fnv32_lit i32:3
// ARGS: fnv64_lit i32:0
// ARGS: fnv64_lit i32:2
// ARGS: fnv64_int i64:0
// ARGS: fnv64_int i64:0x0123456789abcdef
// ARGS: fnv32_prefix i32:0 i32:5
// ARGS: fnv32_prefix i32:2 i32:100
*/
#include "diff.h"

static const char *const words[4] = { "", "a", "foobar", "The quick brown fox jumps over the lazy dog" };

static u32 fnv32(const char *s, u32 max)
{
	u32 h = 2166136261u;

	for (u32 i = 0; s[i] && i < max; i++)
		h = (h ^ (u8)s[i]) * 16777619u;
	return h;
}

static u64 fnv64(const u8 *p, u32 n)
{
	u64 h = 14695981039346656037ull;

	while (n--)
		h = (h ^ *p++) * 1099511628211ull;
	return h;
}

EXPORT("fnv32_lit")
u32 fnv32_lit(u32 i)
{
	return fnv32(words[i & 3], ~0u);
}

EXPORT("fnv64_lit")
u64 fnv64_lit(u32 i)
{
	const char *s = words[i & 3];
	u32 n = 0;

	while (s[n])
		n++;
	return fnv64((const u8 *)s, n);
}

EXPORT("fnv64_int")
u64 fnv64_int(u64 v)
{
	u8 b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (u8)(v >> (8 * i));
	return fnv64(b, 8);
}

EXPORT("fnv32_prefix")
u32 fnv32_prefix(u32 i, u32 n)
{
	return fnv32(words[i & 3], n);
}
