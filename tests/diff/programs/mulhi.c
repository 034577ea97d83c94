/* The high half of 64x64-bit products from 32-bit pieces (no __int128),
 * and modular multiplication / exponentiation with it (Miller-Rabin).
// ARGS: umulhi i64:-1 i64:-1
// ARGS: umulhi i64:0x100000000 i64:0x100000000
// ARGS: umulhi i64:0x123456789abcdef0 i64:0xfedcba9876543210
// ARGS: mulmod i64:0xffffffffffffffc5 i64:0xfffffffffffffffe i64:0xffffffffffffffc5
// ARGS: mulmod i64:123456789 i64:987654321 i64:1000000007
// ARGS: powmod i64:2 i64:1000000 i64:1000000007
// ARGS: is_prime64 i64:18446744073709551557
// ARGS: is_prime64 i64:18446744073709551559
// ARGS: is_prime64 i64:1000000007
*/
#include "diff.h"

EXPORT("umulhi")
u64 umulhi(u64 a, u64 b)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;
	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* a * b mod m by shift-and-add (m < 2^64) */
EXPORT("mulmod")
u64 mulmod(u64 a, u64 b, u64 m)
{
	u64 r = 0;
	a %= m;
	while (b) {
		if (b & 1)
			r = r >= m - a ? r - (m - a) : r + a;
		a = a >= m - a ? a - (m - a) : a + a;
		b >>= 1;
	}
	return r;
}

EXPORT("powmod")
u64 powmod(u64 b, u64 e, u64 m)
{
	u64 r = 1 % m;
	b %= m;
	while (e) {
		if (e & 1)
			r = mulmod(r, b, m);
		b = mulmod(b, b, m);
		e >>= 1;
	}
	return r;
}

static const u8 bases[7] = { 2, 3, 5, 7, 11, 13, 17 };

EXPORT("is_prime64")
int is_prime64(u64 n)
{
	if (n < 2)
		return 0;
	u64 d = n - 1;
	int s = 0;
	while (!(d & 1)) { d >>= 1; s++; }
	for (int i = 0; i < 7; i++) {
		u64 a = bases[i] % n;
		if (!a)
			continue;
		u64 x = powmod(a, d, n);
		if (x == 1 || x == n - 1)
			continue;
		int r;
		for (r = 1; r < s; r++) {
			x = mulmod(x, x, n);
			if (x == n - 1)
				break;
		}
		if (r == s)
			return 0;
	}
	return 1;
}
