/* Sieve of Eratosthenes in a byte array on the stack; the sum of the
 * primes below n (n <= 4096).
// ARGS: prime_sum i32:10
// ARGS: prime_sum i32:4096
// ARGS: prime_sum i32:1
// ARGS: prime_count i32:1000
// ARGS: prime_count i32:99999
// ARGS: twin_pairs i32:4096
*/
#include "diff.h"

#define N 4096

NOINLINE static void sieve(u8 *comp, u32 n)
{
	comp[0] = comp[1] = 1;
	for (u32 i = 2; i * i < n; i++)
		if (!comp[i])
			for (u32 j = i * i; j < n; j += i)
				comp[j] = 1;
}

EXPORT("prime_sum")
u64 prime_sum(u32 n)
{
	u8 comp[N] = { 0 };
	u64 s = 0;

	if (n > N)
		n = N;
	sieve(comp, n);
	for (u32 i = 0; i < n; i++)
		if (!comp[i])
			s += i;
	return s;
}

EXPORT("prime_count")
u32 prime_count(u32 n)
{
	u8 comp[N];
	u32 c = 0;

	if (n > N)
		n = N;
	for (u32 i = 0; i < n; i++)
		comp[i] = 0;
	sieve(comp, n);
	for (u32 i = 0; i < n; i++)
		c += !comp[i];
	return c;
}

EXPORT("twin_pairs")
u32 twin_pairs(u32 n)
{
	u8 comp[N] = { 0 };
	u32 c = 0;

	if (n > N)
		n = N;
	sieve(comp, n);
	for (u32 i = 3; i + 2 < n; i += 2)
		c += !comp[i] && !comp[i + 2];
	return c;
}
