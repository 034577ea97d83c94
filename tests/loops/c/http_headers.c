/*
 * http_headers.c — an HTTP/1.x request header parser over the TCP payload:
 * the request line, then header lines "Name: value" up to the empty line
 * (CRLF CRLF). It counts the headers, hashes the Host value (FNV-1a, lower
 * case) and parses Content-Length's digits; header names match in any case.
 * A loop over lines, a loop over each line's bytes, and small loops over the
 * value, as a hand-written parser has them.
 *
 * Result: RESULT_OK, bit 30 if the header block was complete, the header
 * count in bits 24..29, and (Host hash ^ Content-Length) in bits 0..23.
 */
#include "packet.h"

/* Is the header name [p, p + n) `lit` (lower case), in any case? */
static int name_is(const w2b_u8 *p, w2b_u32 n, const char *lit)
{
	w2b_u32 i;

	for (i = 0; i < n; i++)
		if (!lit[i] || ascii_lower(p[i]) != (w2b_u8)lit[i])
			return 0;
	return lit[i] == 0;
}

static inline int crlf_at(const w2b_u8 *pkt, w2b_u32 i)
{
	return pkt[i] == '\r' && pkt[i + 1] == '\n';
}

W2B_PROGRAM("xdp", http_headers)
{
	w2b_u32 off = tcp_payload(pkt, len), i;
	w2b_u32 headers = 0, content_length = 0, host = FNV_OFFSET, complete = 0;

	if (!off)
		return RESULT_NONE;
	for (i = off; i + 1 < len && !crlf_at(pkt, i); i++)
		;
	if (i + 1 >= len)
		return RESULT_NONE | 1;	/* no request line */
	i += 2;
	while (i + 1 < len) {
		w2b_u32 start = i, colon = 0, end, v;

		if (crlf_at(pkt, i)) {
			complete = 1;
			break;
		}
		for (end = i; end + 1 < len && !crlf_at(pkt, end); end++)
			if (!colon && pkt[end] == ':')
				colon = end;
		if (end + 1 >= len)
			break;	/* a truncated line */
		i = end + 2;
		if (!colon)
			continue;	/* not a header: skipped */
		headers++;
		for (v = colon + 1; v < end && (pkt[v] == ' ' || pkt[v] == '\t'); v++)
			;
		if (name_is(pkt + start, colon - start, "host")) {
			for (; v < end; v++)
				host = (host ^ ascii_lower(pkt[v])) * FNV_PRIME;
		} else if (name_is(pkt + start, colon - start, "content-length")) {
			content_length = 0;
			for (; v < end && pkt[v] >= '0' && pkt[v] <= '9'; v++)
				content_length = content_length * 10 + (pkt[v] - '0');
		}
	}
	return RESULT_OK | complete << 30 | (headers & 0x3f) << 24 | ((host ^ content_length) & 0xffffff);
}
