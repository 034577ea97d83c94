/*
 * counters.c — per-protocol packet and byte counters at XDP.
 *
 * The per-CPU array proto_stats has one entry per IP protocol number (the
 * IPv4 protocol field, or the IPv6 next header); frames that are not IP,
 * or too short to be, count under 255. Each CPU has its own copy of a
 * value, so a plain += is safe; `bpftool map dump name proto_stats` shows
 * the values per CPU, a reader sums them. Every frame passes.
 */
#include "wasm2bpf_sdk.h"

enum { ETH_HLEN = 14, ETH_P_IP = 0x0800, ETH_P_IPV6 = 0x86DD, OTHER = 255 };

struct proto_stat {
	w2b_u64 packets;
	w2b_u64 bytes;
};

W2B_MAP(proto_stats, BPF_MAP_TYPE_PERCPU_ARRAY, w2b_u32, struct proto_stat, 256);

W2B_PROGRAM("xdp", counters)
{
	w2b_u32 key = OTHER;
	struct proto_stat *st;

	if (len >= ETH_HLEN + 20 && w2b_load_be16(pkt + 12) == ETH_P_IP)
		key = pkt[ETH_HLEN + 9];
	else if (len >= ETH_HLEN + 40 && w2b_load_be16(pkt + 12) == ETH_P_IPV6)
		key = pkt[ETH_HLEN + 6];

	st = bpf_map_lookup_elem(&proto_stats, &key);
	if (st) {
		st->packets += 1;
		st->bytes += len;
	}
	return XDP_PASS;
}
