/* Trial division: count of primes below n, the n-th prime, largest prime
 * factor (64-bit).
// ARGS: count_below i32:2
// ARGS: count_below i32:100
// ARGS: count_below i32:5000
// ARGS: nth i32:1
// ARGS: nth i32:500
// ARGS: largest_factor i64:600851475143
// ARGS: largest_factor i64:9223372036854775783
// ARGS: largest_factor i64:1
*/
#include "diff.h"

static int is_prime(u32 n)
{
	if (n < 2)
		return 0;
	for (u32 d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

EXPORT("count_below")
u32 count_below(u32 n)
{
	u32 c = 0;

	for (u32 i = 0; i < n; i++)
		c += is_prime(i);
	return c;
}

EXPORT("nth")
u32 nth(u32 k)
{
	u32 n = 1;

	while (k) {
		n++;
		if (is_prime(n))
			k--;
	}
	return n;
}

EXPORT("largest_factor")
u64 largest_factor(u64 n)
{
	u64 f = 1;

	for (u64 d = 2; d <= 3037000499ull && d * d <= n; d++) {
		if (d > 200000)
			return 0; /* give up */
		while (n % d == 0) {
			f = d;
			n /= d;
		}
	}
	return n > 1 ? n : f;
}
