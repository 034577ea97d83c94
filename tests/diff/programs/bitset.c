/* A 1024-bit set in a global array of u64 words, across calls: set
 * ranges, clear, count, find the next set bit, and a sieve in bits.
// ARGS: set_range i32:10 i32:20
// ARGS: count i32:0
// ARGS: set_range i32:60 i32:70
// ARGS: next_set i32:0
// ARGS: next_set i32:21
// ARGS: next_set i32:70
// ARGS: clear_bit i32:64
// ARGS: count i32:0
// ARGS: bit_sieve i32:1000
// ARGS: next_set i32:990
*/
#include "diff.h"

static u64 bits[16];

static void set(u32 i) { bits[i >> 6] |= 1ull << (i & 63); }
static int test(u32 i) { return (bits[i >> 6] >> (i & 63)) & 1; }

EXPORT("set_range")
u32 set_range(u32 lo, u32 hi)
{
	for (u32 i = lo; i < hi && i < 1024; i++)
		set(i);
	return hi - lo;
}

EXPORT("clear_bit")
int clear_bit(u32 i)
{
	int was = test(i & 1023);
	bits[(i & 1023) >> 6] &= ~(1ull << (i & 63));
	return was;
}

EXPORT("count")
u32 count(int unused)
{
	u32 c = 0;
	for (int w = 0; w < 16; w++)
		c += (u32)__builtin_popcountll(bits[w]);
	return c;
}

EXPORT("next_set")
int next_set(u32 from)
{
	for (u32 w = from >> 6; w < 16; w++) {
		u64 m = bits[w];
		if (w == from >> 6)
			m &= ~0ull << (from & 63);
		if (m)
			return (int)(w * 64 + (u32)__builtin_ctzll(m));
	}
	return -1;
}

/* the primes below n (n <= 1024) as the set; returns how many */
EXPORT("bit_sieve")
u32 bit_sieve(u32 n)
{
	if (n > 1024)
		n = 1024;
	for (int w = 0; w < 16; w++)
		bits[w] = ~0ull;
	bits[0] &= ~3ull;
	for (u32 i = 2; i * i < n; i++)
		if (test(i))
			for (u32 j = i * i; j < 1024; j += i)
				bits[j >> 6] &= ~(1ull << (j & 63));
	for (u32 i = n; i < 1024; i++)
		bits[i >> 6] &= ~(1ull << (i & 63));
	return count(0);
}
