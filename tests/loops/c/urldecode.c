/*
 * urldecode.c — a state machine over an HTTP request target (from after
 * the method's space to the next space or CR): percent-decoding in path
 * and query, '+' as a space in the query, counting path segments and query
 * parameters, and hashing the decoded bytes (FNV-1a). One loop whose body
 * is a switch on the state, as hand-written lexers are.
 *
 * Result: RESULT_OK, status in bits 28..29 (0 fine, 1 a bad escape, 2 an
 * escape cut off by the end), the segment count in bits 24..27, the
 * parameter count in bits 20..23, and (hash ^ decoded length) in bits
 * 0..19.
 */
#include "packet.h"

enum { S_PATH, S_QUERY, S_PCT1, S_PCT2 };
enum { URL_OK, URL_BAD_ESCAPE, URL_CUT_ESCAPE };

W2B_PROGRAM("xdp", urldecode)
{
	w2b_u32 off = tcp_payload(pkt, len), i;
	w2b_u32 state = S_PATH, back = S_PATH, hi = 0, status = URL_OK;
	w2b_u32 segments = 0, params = 0, decoded = 0, h = FNV_OFFSET;

	if (!off)
		return RESULT_NONE;
	for (i = off; i < len && pkt[i] != ' '; i++)
		;
	if (i >= len)
		return RESULT_NONE | 1;
	for (i++; i < len && pkt[i] != ' ' && pkt[i] != '\r'; i++) {
		w2b_u32 c = pkt[i];
		int v;

		switch (state) {
		case S_PATH:
		case S_QUERY:
			if (c == '%') {
				back = state;
				state = S_PCT1;
				continue;
			}
			if (state == S_PATH && c == '/')
				segments++;
			else if (state == S_PATH && c == '?') {
				state = S_QUERY;
				params = 1;
			} else if (state == S_QUERY && c == '&')
				params++;
			else if (state == S_QUERY && c == '+')
				c = ' ';
			break;
		case S_PCT1:
			v = hexval((w2b_u8)c);
			if (v < 0)
				goto bad;
			hi = (w2b_u32)v;
			state = S_PCT2;
			continue;
		case S_PCT2:
			v = hexval((w2b_u8)c);
			if (v < 0)
				goto bad;
			c = hi << 4 | (w2b_u32)v;
			state = back;
			break;
		}
		h = (h ^ c) * FNV_PRIME;
		decoded++;
	}
	if (state == S_PCT1 || state == S_PCT2)
		status = URL_CUT_ESCAPE;
	goto out;
bad:
	status = URL_BAD_ESCAPE;
out:
	return RESULT_OK | status << 28 | (segments & 0xf) << 24 | (params & 0xf) << 20 |
	       ((h ^ decoded) & 0xfffff);
}
