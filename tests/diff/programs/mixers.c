/* Integer hash finalisers: murmur3 fmix32/fmix64, splitmix64, xxhash's
 * avalanche, and a small combined hash of two values.
// ARGS: fmix32 i32:0
// ARGS: fmix32 i32:1
// ARGS: fmix32 i32:-1
// ARGS: fmix64 i64:0
// ARGS: fmix64 i64:0x123456789
// ARGS: splitmix i64:0 i32:1
// ARGS: splitmix i64:1234567 i32:10
// ARGS: splitmix i64:-1 i32:1000
// ARGS: combine i32:1 i32:2
// ARGS: combine i32:2 i32:1
*/
#include "diff.h"

EXPORT("fmix32")
u32 fmix32(u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

EXPORT("fmix64")
u64 fmix64(u64 k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

/* the n-th output of splitmix64 seeded with s */
EXPORT("splitmix")
u64 splitmix(u64 s, u32 n)
{
	u64 z = 0;

	while (n--) {
		z = (s += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
	}
	return z;
}

EXPORT("combine")
u32 combine(u32 a, u32 b)
{
	u64 h = 0x27d4eb2f165667c5ull + a;
	h ^= h >> 33;
	h = (h ^ b) * 0x9e3779b185ebca87ull;
	h ^= h >> 29;
	return fmix32((u32)h ^ (u32)(h >> 32));
}
