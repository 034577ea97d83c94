/*
 * tcpopts.c — walk the TCP options of a segment (a loop with several
 * exits: end of list, a missing or bad length, the end of the header) and
 * pick out MSS, window scale, SACK-permitted and the timestamp value.
 *
 * Result: RESULT_OK, how the walk ended in bits 28..29 (0 the end of the
 * header, 1 an end-of-list option, 2 a malformed option), SACK-permitted in
 * bit 27, the window scale in bits 23..26 (15: none), and (MSS | option
 * count << 16) ^ the timestamp, in bits 0..22.
 */
#include "packet.h"

enum { END_HEADER, END_EOL, END_MALFORMED };

W2B_PROGRAM("xdp", tcpopts)
{
	w2b_u32 l4 = ipv4_l4(pkt, len, IPPROTO_TCP), i, end;
	w2b_u32 mss = 0, wscale = 15, sack = 0, tsval = 0, nopts = 0, how = END_HEADER;

	if (!l4 || len < l4 + 20)
		return RESULT_NONE;
	end = l4 + (pkt[l4 + 12] >> 4) * 4u;
	if (end < l4 + 20 || end > len)
		return RESULT_NONE | 1;
	for (i = l4 + 20; i < end;) {
		w2b_u32 kind = pkt[i], olen;

		if (kind == 0) {
			how = END_EOL;
			break;
		}
		if (kind == 1) {	/* NOP */
			i++;
			continue;
		}
		if (i + 1 >= end) {
			how = END_MALFORMED;
			break;
		}
		olen = pkt[i + 1];
		if (olen < 2 || i + olen > end) {
			how = END_MALFORMED;
			break;
		}
		nopts++;
		switch (kind) {
		case 2:
			if (olen == 4)
				mss = w2b_load_be16(pkt + i + 2);
			break;
		case 3:
			if (olen == 3)
				wscale = pkt[i + 2] & 15;
			break;
		case 4:
			sack = 1;
			break;
		case 8:
			if (olen == 10)
				tsval = w2b_load_be32(pkt + i + 2);
			break;
		}
		i += olen;
	}
	return RESULT_OK | how << 28 | sack << 27 | wscale << 23 |
	       (((mss | nopts << 16) ^ tsval) & 0x7fffff);
}
