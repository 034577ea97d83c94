/*
 * auth.c — an L7 authorization policy at TC ingress.
 *
 * HTTP requests to TCP port 8080 pass only when they carry the header
 *
 *     Authorization: Bearer eyJhbGciOiJIUzI1NiI...
 *
 * as RFC 9110 lets it be written: the field name in any case, at the start
 * of a line (right after "\r\n"), optional spaces or tabs after the colon
 * (`authorization:Bearer ...` is valid), the scheme "Bearer" in any case,
 * one or more spaces before the token; the token must start with the
 * base64 of {"alg":"HS256", the header every HS256 JWT begins with). Other requests to 8080 are dropped;
 * TCP segments to 8080 without payload (handshake, ACKs, FIN) and all other
 * traffic pass, so connections can be made and refused requests simply get
 * no answer. Each segment with payload counts as one request: a request
 * whose headers span several segments is judged on each of them.
 *
 * Every decision is logged as a record in the ring buffer auth_log (struct
 * decision: the verdict, 0 allowed / 1 denied, and the client's TCP port;
 * `wasm2bpf events --map auth_log` prints them) — a ring buffer, not the
 * trace pipe: bpf_trace_printk costs several hundred ns a call and is a
 * debugging facility (w2b_printk) — and counted in the array map
 * auth_stats (key 0 allowed, key 1 denied), atomically: array values are
 * shared by all CPUs.
 *
 * IPv4 (with options: the real IHL) and IPv6 whose next header is TCP.
 * The payload is scanned eight bytes at a time for a carriage return; only
 * there is the header compared, mostly as 8-byte words.
 */
#include "wasm2bpf_sdk.h"

enum {
	ETH_HLEN = 14,
	ETH_P_IP = 0x0800,
	ETH_P_IPV6 = 0x86DD,
	IPPROTO_TCP = 6,
	AUTH_PORT = 8080,
};

enum { AUTH_ALLOWED = 0, AUTH_DENIED = 1 };
W2B_MAP(auth_stats, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 2);

/* One decision, as auth_log records it (the Rust and AssemblyScript ports
 * write the same 8 bytes). */
struct decision {
	w2b_u32 verdict;	/* AUTH_ALLOWED or AUTH_DENIED */
	w2b_u32 sport;		/* the client's TCP port */
};
W2B_RINGBUF_OF(auth_log, 65536, struct decision);

/* Eight characters as the little-endian u64 an 8-byte load of them gives. */
#define W8(a, b, c, d, e, f, g, h)                                                    \
	((w2b_u64)(w2b_u8)(a) | (w2b_u64)(w2b_u8)(b) << 8 | (w2b_u64)(w2b_u8)(c) << 16 | \
	 (w2b_u64)(w2b_u8)(d) << 24 | (w2b_u64)(w2b_u8)(e) << 32 |                      \
	 (w2b_u64)(w2b_u8)(f) << 40 | (w2b_u64)(w2b_u8)(g) << 48 | (w2b_u64)(w2b_u8)(h) << 56)

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * The header, from the "\r" before it (RFC 9110: the field name in any
 * case, optional whitespace after the colon, the auth-scheme in any case,
 * one or more spaces before the credentials):
 *
 *     \r\n authorization: OWS bearer 1*SP eyJhbGciOiJIUzI1NiI
 *
 * "\r\nauthorization:" is two 8-byte words (letters compared with 0x20
 * or-ed in: lower case), "bearer " one word less its last byte, the token
 * prefix three (the last overlapping the one before). Runs of spaces and
 * tabs are skipped up to MAX_WS bytes: a longer one is not accepted.
 */
#define H0 W8('\r', '\n', 'a', 'u', 't', 'h', 'o', 'r')
#define H0_FOLD 0x2020202020200000ull /* bytes 2..7 */
#define H1 W8('i', 'z', 'a', 't', 'i', 'o', 'n', ':')
#define H1_FOLD 0x0020202020202020ull /* bytes 0..6 */
#define B0 W8('b', 'e', 'a', 'r', 'e', 'r', ' ', 0)
#define B0_FOLD 0x0000202020202020ull /* bytes 0..5 */
#define B0_MASK 0x00ffffffffffffffull /* bytes 0..6 */
#define T0 W8('e', 'y', 'J', 'h', 'b', 'G', 'c', 'i')
#define T1 W8('O', 'i', 'J', 'I', 'U', 'z', 'I', '1')
#define T2 W8('I', 'U', 'z', 'I', '1', 'N', 'i', 'I') /* bytes 11..18 */
#define HEADER_LEN 16	/* "\r\nauthorization:" */
#define SCHEME_LEN 7	/* "bearer " */
#define TOKEN_LEN 19	/* "eyJhbGciOiJIUzI1NiI" */
#define MIN_LEN (HEADER_LEN + SCHEME_LEN + TOKEN_LEN)
#define MAX_WS 8

/* An unaligned 8-byte load from the packet. */
static inline __attribute__((always_inline)) w2b_u64 load64(const w2b_u8 *p)
{
	w2b_u64 v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

/* j past the spaces and tabs at p[j] (at most MAX_WS of them). */
static inline __attribute__((always_inline)) w2b_u32 skip_ws(const w2b_u8 *p, w2b_u32 j,
							     w2b_u32 n)
{
	for (w2b_u32 k = 0; k < MAX_WS && j < n && (p[j] == ' ' || p[j] == '\t'); k++)
		j++;
	return j;
}

/* After "\r\nauthorization:" at p[j - HEADER_LEN]: the rest of an
 * accepted header? */
static inline __attribute__((always_inline)) int bearer_token(const w2b_u8 *p, w2b_u32 j,
							      w2b_u32 n)
{
	j = skip_ws(p, j, n);
	if (j > n - SCHEME_LEN - TOKEN_LEN || ((load64(p + j) | B0_FOLD) & B0_MASK) != B0)
		return 0;
	j = skip_ws(p, j + SCHEME_LEN, n);
	return j <= n - TOKEN_LEN && load64(p + j) == T0 && load64(p + j + 8) == T1 &&
	       load64(p + j + 11) == T2;
}

/* Does the payload [p, p + n) carry the header with an accepted token? */
static inline __attribute__((always_inline)) int authorized(const w2b_u8 *p, w2b_u32 n)
{
	/* the header starts at a '\r' at i, and must end by n */
	w2b_u32 last, i = 0;

	if (n < MIN_LEN + 8)	/* the request line comes first */
		return 0;
	last = n - MIN_LEN;
	while (i <= last) {
		w2b_u64 x = load64(p + i) ^ (ONES * '\r');	/* i + 8 <= n */
		w2b_u64 t = (x - ONES) & ~x & HIGHS;	/* 0x80 in the '\r' bytes */
		const w2b_u8 *q;

		if (t == 0) {
			i += 8;
			continue;
		}
		/* the lowest flagged byte is a real '\r' (higher ones may not be) */
		i += (w2b_u32)((((t & -t) >> 7) * 0x0001020304050607ull) >> 56);
		if (i > last)
			break;
		q = p + i;
		if ((load64(q) | H0_FOLD) == H0 && (load64(q + 8) | H1_FOLD) == H1 &&
		    bearer_token(p, i + HEADER_LEN, n))
			return 1;
		i++;
	}
	return 0;
}

W2B_PROGRAM("tc", auth)
{
	const w2b_u8 *tcp;
	w2b_u32 l4, end, doff, ok;
	w2b_u32 key;
	w2b_u64 *count;
	struct decision d;
	w2b_u16 proto = len >= ETH_HLEN ? w2b_load_be16(pkt + 12) : 0;

	if (proto == ETH_P_IP) {
		w2b_u32 ihl;

		if (len < ETH_HLEN + 20)
			return TC_ACT_OK;
		ihl = (pkt[ETH_HLEN] & 0x0f) * 4u;
		if (pkt[ETH_HLEN + 9] != IPPROTO_TCP || ihl < 20 ||
		    (w2b_load_be16(pkt + ETH_HLEN + 6) & 0x1fff) != 0)	/* a later fragment */
			return TC_ACT_OK;
		l4 = ETH_HLEN + ihl;
		end = ETH_HLEN + w2b_load_be16(pkt + ETH_HLEN + 2);	/* total length */
	} else if (proto == ETH_P_IPV6) {
		if (len < ETH_HLEN + 40 || pkt[ETH_HLEN + 6] != IPPROTO_TCP)
			return TC_ACT_OK;
		l4 = ETH_HLEN + 40;
		end = l4 + w2b_load_be16(pkt + ETH_HLEN + 4);	/* payload length */
	} else {
		return TC_ACT_OK;
	}
	/* the frame may be padded past the IP packet, or cut short */
	if (end > len)
		end = len;
	if (end < l4 + 20)
		return TC_ACT_OK;
	tcp = pkt + l4;
	if (w2b_load_be16(tcp + 2) != AUTH_PORT)
		return TC_ACT_OK;
	doff = (tcp[12] >> 4) * 4u;
	if (doff < 20 || l4 + doff >= end)	/* no payload: handshake, ACK, FIN */
		return TC_ACT_OK;

	ok = authorized(tcp + doff, end - l4 - doff);
	key = ok ? AUTH_ALLOWED : AUTH_DENIED;
	d.verdict = key;
	d.sport = w2b_load_be16(tcp);
	bpf_ringbuf_output(&auth_log, &d, sizeof(d), 0);
	count = bpf_map_lookup_elem(&auth_stats, &key);
	if (count)
		w2b_atomic_add(count, 1);
	return ok ? TC_ACT_OK : TC_ACT_SHOT;
}
