/* Loops whose trip count nobody knows: Collatz steps and the longest
 * chain below a limit (nested).
// ARGS: steps i64:1
// ARGS: steps i64:27
// ARGS: steps i64:837799
// ARGS: steps i64:9780657630
// ARGS: longest i32:1000
// ARGS: longest i32:1
// ARGS: peak i64:27
// ARGS: peak i64:77031
*/
#include "diff.h"

EXPORT("steps")
u32 steps(u64 n)
{
	u32 s = 0;

	while (n > 1) {
		n = (n & 1) ? 3 * n + 1 : n >> 1;
		s++;
	}
	return s;
}

EXPORT("longest")
u32 longest(u32 limit)
{
	u32 best = 1, best_len = 0;

	for (u32 i = 1; i < limit; i++) {
		u32 l = steps(i);
		if (l > best_len) {
			best_len = l;
			best = i;
		}
	}
	return best;
}

EXPORT("peak")
u64 peak(u64 n)
{
	u64 m = n;

	while (n != 1) {
		n = (n % 2) ? 3 * n + 1 : n / 2;
		if (n > m)
			m = n;
	}
	return m;
}
