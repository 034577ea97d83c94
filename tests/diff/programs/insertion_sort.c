/* Insertion sort of a global array that persists across calls: push
 * values, sort, query the median and a rank.
// ARGS: push i32:50
// ARGS: push i32:-3
// ARGS: push i32:17
// ARGS: push i32:99
// ARGS: push i32:0
// ARGS: median i32:0
// ARGS: rank i32:17
// ARGS: push i32:-100
// ARGS: median i32:0
// ARGS: rank i32:1000
// ARGS: clear i32:0
// ARGS: median i32:0
*/
#include "diff.h"

static int vals[64];
static u32 count;

static void isort(int *a, u32 n)
{
	for (u32 i = 1; i < n; i++) {
		int v = a[i];
		u32 j = i;
		while (j > 0 && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

EXPORT("push")
u32 push(int v)
{
	if (count < 64)
		vals[count++] = v;
	return count;
}

EXPORT("median")
int median(int unused)
{
	if (!count)
		return -1;
	isort(vals, count);
	return vals[count / 2];
}

/* how many stored values are below v */
EXPORT("rank")
u32 rank(int v)
{
	u32 r = 0;

	for (u32 i = 0; i < count; i++)
		r += vals[i] < v;
	return r;
}

EXPORT("clear")
u32 clear(int unused)
{
	u32 c = count;
	count = 0;
	return c;
}
