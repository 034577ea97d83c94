/* Traps in the middle of work: __builtin_trap (unreachable) behind a
 * data-dependent condition, a division by zero found in a loop, and
 * state changed before a trap (kept: Wasm does not roll back memory).
// ARGS: check_range i32:5
// ARGS: check_range i32:500
// ARGS: check_range i32:-1
// ARGS: harmonic i32:10
// ARGS: harmonic i32:0
// ARGS: div_chain i32:100 i32:3
// ARGS: div_chain i32:100 i32:0
// ARGS: partial i32:3
// ARGS: partial i32:0
// ARGS: partial_count i32:0
*/
#include "diff.h"

EXPORT("check_range")
int check_range(int x)
{
	if (x < 0 || x > 100)
		__builtin_trap();
	return x * 2;
}

/* sum of 720720 / k for k = n down to 0: k = 0 traps */
EXPORT("harmonic")
u32 harmonic(u32 n)
{
	u32 s = 0;
	for (int k = (int)n; k >= 0; k--) {
		if (k == 0 && n != 0)
			break;
		s += 720720u / (u32)k;
	}
	return s;
}

EXPORT("div_chain")
int div_chain(int x, int d)
{
	int r = x;
	for (int i = 0; i < 5; i++)
		r = r / (d + (i == 4 ? 0 : 1)) + 1;
	return r;
}

static u32 counter;

/* bumps the counter, then traps if k == 0 */
EXPORT("partial")
u32 partial(u32 k)
{
	counter += 10;
	counter = counter / k + counter;
	return counter;
}

EXPORT("partial_count") u32 partial_count(int unused) { return counter; }
