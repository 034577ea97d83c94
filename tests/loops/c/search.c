/* search.c — find "Bearer " in the TCP payload (naive search: an inner
 * compare loop that exits at the first mismatch), then the length of the
 * token up to CR or the end. Result: the needle's offset in the payload
 * and the token's length. */
#include "packet.h"

static const char needle[] = "Bearer ";

W2B_PROGRAM("xdp", search)
{
	const w2b_u32 nlen = sizeof needle - 1;
	w2b_u32 off = tcp_payload(pkt, len);

	if (!off)
		return RESULT_NONE;
	for (w2b_u32 i = off; i + nlen <= len; i++) {
		w2b_u32 k = 0, end;

		while (k < nlen && pkt[i + k] == (w2b_u8)needle[k])
			k++;
		if (k < nlen)
			continue;
		for (end = i + nlen; end < len && pkt[end] != '\r'; end++)
			;
		return RESULT_OK | (i - off) << 16 | (end - i - nlen);
	}
	return RESULT_NONE | 1;
}
