/*
 * route.c — an L7 router at TC ingress, for the benchmark (bench/perf.py):
 * the wasm2bpf side of bench/native/route.bpf.c, the same algorithm and
 * the same constant table.
 *
 * For an IPv4 TCP segment to port 8080 whose payload starts with an HTTP
 * request line ("METHOD SP PATH ..."), the path is matched against eight
 * prefixes, the first that matches (most specific first) giving a class
 * 1..8 that is written into skb->mark (for tc filters, routing rules or
 * a later program). Unmatched requests and all other traffic keep mark 0.
 * Every frame passes (TC_ACT_OK): this is classification, not policy.
 *
 * The algorithm, chosen so that the work is mostly in constant-bound
 * loops over the packet, which both compilers unroll:
 *   1. the method: the first space among payload bytes 1..7;
 *   2. the path: up to 16 bytes after it, up to a space, '?' or the
 *      payload's end, packed into two little-endian 64-bit words
 *      (zero-padded);
 *   3. the table: each prefix is two words and two masks; a prefix
 *      matches when (word & mask) == prefix for both words.
 */
#include "wasm2bpf_sdk.h"

enum { ETH_HLEN = 14, ETH_P_IP = 0x0800, IPPROTO_TCP = 6, ROUTE_PORT = 8080 };
#define NPREFIX 8
#define PATH_MAX_BYTES 16

/* Eight characters as the little-endian u64 they pack into. */
#define W8(a, b, c, d, e, f, g, h)                                                    \
	((w2b_u64)(w2b_u8)(a) | (w2b_u64)(w2b_u8)(b) << 8 | (w2b_u64)(w2b_u8)(c) << 16 | \
	 (w2b_u64)(w2b_u8)(d) << 24 | (w2b_u64)(w2b_u8)(e) << 32 |                      \
	 (w2b_u64)(w2b_u8)(f) << 40 | (w2b_u64)(w2b_u8)(g) << 48 | (w2b_u64)(w2b_u8)(h) << 56)
/* The mask of a word's first n bytes (n 1..8; an unused word has mask 0). */
#define MASK(n) (~0ull >> (64 - 8 * (n)))

struct prefix {
	w2b_u64 w0, w1;	/* the prefix's bytes 0..7 and 8..15, zero-padded */
	w2b_u64 m0, m1;	/* which of those bytes must match */
	w2b_u32 cls;
};

/* In the data segment (linear memory), as natively in .rodata. */
static const struct prefix prefixes[NPREFIX] = {
	{ W8('/', 'a', 'p', 'i', '/', 'v', '1', '/'), W8('u', 's', 'e', 'r', 's', '/', 0, 0),
	  MASK(8), MASK(6), 1 },	/* /api/v1/users/ */
	{ W8('/', 'a', 'p', 'i', '/', 'v', '1', '/'), 0, MASK(8), 0, 2 },	/* /api/v1/ */
	{ W8('/', 'a', 'p', 'i', '/', 'v', '2', '/'), 0, MASK(8), 0, 3 },	/* /api/v2/ */
	{ W8('/', 's', 't', 'a', 't', 'i', 'c', '/'), W8('c', 's', 's', '/', 0, 0, 0, 0),
	  MASK(8), MASK(4), 4 },	/* /static/css/ */
	{ W8('/', 's', 't', 'a', 't', 'i', 'c', '/'), 0, MASK(8), 0, 5 },	/* /static/ */
	{ W8('/', 'l', 'o', 'g', 'i', 'n', 0, 0), 0, MASK(6), 0, 6 },	/* /login */
	{ W8('/', 'a', 'd', 'm', 'i', 'n', '/', 0), 0, MASK(7), 0, 7 },	/* /admin/ */
	{ W8('/', 'h', 'e', 'a', 'l', 't', 'h', 'z'), 0, MASK(8), 0, 8 },	/* /healthz */
};

W2B_PROGRAM("tc", route)
{
	w2b_u32 ihl, l4, end, doff, start, sp, path, cls;
	w2b_u64 w0 = 0, w1 = 0;

	if (len < ETH_HLEN + 20 || w2b_load_be16(pkt + 12) != ETH_P_IP)
		return TC_ACT_OK;
	ihl = (pkt[ETH_HLEN] & 0x0f) * 4u;
	if (pkt[ETH_HLEN + 9] != IPPROTO_TCP || ihl < 20)
		return TC_ACT_OK;
	l4 = ETH_HLEN + ihl;
	end = ETH_HLEN + w2b_load_be16(pkt + ETH_HLEN + 2);
	if (end > len)
		end = len;
	if (end < l4 + 20 || w2b_load_be16(pkt + l4 + 2) != ROUTE_PORT)
		return TC_ACT_OK;
	doff = (pkt[l4 + 12] >> 4) * 4u;
	if (doff < 20 || l4 + doff >= end)	/* no payload */
		return TC_ACT_OK;
	start = l4 + doff;

	/* 1. the method ends at the first space in bytes 1..7 */
	sp = 0;
	for (w2b_u32 k = 1; k < 8; k++) {
		if (start + k >= end)
			break;
		if (pkt[start + k] == ' ') {
			sp = k;
			break;
		}
	}
	if (!sp)
		return TC_ACT_OK;	/* not a request line */
	path = start + sp + 1;

	/* 2. up to 16 bytes of the path into two words */
	for (w2b_u32 k = 0; k < PATH_MAX_BYTES; k++) {
		w2b_u8 c;

		if (path + k >= end)
			break;
		c = pkt[path + k];
		if (c == ' ' || c == '?')
			break;
		if (k < 8)
			w0 |= (w2b_u64)c << (8 * k);
		else
			w1 |= (w2b_u64)c << (8 * (k - 8));
	}

	/* 3. the first matching prefix */
	cls = 0;
	for (w2b_u32 i = 0; i < NPREFIX; i++) {
		if ((w0 & prefixes[i].m0) == prefixes[i].w0 &&
		    (w1 & prefixes[i].m1) == prefixes[i].w1) {
			cls = prefixes[i].cls;
			break;
		}
	}
	if (cls)
		w2b_ctx_set_mark(cls);
	return TC_ACT_OK;
}
