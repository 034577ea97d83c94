/*
 * nat.c — a stateless destination NAT for IPv4 TCP and UDP at TC.
 *
 * Two programs in section "tc", attached to the same interface:
 *
 *   nat_egress   (TC egress)  a packet to a virtual address VIP:VPORT that
 *                has a rule in the hash map nat_rules gets its destination
 *                rewritten to the rule's backend address and port;
 *   nat_ingress  (TC ingress) a reply from backend:port that has an entry
 *                in the hash map nat_reverse gets its source rewritten back
 *                to VIP:VPORT, so the client sees the address it talked to.
 *
 * Both maps are keyed by struct nat_key {addr, port, proto, pad = 0} and
 * hold a struct nat_target {addr, port, pad}, addresses and ports in
 * network byte order (as they are in the packet), the protocol 6 (TCP) or
 * 17 (UDP). Userspace fills both, one entry each way per rule; nothing is
 * remembered per connection ("stateless"), so a reply is recognised only by
 * its source, and a client that also talks to a backend directly sees
 * those replies translated too.
 *
 * The rewrite is the usual one for skb programs: the IPv4 header checksum
 * is fixed with bpf_l3_csum_replace, the TCP or UDP checksum with
 * bpf_l4_csum_replace (BPF_F_PSEUDO_HDR for the address, which the L4
 * checksum covers through its pseudo-header; for UDP also
 * BPF_F_MARK_MANGLED_0: a datagram sent without a checksum, 0, keeps 0, and
 * a computed checksum that comes out 0 is written as 0xffff), then the new
 * address and port are stored with bpf_skb_store_bytes. A helper that
 * fails leaves the packet half rewritten: it is dropped.
 *
 * Parsing uses the real IPv4 header length (options); fragments after the
 * first have no L4 header and pass untouched (the first fragment is
 * rewritten, so a fragmented datagram does not reassemble at the backend:
 * a stateless NAT cannot follow the IP id). Everything that is not IPv4
 * TCP/UDP, or has no rule, passes unchanged.
 *
 * Each rewritten packet is counted in the per-CPU array nat_stats (key 0
 * egress, key 1 ingress: packets and bytes of the frame, Ethernet header
 * included); `bpftool map dump` shows one value per CPU, a reader sums them.
 */
#include "wasm2bpf_sdk.h"

enum {
	ETH_HLEN = 14,
	ETH_P_IP = 0x0800,
	IPPROTO_TCP = 6,
	IPPROTO_UDP = 17,
	/* offsets in the frame of the IPv4 header's fields */
	IP_FRAG_OFF = ETH_HLEN + 6,	/* flags and fragment offset */
	IP_PROTO_OFF = ETH_HLEN + 9,
	IP_CSUM_OFF = ETH_HLEN + 10,
	IP_SADDR_OFF = ETH_HLEN + 12,
	IP_DADDR_OFF = ETH_HLEN + 16,
	IP_OFFSET_MASK = 0x1fff,	/* the fragment offset bits */
	/* offsets in the L4 header */
	L4_SPORT = 0,
	L4_DPORT = 2,
	TCP_CSUM = 16,
	UDP_CSUM = 6,
	TCP_HLEN = 20,
	UDP_HLEN = 8,
};

/* An address:port of a protocol: the virtual one (nat_rules) or the
 * backend's (nat_reverse). Network byte order; pad must be 0. */
struct nat_key {
	w2b_u32 addr;
	w2b_u16 port;
	w2b_u8 proto;
	w2b_u8 pad;
};

/* What the key's address:port becomes. Network byte order. */
struct nat_target {
	w2b_u32 addr;
	w2b_u16 port;
	w2b_u16 pad;
};

struct nat_stat {
	w2b_u64 packets;
	w2b_u64 bytes;
};

enum { NAT_EGRESS = 0, NAT_INGRESS = 1 };

W2B_MAP(nat_rules, BPF_MAP_TYPE_HASH, struct nat_key, struct nat_target, 1024);
W2B_MAP(nat_reverse, BPF_MAP_TYPE_HASH, struct nat_key, struct nat_target, 1024);
W2B_MAP(nat_stats, BPF_MAP_TYPE_PERCPU_ARRAY, w2b_u32, struct nat_stat, 2);

/*
 * Rewrite one address:port of the frame if `map` has a rule for it: the
 * address at addr_off in the IPv4 header (source or destination) and the
 * port at port_rel in the L4 header (source or destination port). Always
 * inlined, so each entry passes its own map (a map argument is the address
 * of its definition, known at compile time) and offsets.
 */
static inline __attribute__((always_inline)) int
nat_rewrite(w2b_u8 *pkt, w2b_u32 len, const struct w2b_map_def *map, w2b_u32 addr_off,
	    w2b_u32 port_rel, w2b_u32 dir)
{
	struct nat_key key;
	struct nat_target to;	/* in the module's memory: helpers read it there */
	const struct nat_target *rule;
	struct nat_stat *st;
	w2b_u32 ihl, l4, csum_off, hlen;
	w2b_u64 mangled0;
	w2b_u8 proto;

	if (len < ETH_HLEN + 20 || w2b_load_be16(pkt + 12) != ETH_P_IP)
		return TC_ACT_OK;
	ihl = (pkt[ETH_HLEN] & 0x0f) * 4u;
	if ((pkt[ETH_HLEN] >> 4) != 4 || ihl < 20)
		return TC_ACT_OK;
	if (w2b_load_be16(pkt + IP_FRAG_OFF) & IP_OFFSET_MASK)	/* a later fragment */
		return TC_ACT_OK;
	proto = pkt[IP_PROTO_OFF];
	l4 = ETH_HLEN + ihl;
	if (proto == IPPROTO_TCP) {
		csum_off = l4 + TCP_CSUM;
		hlen = TCP_HLEN;
		mangled0 = 0;
	} else if (proto == IPPROTO_UDP) {
		csum_off = l4 + UDP_CSUM;
		hlen = UDP_HLEN;
		mangled0 = BPF_F_MARK_MANGLED_0;
	} else {
		return TC_ACT_OK;
	}
	if (len < l4 + hlen)	/* cut short: not ours to judge */
		return TC_ACT_OK;

	/* the address and port as they are in the packet (network order) */
	__builtin_memcpy(&key.addr, pkt + addr_off, 4);
	__builtin_memcpy(&key.port, pkt + l4 + port_rel, 2);
	key.proto = proto;
	key.pad = 0;
	rule = bpf_map_lookup_elem(map, &key);
	if (!rule)
		return TC_ACT_OK;
	/* helpers take pointers into the module's memory, not map values */
	to.addr = rule->addr;
	to.port = rule->port;
	to.pad = 0;

	/* Checksums first (each helper reads the old field from its
	 * arguments, not the packet), then the fields themselves. */
	if (bpf_l3_csum_replace(IP_CSUM_OFF, key.addr, to.addr, 4) ||
	    bpf_l4_csum_replace(csum_off, key.addr, to.addr, BPF_F_PSEUDO_HDR | mangled0 | 4) ||
	    bpf_l4_csum_replace(csum_off, key.port, to.port, mangled0 | 2) ||
	    bpf_skb_store_bytes(addr_off, &to.addr, 4, BPF_F_INVALIDATE_HASH) ||
	    bpf_skb_store_bytes(l4 + port_rel, &to.port, 2, 0))
		return TC_ACT_SHOT;

	st = bpf_map_lookup_elem(&nat_stats, &dir);
	if (st) {	/* per CPU: a plain += is safe */
		st->packets += 1;
		st->bytes += len;
	}
	return TC_ACT_OK;
}

/* Client side, egress: VIP:VPORT -> backend:port (the destination). */
W2B_PROGRAM("tc", nat_egress)
{
	return nat_rewrite(pkt, len, &nat_rules, IP_DADDR_OFF, L4_DPORT, NAT_EGRESS);
}

/* Client side, ingress: replies from backend:port -> from VIP:VPORT (the source). */
W2B_PROGRAM("tc", nat_ingress)
{
	return nat_rewrite(pkt, len, &nat_reverse, IP_SADDR_OFF, L4_SPORT, NAT_INGRESS);
}
