/*
 * copy.c — a memcpy-style copy: n 8-byte words from one 16 KiB array to
 * another (cyclically), after filling the source. One load and one store
 * per iteration.
 */
#include "bench.h"

#define COPY_WORDS 2048

static u64 copy_src[COPY_WORDS];
static u64 copy_dst[COPY_WORDS];

BENCH_KERNEL(copy)
{
	int i;

	BENCH_FOR(i, 0, COPY_WORDS)
		copy_src[i] = (u64)i * 0x9E3779B97F4A7C15ull;
	BENCH_FOR(i, 0, (int)n)
		copy_dst[BENCH_IDX(i, COPY_WORDS)] =
			copy_src[BENCH_IDX(i + 7, COPY_WORDS)];
	/* Only words this run wrote: the arrays outlive a run (natively in
	 * .bss, in Wasm in the per-CPU instance memory). */
	if (n == 0)
		return 0;
	return copy_dst[0] ^ copy_dst[BENCH_IDX(n - 1, COPY_WORDS)] ^
	       copy_dst[BENCH_IDX(n / 2, COPY_WORDS)];
}

BENCH_LICENSE;
