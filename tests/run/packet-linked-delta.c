// A packet address LLVM folds with the packet base: q = p + i - 1 becomes
// i + 0x7fffffff, the verifier links that add to the copy of i it came
// from, with the delta, and refuses the delta in packet pointer arithmetic
// ("pkt pointer offset 2147483647 is not allowed") unless the backend
// clears the link (be_unlinked). This is an early samples/auth, which
// matched from the line feed (the sample now matches from the '\r').
// PACKET: auth 0200000000010200000000020800450000b700014000400624a80acb00020acb0001a0281f9000000001000000015018ffff00000000474554202f20485454502f312e310d0a486f73743a2031302e3230332e302e313a383038300d0a557365722d4167656e743a206375726c2f372e38382e310d0a4163636570743a202a2f2a0d0a417574686f72697a6174696f6e3a204265617265722065794a68624763694f694a49557a49314e694973496e523563434936496b705856434a392e782e790d0a0d0a => i32:0
// PACKET: auth 0200000000010200000000020800450000b700014000400624a80acb00020acb0001a0281f9000000001000000015018ffff00000000474554202f20485454502f312e310d0a486f73743a2031302e3230332e302e313a383038300d0a557365722d4167656e743a206375726c2f372e38382e310d0a4163636570743a202a2f2a0d0a417574686f72697a6174696f6e3a204265617265722078794a68624763694f694a49557a49314e694973496e523563434936496b705856434a392e782e790d0a0d0a => i32:2
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

/* Eight characters as the little-endian u64 an 8-byte load of them gives. */
#define W8(a, b, c, d, e, f, g, h)                                                    \
	((w2b_u64)(w2b_u8)(a) | (w2b_u64)(w2b_u8)(b) << 8 | (w2b_u64)(w2b_u8)(c) << 16 | \
	 (w2b_u64)(w2b_u8)(d) << 24 | (w2b_u64)(w2b_u8)(e) << 32 |                      \
	 (w2b_u64)(w2b_u8)(f) << 40 | (w2b_u64)(w2b_u8)(g) << 48 | (w2b_u64)(w2b_u8)(h) << 56)

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * The pattern, from the "\r" before the header: 43 bytes, read as the words
 * at offsets 0, 8, 16, 24, 32 and 35 (the last overlaps the one before).
 * The header name is compared with 0x20 or-ed into its letters (lower case).
 */
#define PAT_LEN 43
#define P0 W8('\r', '\n', 'a', 'u', 't', 'h', 'o', 'r')
#define P0_FOLD 0x2020202020200000ull /* bytes 2..7 */
#define P1 W8('i', 'z', 'a', 't', 'i', 'o', 'n', ':')
#define P1_FOLD 0x0020202020202020ull /* bytes 0..6 */
#define P2 W8(' ', 'B', 'e', 'a', 'r', 'e', 'r', ' ')
#define P3 W8('e', 'y', 'J', 'h', 'b', 'G', 'c', 'i')
#define P4 W8('O', 'i', 'J', 'I', 'U', 'z', 'I', '1')
#define P5 W8('I', 'U', 'z', 'I', '1', 'N', 'i', 'I') /* bytes 35..42 */
#define P5_OFF 35

/* An unaligned 8-byte load from the packet. */
static inline __attribute__((always_inline)) w2b_u64 load64(const w2b_u8 *p)
{
	w2b_u64 v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

/* Does the payload [p, p + n) carry the header with an accepted token? */
static inline __attribute__((always_inline)) int authorized(const w2b_u8 *p, w2b_u32 n)
{
	/* a line feed at i starts the pattern at i - 1, which must end by n */
	const w2b_u32 last = n - (PAT_LEN - 1);
	w2b_u32 i = 0;

	if (n < PAT_LEN)
		return 0;
	while (i <= last) {
		w2b_u64 x = load64(p + i) ^ (ONES * '\n');	/* i + 8 <= n */
		w2b_u64 t = (x - ONES) & ~x & HIGHS;	/* 0x80 in the '\n' bytes */
		const w2b_u8 *q;

		if (t == 0) {
			i += 8;
			continue;
		}
		/* the lowest flagged byte is a real '\n' (higher ones may not be) */
		i += (w2b_u32)((((t & -t) >> 7) * 0x0001020304050607ull) >> 56);
		if (i > last)
			break;
		q = p + i - 1;
		if (i > 0 && (load64(q) | P0_FOLD) == P0 && (load64(q + 8) | P1_FOLD) == P1 &&
		    load64(q + 16) == P2 && load64(q + 24) == P3 && load64(q + 32) == P4 &&
		    load64(q + P5_OFF) == P5)
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
	if (ok)
		w2b_printk("auth: allow sport %u\n", w2b_load_be16(tcp));
	else
		w2b_printk("auth: deny sport %u\n", w2b_load_be16(tcp));
	key = ok ? AUTH_ALLOWED : AUTH_DENIED;
	count = bpf_map_lookup_elem(&auth_stats, &key);
	if (count)
		w2b_atomic_add(count, 1);
	return ok ? TC_ACT_OK : TC_ACT_SHOT;
}
