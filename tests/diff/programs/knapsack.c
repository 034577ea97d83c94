/* Dynamic programming on the stack: 0/1 knapsack, longest common
 * subsequence of two literals, coin change counting (64-bit).
// ARGS: knapsack i32:10
// ARGS: knapsack i32:50
// ARGS: knapsack i32:0
// ARGS: lcs i32:0
// ARGS: lcs i32:1
// ARGS: coins i32:100
// ARGS: coins i32:500
*/
#include "diff.h"

static const u8 weight[10] = { 5, 4, 6, 3, 9, 7, 2, 8, 1, 10 };
static const u16 value[10] = { 10, 40, 30, 50, 35, 25, 15, 45, 5, 60 };

EXPORT("knapsack")
u32 knapsack(u32 cap)
{
	u32 best[64];
	if (cap > 63) cap = 63;
	for (u32 c = 0; c <= cap; c++)
		best[c] = 0;
	for (int i = 0; i < 10; i++)
		for (u32 c = cap; c >= weight[i]; c--) {
			u32 v = best[c - weight[i]] + value[i];
			if (v > best[c])
				best[c] = v;
		}
	return best[cap];
}

static const char *const pairs[2][2] = { { "AGGTAB", "GXTXAYB" }, { "kernel verifier", "wasm interpreter" } };

EXPORT("lcs")
u32 lcs(u32 which)
{
	const char *a = pairs[which & 1][0], *b = pairs[which & 1][1];
	u8 t[20][20];
	u32 n = 0, m = 0;
	while (a[n]) n++;
	while (b[m]) m++;
	for (u32 i = 0; i <= n; i++)
		for (u32 j = 0; j <= m; j++)
			t[i][j] = !i || !j ? 0 : a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1
				: t[i - 1][j] > t[i][j - 1] ? t[i - 1][j] : t[i][j - 1];
	return t[n][m];
}

EXPORT("coins")
u64 coins(u32 amount)
{
	static const u8 c[6] = { 1, 2, 5, 10, 20, 50 };
	u64 ways[512];
	if (amount > 511) amount = 511;
	ways[0] = 1;
	for (u32 i = 1; i <= amount; i++)
		ways[i] = 0;
	for (int k = 0; k < 6; k++)
		for (u32 i = c[k]; i <= amount; i++)
			ways[i] += ways[i - c[k]];
	return ways[amount];
}
