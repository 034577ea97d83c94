/*
 * dnsname.c — the question name of a DNS query (UDP to port 53): a loop
 * over labels with several exits (the root label, truncation, a length
 * over 63 such as a compression pointer, a name over 255 bytes) around a
 * loop over each label's bytes that breaks out at the first character not
 * allowed in a host name. Hashes the name in lower case with its dots.
 *
 * Result: RESULT_OK, how the walk ended in bits 28..29 (0 complete,
 * 1 truncated, 2 bad length, 3 bad character), the label count in bits
 * 23..27, and (hash ^ name length) in bits 0..22.
 */
#include "packet.h"

enum { NAME_OK, NAME_TRUNCATED, NAME_BAD_LENGTH, NAME_BAD_CHAR };

static inline int hostname_char(w2b_u8 c)
{
	c = ascii_lower(c);
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

W2B_PROGRAM("xdp", dnsname)
{
	w2b_u32 l4 = ipv4_l4(pkt, len, IPPROTO_UDP), i;
	w2b_u32 labels = 0, namelen = 0, h = FNV_OFFSET, how = NAME_OK;

	if (!l4 || len < l4 + 8 + 12 || w2b_load_be16(pkt + l4 + 2) != 53)
		return RESULT_NONE;
	i = l4 + 8 + 12;	/* after the UDP header and the DNS header */
	for (;;) {
		w2b_u32 n, k;

		if (i >= len) {
			how = NAME_TRUNCATED;
			break;
		}
		n = pkt[i++];
		if (n == 0)
			break;
		if (n > 63 || namelen + n + 1 > 255) {
			how = NAME_BAD_LENGTH;
			break;
		}
		if (i + n > len) {
			how = NAME_TRUNCATED;
			break;
		}
		for (k = 0; k < n; k++) {
			if (!hostname_char(pkt[i + k]))
				break;
			h = (h ^ ascii_lower(pkt[i + k])) * FNV_PRIME;
		}
		if (k < n) {
			how = NAME_BAD_CHAR;
			break;
		}
		h = (h ^ '.') * FNV_PRIME;
		labels++;
		namelen += n + 1;
		i += n;
	}
	return RESULT_OK | how << 28 | (labels & 0x1f) << 23 | ((h ^ namelen) & 0x7fffff);
}
