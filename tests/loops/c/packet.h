/*
 * packet.h — what the loop corpus' programs share: where the data of an
 * Ethernet + IPv4 frame starts (honouring IHL and TCP's data offset), the
 * result encoding, and two small byte functions. run_loops.py has the same
 * logic in Python as the reference.
 *
 * Results: a test run of an XDP program returns its return value, and a
 * trap returns 0 (XDP_ABORTED), so every real result is nonzero: a value
 * computed over the packet has RESULT_OK (bit 31) set; a frame the program
 * has nothing to say about gets RESULT_NONE (bit 30) plus a small code.
 */
#ifndef LOOPS_PACKET_H
#define LOOPS_PACKET_H

#include "wasm2bpf_sdk.h"

#define RESULT_OK 0x80000000u
#define RESULT_NONE 0x40000000u

#define FNV_OFFSET 2166136261u
#define FNV_PRIME 16777619u

enum { ETH_HLEN = 14, ETH_P_IP = 0x0800, IPPROTO_TCP = 6, IPPROTO_UDP = 17 };

/* Offset of the L4 header of an IPv4 frame carrying `proto`, or 0. */
static inline w2b_u32 ipv4_l4(const w2b_u8 *pkt, w2b_u32 len, w2b_u8 proto)
{
	w2b_u32 ihl;

	if (len < ETH_HLEN + 20 || w2b_load_be16(pkt + 12) != ETH_P_IP)
		return 0;
	ihl = (pkt[ETH_HLEN] & 0x0f) * 4u;
	if (ihl < 20 || pkt[ETH_HLEN + 9] != proto || len < ETH_HLEN + ihl)
		return 0;
	return ETH_HLEN + ihl;
}

/* Offset of the TCP payload (after the options), or 0. */
static inline w2b_u32 tcp_payload(const w2b_u8 *pkt, w2b_u32 len)
{
	w2b_u32 l4 = ipv4_l4(pkt, len, IPPROTO_TCP), doff;

	if (!l4 || len < l4 + 20)
		return 0;
	doff = (pkt[l4 + 12] >> 4) * 4u;
	if (doff < 20 || len < l4 + doff)
		return 0;
	return l4 + doff;
}

/* The value of a hex digit, or -1. */
static inline int hexval(w2b_u8 c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline w2b_u8 ascii_lower(w2b_u8 c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* djb2 over a buffer in linear memory: the checksum of decoded data. */
static inline w2b_u32 djb2(const w2b_u8 *p, w2b_u32 n)
{
	w2b_u32 h = 5381;

	for (w2b_u32 i = 0; i < n; i++)
		h = h * 33 + p[i];
	return h;
}

#endif
