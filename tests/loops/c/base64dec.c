/* base64dec.c — base64-decode the TCP payload into a buffer in linear
 * memory with a 256-entry lookup table and a bit accumulator (the shape of
 * most decoders), stopping at the first character outside the alphabet
 * ('=', CR, ...) or a full buffer; then a djb2 checksum of the buffer. */
#include "packet.h"

static w2b_u8 buf[1024];

/* The value of each base64 character (RFC 4648 alphabet), -1 for the rest. */
static const signed char b64val[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

W2B_PROGRAM("xdp", base64dec)
{
	w2b_u32 off = tcp_payload(pkt, len), acc = 0, bits = 0, n = 0;

	if (!off)
		return RESULT_NONE;
	for (; off < len; off++) {
		int v = b64val[pkt[off]];

		if (v < 0)
			break;
		acc = acc << 6 | (w2b_u32)v;
		bits += 6;
		if (bits >= 8) {
			if (n == sizeof buf)
				break;
			bits -= 8;
			buf[n++] = (w2b_u8)(acc >> bits);
		}
	}
	return (djb2(buf, n) ^ n) | RESULT_OK;
}
