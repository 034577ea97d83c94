/*
 * isort.c — insertion sort: n rounds of filling a 64-element u32 array from
 * a xorshift generator and sorting it in place. Nested loops, a
 * data-dependent inner loop, loads and stores at computed indexes.
 *
 * The inner loop counts k up and derives j = i - k, instead of the textbook
 * `while (j > 0 && a[j-1] > x) a[j] = a[j-1], j--;`. Written that way the
 * native object does not load: clang tests j before the decrement but
 * indexes with j - 1, the verifier tracks a distinct, ever lower range for j
 * on every pass of the open-coded iterator, never finds an equal state and
 * stops at 1M processed instructions. (wasm2bpf's object of that version
 * does load, in ~500 processed instructions: it keeps loop variables in its
 * PREFIX_env map value, whose contents the verifier does not track.)
 */
#include "bench.h"

#define SORT_LEN 64

static u32 sort_a[SORT_LEN];

BENCH_KERNEL(isort)
{
	u64 s = 0x5851F42D4C957F2Dull, check = 0;
	int r, i;

	BENCH_FOR(r, 0, (int)n) {
		BENCH_FOR(i, 0, SORT_LEN) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			sort_a[i] = (u32)s;
		}
		BENCH_FOR(i, 1, SORT_LEN) {
			u32 x = sort_a[i];
			int pos = 0, k;

			/* Walk j = i, i-1, ..., 1 down from the iterator's k
			 * rather than with a decrementing j: see the header. */
			BENCH_FOR(k, 0, i) {
				int j = i - k;
				u32 y = sort_a[BENCH_IDX(j - 1, SORT_LEN)];

				if (y <= x) {
					pos = j;
					break;
				}
				sort_a[BENCH_IDX(j, SORT_LEN)] = y;
			}
			sort_a[BENCH_IDX(pos, SORT_LEN)] = x;
		}
		check = check * 31 + sort_a[0] + sort_a[SORT_LEN / 2] +
			sort_a[SORT_LEN - 1];
	}
	return check;
}

BENCH_LICENSE;
