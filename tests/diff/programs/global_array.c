/* An initialised global array (a data segment) and a zeroed one (.bss):
 * sums, prefix sums written back, and state that lasts across calls.
// ARGS: sum_range i32:0 i32:16
// ARGS: sum_range i32:5 i32:9
// ARGS: sum_range i32:9 i32:5
// ARGS: prefix i32:0
// ARGS: prefix i32:15
// ARGS: bump i32:3 i32:100
// ARGS: bump i32:3 i32:-1
// ARGS: bump i32:17 i32:1
// ARGS: sum_range i32:0 i32:16
// ARGS: total i32:0
*/
#include "diff.h"

static int table[16] = { 3, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8, 9, -7, 9, 3 };
static int pre[16];
static u32 bumps;

EXPORT("sum_range")
int sum_range(u32 lo, u32 hi)
{
	int s = 0;

	for (u32 i = lo; i < hi && i < 16; i++)
		s += table[i];
	return s;
}

EXPORT("prefix")
int prefix(u32 k)
{
	int s = 0;

	for (int i = 0; i < 16; i++) {
		s += table[i];
		pre[i] = s;
	}
	return pre[k & 15];
}

EXPORT("bump")
int bump(u32 i, int by)
{
	bumps++;
	table[i & 15] += by;
	return table[i & 15];
}

EXPORT("total")
i64 total(int unused)
{
	i64 s = 0;

	for (int i = 0; i < 16; i++)
		s = s * 31 + table[i] + pre[i];
	return s ^ bumps;
}
