/* Iterative Fibonacci in 64 bits (wrapping), and modulo a prime, and the
 * Pisano period by search (unknown trip count).
// ARGS: fib i32:0
// ARGS: fib i32:1
// ARGS: fib i32:50
// ARGS: fib i32:93
// ARGS: fib i32:200
// ARGS: fibmod i32:1000 i32:1000000007
// ARGS: fibmod i32:10 i32:0
// ARGS: pisano i32:10
// ARGS: pisano i32:1000
*/
#include "diff.h"

EXPORT("fib")
u64 fib(u32 n)
{
	u64 a = 0, b = 1;

	while (n--) {
		u64 t = a + b;
		a = b;
		b = t;
	}
	return a;
}

EXPORT("fibmod")
u32 fibmod(u32 n, u32 m)
{
	u32 a = 0, b = 1 % m;

	for (u32 i = 0; i < n; i++) {
		u32 t = (u32)(((u64)a + b) % m);
		a = b;
		b = t;
	}
	return a;
}

EXPORT("pisano")
u32 pisano(u32 m)
{
	u32 a = 0, b = 1, p = 0;

	do {
		u32 t = (a + b) % m;
		a = b;
		b = t;
		p++;
	} while (!(a == 0 && b == 1));
	return p;
}
