/* Edit distance between string literals with two rolling rows on the
 * stack, and a bounded "is within k edits" check with early exit.
// ARGS: dist i32:0 i32:1
// ARGS: dist i32:2 i32:3
// ARGS: dist i32:4 i32:4
// ARGS: dist i32:0 i32:5
// ARGS: within i32:2 i32:3 i32:3
// ARGS: within i32:2 i32:3 i32:2
*/
#include "diff.h"

static const char *const w[6] = { "kitten", "sitting", "flaw", "lawn", "intention", "" };

static u32 len(const char *s) { u32 n = 0; while (s[n]) n++; return n; }

EXPORT("dist")
u32 dist(u32 i, u32 j)
{
	const char *a = w[i % 6], *b = w[j % 6];
	u32 n = len(a), m = len(b), prev[16], cur[16];
	for (u32 k = 0; k <= m; k++)
		prev[k] = k;
	for (u32 x = 1; x <= n; x++) {
		cur[0] = x;
		for (u32 y = 1; y <= m; y++) {
			u32 sub = prev[y - 1] + (a[x - 1] != b[y - 1]);
			u32 del = prev[y] + 1, ins = cur[y - 1] + 1;
			u32 best = sub < del ? sub : del;
			cur[y] = best < ins ? best : ins;
		}
		for (u32 y = 0; y <= m; y++)
			prev[y] = cur[y];
	}
	return prev[m];
}

EXPORT("within")
int within(u32 i, u32 j, u32 k)
{
	u32 lo = len(w[i % 6]), hi = len(w[j % 6]);
	if ((lo > hi ? lo - hi : hi - lo) > k)
		return 0;
	return dist(i, j) <= k;
}
