// The xdp-tutorial's parsing helpers: noinline functions that take a
// cursor struct, read the header at its position, advance it and hand the
// header back through a pointer to a pointer. The cursor and the header
// pointers live in the entry's frame in linear memory (their addresses
// leave the function), so packet addresses are stored into memory and read
// back in other functions: each access through them is dispatched by the
// address at run time. UDP is dropped, anything else passes with the TTL
// added; a truncated IPv4 header aborts.
// PACKET: parse 0000000000000000000000000800450000140000000040110000000000000000000000 => i32:1
// PACKET: parse 0000000000000000000000000800450000140000000040060000000000000000000000 => i32:66
// PACKET: parse 000000000000000000000000080045000014000000004006 => i32:0
// PACKET: parse 000000000000000000000000dd86 => i32:2
#include "wasm2bpf_sdk.h"

struct hdr_cursor {
	w2b_u8 *pos;
};

struct ethhdr {
	w2b_u8 dst[6], src[6];
	w2b_u16 proto;
};

struct iphdr {
	w2b_u8 vihl, tos;
	w2b_u16 tot_len, id, frag;
	w2b_u8 ttl, protocol;
	w2b_u16 check;
	w2b_u32 saddr, daddr;
};

static __attribute__((noinline)) int parse_ethhdr(struct hdr_cursor *nh, w2b_u8 *end,
						  struct ethhdr **eth)
{
	struct ethhdr *e = (struct ethhdr *)nh->pos;

	if ((w2b_u8 *)(e + 1) > end)
		return -1;
	nh->pos = (w2b_u8 *)(e + 1);
	*eth = e;
	return e->proto;
}

static __attribute__((noinline)) int parse_iphdr(struct hdr_cursor *nh, w2b_u8 *end,
						 struct iphdr **ip)
{
	struct iphdr *h = (struct iphdr *)nh->pos;
	int size;

	if ((w2b_u8 *)(h + 1) > end)
		return -1;
	size = (h->vihl & 0xf) * 4;
	if (size < 20 || nh->pos + size > end)
		return -1;
	nh->pos += size;
	*ip = h;
	return h->protocol;
}

W2B_PROGRAM("xdp", parse)
{
	struct hdr_cursor nh = { pkt };
	w2b_u8 *end = pkt + len;
	struct ethhdr *eth;
	struct iphdr *ip;
	int proto;

	if (parse_ethhdr(&nh, end, &eth) != 0x0008)
		return XDP_PASS;
	proto = parse_iphdr(&nh, end, &ip);
	if (proto < 0)
		return XDP_ABORTED;
	return proto == 17 ? XDP_DROP : XDP_PASS + ip->ttl;
}
