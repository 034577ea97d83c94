/*
 * isqrt_gcd.c — integer square root (Newton's iteration on 64 bits) and
 * Euclid's gcd (32-bit remainders) for every v in [1, n]: two division
 * loops with data-dependent trip counts. wasm2bpf must keep Wasm's trap on a
 * zero divisor; native C has no such check.
 *
 * (The bit-by-bit square root, 16 compare-and-subtract steps, is not used:
 * clang unrolls it into 16 branches whose paths the verifier cannot prune,
 * because r is a known constant on each path, and both objects hit the 1M
 * processed-instruction limit.)
 */
#include "bench.h"

static u32 isqrt(u32 x)
{
	u64 r = x, y = (r + 1) >> 1;

	BENCH_WHILE(y < r) {
		r = y;
		y = (r + x / r) >> 1;
	}
	return (u32)r;
}

static u32 gcd(u32 a, u32 b)
{
	BENCH_WHILE(b) {
		u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

BENCH_KERNEL(isqrt_gcd)
{
	u64 acc = 0;
	int i;

	BENCH_FOR(i, 0, (int)n) {
		u32 v = (u32)i + 1;

		acc += isqrt(v * 2654435761u);
		acc += gcd(v * 2654435761u, v * 40503u + 12345u);
	}
	return acc;
}

BENCH_LICENSE;
