/*
 * filter.c — an XDP filter in C: Wasm reading the packet in place.
 *
 * Drops UDP and TCP packets to a blocked port (the `discard` port 9, and
 * 6666), counts nothing yet (maps are the next step of the SDK) and passes
 * everything else. The port test walks the IPv4 header's real length (IHL),
 * so options are handled. Built by CMake into
 * build/samples/xdp_filter/filter.wasm and filter.bpf.o (section xdp).
 */
#include "wasm2bpf_sdk.h"

enum { ETH_HLEN = 14, ETH_P_IP = 0x0800, IPPROTO_TCP = 6, IPPROTO_UDP = 17 };

static int blocked(w2b_u16 port)
{
	return port == 9 || port == 6666;
}

W2B_PACKET_ENTRY(filter)
{
	w2b_u8 *ip = pkt + ETH_HLEN;
	w2b_u32 ihl;

	if (len < ETH_HLEN + 20 || w2b_load_be16(pkt + 12) != ETH_P_IP)
		return XDP_PASS;
	ihl = (ip[0] & 0x0f) * 4u;
	if (ihl < 20 || len < ETH_HLEN + ihl + 4)
		return XDP_PASS;
	if (ip[9] != IPPROTO_TCP && ip[9] != IPPROTO_UDP)
		return XDP_PASS;
	/* the destination port follows the source port */
	return blocked(w2b_load_be16(ip + ihl + 2)) ? XDP_DROP : XDP_PASS;
}
