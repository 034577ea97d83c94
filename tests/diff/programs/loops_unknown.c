/* Loops with data-dependent exits only: searching for a value of a
 * recurrence, digit sums until one digit, halving until odd, and a loop
 * whose exit is in the middle.
// ARGS: first_above i64:1000000
// ARGS: first_above i64:1
// ARGS: digital_root i64:999999999999
// ARGS: digital_root i64:0
// ARGS: odd_part i64:0x7000000000000000
// ARGS: odd_part i64:0
// ARGS: mid_exit i32:17
// ARGS: mid_exit i32:1
// ARGS: happy i32:7
// ARGS: happy i32:4
*/
#include "diff.h"

/* index of the first triangular number above t */
EXPORT("first_above")
u32 first_above(u64 t)
{
	u64 s = 0;
	u32 i = 0;
	while (s <= t)
		s += ++i;
	return i;
}

EXPORT("digital_root")
u32 digital_root(u64 n)
{
	while (n >= 10) {
		u64 s = 0;
		while (n) { s += n % 10; n /= 10; }
		n = s;
	}
	return (u32)n;
}

EXPORT("odd_part")
u64 odd_part(u64 n)
{
	if (!n) return 0;
	while (!(n & 1))
		n >>= 1;
	return n;
}

EXPORT("mid_exit")
int mid_exit(int x)
{
	int steps = 0, start = (x < 0 ? -x : x) % 1008 + 1, y = start;
	for (;;) {
		y = y * 3 % 1009;   /* 1009 is prime: y comes back to start */
		steps++;
		if (y == start)
			break;
		steps += y & 1;
	}
	return steps;
}

/* 1 if n is a happy number, 0 if it cycles */
EXPORT("happy")
int happy(u32 n)
{
	u32 slow = n, fast = n;
	do {
		u32 t = 0;
		for (u32 v = slow; v; v /= 10) t += (v % 10) * (v % 10);
		slow = t;
		for (int k = 0; k < 2; k++) {
			t = 0;
			for (u32 v = fast; v; v /= 10) t += (v % 10) * (v % 10);
			fast = t;
		}
	} while (slow != fast);
	return slow == 1;
}
