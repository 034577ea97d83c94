/* Base64 encoding with the alphabet in .rodata and decoding with a
 * reverse table built at run time; checksums of the output.
// ARGS: enc_len i32:0
// ARGS: enc_len i32:1
// ARGS: enc_len i32:5
// ARGS: enc_hash i32:3
// ARGS: enc_hash i32:13
// ARGS: roundtrip i64:0x0123456789abcdef i32:8
// ARGS: roundtrip i64:-1 i32:7
// ARGS: roundtrip i64:42 i32:1
*/
#include "diff.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char msg[] = "Many hands make light work.";

static u32 b64(const u8 *in, u32 n, char *out)
{
	u32 o = 0;
	for (u32 i = 0; i < n; i += 3) {
		u32 v = (u32)in[i] << 16;
		if (i + 1 < n) v |= (u32)in[i + 1] << 8;
		if (i + 2 < n) v |= in[i + 2];
		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
	}
	return o;
}

EXPORT("enc_len")
u32 enc_len(u32 n)
{
	char out[64];
	return b64((const u8 *)msg, n % 28, out);
}

EXPORT("enc_hash")
u32 enc_hash(u32 n)
{
	char out[64];
	u32 len = b64((const u8 *)msg, n % 28, out), h = 0;
	for (u32 i = 0; i < len; i++)
		h = (h << 5) - h + (u8)out[i];
	return h;
}

/* encode the low n bytes of v, decode them back */
EXPORT("roundtrip")
u64 roundtrip(u64 v, u32 n)
{
	u8 in[8], rev[128], back[8];
	char out[16];
	n %= 9;
	for (u32 i = 0; i < 8; i++)
		in[i] = (u8)(v >> (8 * i));
	for (u32 i = 0; i < 64; i++)
		rev[(u8)alphabet[i]] = (u8)i;
	u32 len = b64(in, n, out), m = 0;
	for (u32 i = 0; i < len; i += 4) {
		u32 w = (u32)rev[(u8)out[i]] << 18 | (u32)rev[(u8)out[i + 1]] << 12;
		back[m++] = (u8)(w >> 16);
		if (out[i + 2] != '=') { w |= (u32)rev[(u8)out[i + 2]] << 6; back[m++] = (u8)(w >> 8); }
		if (out[i + 3] != '=') { w |= rev[(u8)out[i + 3]]; back[m++] = (u8)w; }
	}
	u64 r = 0;
	for (u32 i = 0; i < m; i++)
		r |= (u64)back[i] << (8 * i);
	return r ^ (u64)m << 56;
}
