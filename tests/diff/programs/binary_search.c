/* Binary search in a sorted constant table (.rodata): index, lower bound,
 * and interpolation in a piecewise-linear table.
// ARGS: find i32:1
// ARGS: find i32:97
// ARGS: find i32:50
// ARGS: find i32:-5
// ARGS: lower_bound i32:0
// ARGS: lower_bound i32:60
// ARGS: lower_bound i32:1000
// ARGS: interp i32:0
// ARGS: interp i32:333
// ARGS: interp i32:999
// ARGS: interp i32:5000
*/
#include "diff.h"

static const int sorted[25] = { 1, 3, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43,
				47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101 };

EXPORT("find")
int find(int v)
{
	int lo = 0, hi = 24;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (sorted[mid] == v)
			return mid;
		if (sorted[mid] < v)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

EXPORT("lower_bound")
u32 lower_bound(int v)
{
	u32 lo = 0, n = 25;

	while (n > 0) {
		u32 half = n / 2;
		if (sorted[lo + half] < v) {
			lo += half + 1;
			n -= half + 1;
		} else {
			n = half;
		}
	}
	return lo;
}

static const struct { int x, y; } curve[6] = {
	{ 0, 0 }, { 100, 400 }, { 250, 500 }, { 500, 900 }, { 800, 950 }, { 1000, 1000 },
};

EXPORT("interp")
int interp(int x)
{
	int i = 0;

	if (x <= curve[0].x)
		return curve[0].y;
	while (i < 5 && curve[i + 1].x < x)
		i++;
	if (i == 5)
		return curve[5].y;
	return curve[i].y + (curve[i + 1].y - curve[i].y) * (x - curve[i].x) /
			    (curve[i + 1].x - curve[i].x);
}
