/*
 * sum_u32.c — the simplest memory kernel: fill a 4096-element u32 array,
 * then sum n elements of it (cyclically). The summing loop is the "hot loop"
 * run_bench.py dissects: one 4-byte load per iteration.
 */
#include "bench.h"

#define SUM_LEN 4096

static u32 sum_data[SUM_LEN];

BENCH_KERNEL(sum_u32)
{
	u64 sum = 0;
	int i;

	BENCH_FOR(i, 0, SUM_LEN)
		sum_data[i] = (u32)i * 2654435761u;
	BENCH_FOR(i, 0, (int)n)
		sum += sum_data[BENCH_IDX(i, SUM_LEN)];
	return sum;
}

BENCH_LICENSE;
