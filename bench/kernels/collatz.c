/*
 * collatz.c — pure integer work with data-dependent loop trip counts: the
 * total number of Collatz steps of every start in [1, n].
 * Two nested loops; the inner one's trip count nobody knows in advance.
 */
#include "bench.h"

BENCH_KERNEL(collatz)
{
	u64 total = 0;
	int i;

	BENCH_FOR(i, 0, (int)n) {
		u64 x = (u64)i + 1;
		u32 steps = 0;

		BENCH_WHILE(x > 1) {
			x = (x & 1) ? 3 * x + 1 : x >> 1;
			steps++;
		}
		total += steps;
	}
	return total;
}

BENCH_LICENSE;
