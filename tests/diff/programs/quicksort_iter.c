/* Quicksort without recursion: an explicit stack of ranges (Lomuto
 * partition), on a global array; then checks it is sorted.
// ARGS: qsort_hash i32:1 i32:100
// ARGS: qsort_hash i32:12345 i32:256
// ARGS: qsort_hash i32:5 i32:1
// ARGS: is_sorted i32:0
// ARGS: nth i32:0
// ARGS: nth i32:255
// ARGS: qsort_hash i32:0 i32:200
// ARGS: nth i32:100
*/
#include "diff.h"

#define N 256
static int a[N];
static u32 n_used;

static void qs(int *v, int n)
{
	int stack[64], sp = 0;

	stack[sp++] = 0;
	stack[sp++] = n - 1;
	while (sp > 0) {
		int hi = stack[--sp], lo = stack[--sp];
		if (lo >= hi)
			continue;
		int p = v[hi], i = lo;
		for (int j = lo; j < hi; j++)
			if (v[j] < p) {
				int t = v[i]; v[i] = v[j]; v[j] = t;
				i++;
			}
		int t = v[i]; v[i] = v[hi]; v[hi] = t;
		/* the larger side first, so the stack stays shallow */
		if (i - lo > hi - i) {
			stack[sp++] = lo; stack[sp++] = i - 1;
			stack[sp++] = i + 1; stack[sp++] = hi;
		} else {
			stack[sp++] = i + 1; stack[sp++] = hi;
			stack[sp++] = lo; stack[sp++] = i - 1;
		}
	}
}

EXPORT("qsort_hash")
u32 qsort_hash(u32 seed, u32 n)
{
	u32 h = 0;

	n_used = n > N ? N : n;
	for (u32 i = 0; i < n_used; i++) {
		seed = seed * 1664525u + 1013904223u;
		a[i] = (int)(seed >> 4) % 5000;
	}
	qs(a, (int)n_used);
	for (u32 i = 0; i < n_used; i++)
		h = h * 31 + (u32)a[i];
	return h;
}

EXPORT("is_sorted")
int is_sorted(int unused)
{
	for (u32 i = 1; i < n_used; i++)
		if (a[i - 1] > a[i])
			return 0;
	return 1;
}

EXPORT("nth")
int nth(u32 i)
{
	return n_used ? a[i % n_used] : -1;
}
