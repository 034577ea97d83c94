/*
 * xorshift.c — pure 64-bit integer arithmetic: n steps of the xorshift64*
 * generator, summing its outputs. One loop, no memory, no branches in the
 * body: the cost of the loop machinery itself is most visible here.
 */
#include "bench.h"

BENCH_KERNEL(xorshift)
{
	u64 s = 0x9E3779B97F4A7C15ull, acc = 0;
	int i;

	BENCH_FOR(i, 0, (int)n) {
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		acc += s * 0x2545F4914F6CDD1Dull;
	}
	return acc ^ s;
}

BENCH_LICENSE;
