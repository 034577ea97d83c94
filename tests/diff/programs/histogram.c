/* Letter histogram of a literal in a stack array; the most frequent
 * letter, the number of distinct letters, an entropy-like score.
// ARGS: most_common i32:0
// ARGS: most_common i32:1
// ARGS: distinct i32:0
// ARGS: distinct i32:1
// ARGS: score i32:0
// ARGS: score i32:1
*/
#include "diff.h"

static const char *const texts[2] = {
	"It was the best of times, it was the worst of times, it was the age of wisdom",
	"Sphinx of black quartz, judge my vow!",
};

static void hist(u32 *h, const char *s)
{
	for (int i = 0; i < 26; i++)
		h[i] = 0;
	for (; *s; s++) {
		char c = *s | 32;
		if (c >= 'a' && c <= 'z')
			h[c - 'a']++;
	}
}

EXPORT("most_common")
u32 most_common(u32 i)
{
	u32 h[26], best = 0;
	hist(h, texts[i & 1]);
	for (u32 k = 1; k < 26; k++)
		if (h[k] > h[best])
			best = k;
	return ('a' + best) | h[best] << 8;
}

EXPORT("distinct")
u32 distinct(u32 i)
{
	u32 h[26], n = 0;
	hist(h, texts[i & 1]);
	for (u32 k = 0; k < 26; k++)
		n += h[k] != 0;
	return n;
}

EXPORT("score")
u64 score(u32 i)
{
	u32 h[26];
	u64 s = 0;
	hist(h, texts[i & 1]);
	for (u32 k = 0; k < 26; k++)
		s += (u64)h[k] * h[k] * (k + 1);
	return s;
}
