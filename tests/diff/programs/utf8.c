/* UTF-8 decoding of string literals: code point count, sum of code
 * points, rejection of malformed sequences, and encoding back.
// ARGS: count_cps i32:0
// ARGS: count_cps i32:1
// ARGS: count_cps i32:2
// ARGS: count_cps i32:3
// ARGS: cp_sum i32:1
// ARGS: cp_sum i32:2
// ARGS: encode_len i32:0x7f
// ARGS: encode_len i32:0x20ac
// ARGS: encode_len i32:0x1f600
// ARGS: encode_len i32:0x110000
*/
#include "diff.h"

static const char *const texts[4] = {
	"plain ascii", "na\xc3\xafve caf\xc3\xa9 \xe2\x82\xac 5", "\xf0\x9f\x98\x80 \xe6\x97\xa5\xe6\x9c\xac", "bad \xc3 \xff end",
};

/* decodes one code point at *pp; -1 if malformed (skips one byte) */
static int decode(const u8 **pp)
{
	const u8 *p = *pp;
	u32 c = *p++, n, cp;
	if (c < 0x80) { *pp = p; return (int)c; }
	if ((c & 0xe0) == 0xc0) { n = 1; cp = c & 0x1f; }
	else if ((c & 0xf0) == 0xe0) { n = 2; cp = c & 0x0f; }
	else if ((c & 0xf8) == 0xf0) { n = 3; cp = c & 0x07; }
	else { *pp = p; return -1; }
	for (u32 i = 0; i < n; i++, p++) {
		if ((*p & 0xc0) != 0x80) { *pp = *pp + 1; return -1; }
		cp = cp << 6 | (*p & 0x3f);
	}
	*pp = p;
	return (int)cp;
}

EXPORT("count_cps")
u32 count_cps(u32 i)
{
	const u8 *p = (const u8 *)texts[i & 3];
	u32 ok = 0, bad = 0;
	while (*p)
		if (decode(&p) < 0) bad++; else ok++;
	return ok | bad << 16;
}

EXPORT("cp_sum")
u64 cp_sum(u32 i)
{
	const u8 *p = (const u8 *)texts[i & 3];
	u64 s = 0;
	while (*p) {
		int c = decode(&p);
		s = s * 3 + (u32)c;
	}
	return s;
}

EXPORT("encode_len")
u32 encode_len(u32 cp)
{
	u8 buf[4];
	u32 n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : cp < 0x110000 ? 4 : 0;
	if (!n) return 0;
	for (u32 i = n - 1; i > 0; i--) { buf[i] = 0x80 | (cp & 0x3f); cp >>= 6; }
	buf[0] = (u8)(n == 1 ? cp : (0xf00u >> n) | cp);
	const u8 *p = buf;
	u32 back = (u32)decode(&p);
	return n | (u32)(p - buf) << 4 | back << 8;
}
