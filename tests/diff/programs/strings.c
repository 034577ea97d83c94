/* Own strlen, strcmp, strchr, reverse-into-buffer over a table of string
 * literals.
// ARGS: len i32:0
// ARGS: len i32:3
// ARGS: cmp i32:0 i32:1
// ARGS: cmp i32:1 i32:0
// ARGS: cmp i32:2 i32:2
// ARGS: cmp i32:4 i32:5
// ARGS: find i32:3 i32:111
// ARGS: find i32:3 i32:122
// ARGS: rev_hash i32:3
// ARGS: rev_hash i32:0
*/
#include "diff.h"

static const char *const strs[6] = { "", "alpha", "alphabet", "hello, world", "abc", "abd" };

static u32 my_strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return (u32)(p - s);
}

static int my_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (u8)*a - (u8)*b;
}

static const char *my_strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return s;
	return c ? 0 : s;
}

EXPORT("len") u32 len(u32 i) { return my_strlen(strs[i % 6]); }

EXPORT("cmp")
int cmp(u32 i, u32 j)
{
	int r = my_strcmp(strs[i % 6], strs[j % 6]);
	return r < 0 ? -1 : r > 0;
}

EXPORT("find")
int find(u32 i, int c)
{
	const char *s = strs[i % 6], *p = my_strchr(s, c);
	return p ? (int)(p - s) : -1;
}

EXPORT("rev_hash")
u32 rev_hash(u32 i)
{
	char buf[32];
	const char *s = strs[i % 6];
	u32 n = my_strlen(s), h = 0;

	for (u32 k = 0; k < n; k++)
		buf[k] = s[n - 1 - k];
	buf[n] = 0;
	for (const char *p = buf; *p; p++)
		h = h * 257 + (u8)*p;
	return h ^ n;
}
