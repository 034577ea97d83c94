/* Run-length encoding of a literal into a static buffer, then decoding
 * it back; returns sizes and checksums.
// ARGS: encode i32:0
// ARGS: encode i32:1
// ARGS: encode i32:2
// ARGS: roundtrip i32:0
// ARGS: roundtrip i32:1
// ARGS: roundtrip i32:2
*/
#include "diff.h"

static const char *const texts[3] = {
	"aaaabbbcccd", "", "wwwwwwwwwwwwbwwwwwwwwwwwwbbbwwwwwwwwwwwwwwwwwwwwwwwwbwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww",
};

static u8 enc[512];
static char dec[512];

static u32 rle_encode(const char *s)
{
	u32 n = 0;
	while (*s) {
		char c = *s;
		u32 run = 0;
		while (*s == c && run < 255) {
			s++;
			run++;
		}
		enc[n++] = (u8)run;
		enc[n++] = (u8)c;
	}
	return n;
}

static u32 rle_decode(u32 n)
{
	u32 out = 0;
	for (u32 i = 0; i + 1 < n; i += 2)
		for (u32 k = 0; k < enc[i]; k++)
			dec[out++] = (char)enc[i + 1];
	dec[out] = 0;
	return out;
}

EXPORT("encode")
u32 encode(u32 i)
{
	u32 n = rle_encode(texts[i % 3]), h = n;
	for (u32 k = 0; k < n; k++)
		h = h * 31 + enc[k];
	return h;
}

EXPORT("roundtrip")
int roundtrip(u32 i)
{
	const char *s = texts[i % 3];
	u32 n = rle_decode(rle_encode(s));
	for (u32 k = 0; k < n; k++)
		if (dec[k] != s[k])
			return -(int)k - 1;
	return s[n] == 0 ? (int)n : -1000;
}
