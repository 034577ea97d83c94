/* hexdec.c — hex-decode the TCP payload into a buffer in linear memory (up
 * to the first non-hex character, the last whole pair or a full buffer),
 * then a djb2 checksum of the buffer: a decode loop with two exits and a
 * second loop whose trip count is the first one's output. */
#include "packet.h"

static w2b_u8 buf[1024];

W2B_PROGRAM("xdp", hexdec)
{
	w2b_u32 off = tcp_payload(pkt, len), n = 0;

	if (!off)
		return RESULT_NONE;
	while (off + 1 < len && n < sizeof buf) {
		int hi = hexval(pkt[off]), lo = hexval(pkt[off + 1]);

		if (hi < 0 || lo < 0)
			break;
		buf[n++] = (w2b_u8)(hi << 4 | lo);
		off += 2;
	}
	return (djb2(buf, n) ^ n) | RESULT_OK;
}
