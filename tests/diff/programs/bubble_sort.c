/* Bubble sort (with early exit) of a pseudo-random stack array; returns a
 * checksum of the sorted order, or the k-th smallest.
// ARGS: sorted_hash i32:1 i32:20
// ARGS: sorted_hash i32:42 i32:64
// ARGS: sorted_hash i32:7 i32:0
// ARGS: kth i32:3 i32:0
// ARGS: kth i32:3 i32:63
// ARGS: kth i32:99 i32:31
// ARGS: swaps i32:5
*/
#include "diff.h"

#define N 64

static u32 sort(int *a, u32 n)
{
	u32 swaps = 0;

	for (u32 i = 0; i + 1 < n; i++) {
		int done = 1;
		for (u32 j = 0; j + 1 < n - i; j++)
			if (a[j] > a[j + 1]) {
				int t = a[j];
				a[j] = a[j + 1];
				a[j + 1] = t;
				swaps++;
				done = 0;
			}
		if (done)
			break;
	}
	return swaps;
}

static void fill(int *a, u32 seed)
{
	for (int i = 0; i < N; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 17;
		seed ^= seed << 5;
		a[i] = (int)seed % 1000;
	}
}

EXPORT("sorted_hash")
u32 sorted_hash(u32 seed, u32 n)
{
	int a[N];
	u32 h = 2166136261u;

	fill(a, seed);
	if (n > N)
		n = N;
	sort(a, n);
	for (u32 i = 0; i < n; i++)
		h = (h ^ (u32)a[i]) * 16777619u;
	return h;
}

EXPORT("kth")
int kth(u32 seed, u32 k)
{
	int a[N];

	fill(a, seed);
	sort(a, N);
	return a[k % N];
}

EXPORT("swaps")
u32 swaps(u32 seed)
{
	int a[N];

	fill(a, seed);
	return sort(a, N);
}
