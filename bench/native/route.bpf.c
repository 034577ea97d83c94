/*
 * route.bpf.c — bench/workloads/route.c written natively for libbpf, the
 * baseline bench/perf.py measures wasm2bpf's route against: at TC, an
 * HTTP request to TCP port 8080 gets skb->mark = the class (1..8) of the
 * first of eight path prefixes its request line's path starts with; every
 * frame passes. The same algorithm and table (in .rodata here, in the
 * linear memory's data segment there): read route.c's header.
 *
 *     clang-19 -O2 -g -target bpf -mcpu=v3 -I/usr/include/$(gcc -dumpmachine) \
 *         -c route.bpf.c -o route.bpf.o
 *
 * Loop forms (every loop here has a constant bound of 7, 16 or 8 passes),
 * tried on this machine (kernel 6.18, the /api/v1/users/42 frame, median
 * of 500 runs):
 *   - plain bounded loops (kept): clang unrolls all three, the verifier
 *     walks the straight code (5619 processed, 240 xlated instructions);
 *     110 ns.
 *   - the path loop as an open-coded bpf_iter_num (-DROUTE_ITER_LOOP, the
 *     form of iter.h): loads (6090 processed, 266 xlated), but clang can no
 *     longer unroll it, so each byte costs a bpf_iter_num_next() kfunc
 *     call and the shift is computed at run time; 240 ns.
 *   - bpf_loop: not kept for so short a loop; its callback gets the packet
 *     pointers through the stack and pays an indirect call per pass (in
 *     csum.bpf.c, where it was tried, it is the slowest form).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "iter.h"

#define ROUTE_PORT 8080
#define NPREFIX 8
#define PATH_MAX_BYTES 16

#define W8(a, b, c, d, e, f, g, h)                                             \
	((__u64)(__u8)(a) | (__u64)(__u8)(b) << 8 | (__u64)(__u8)(c) << 16 |    \
	 (__u64)(__u8)(d) << 24 | (__u64)(__u8)(e) << 32 |                      \
	 (__u64)(__u8)(f) << 40 | (__u64)(__u8)(g) << 48 | (__u64)(__u8)(h) << 56)
/* The mask of a word's first n bytes (n 1..8; an unused word has mask 0). */
#define MASK(n) (~0ull >> (64 - 8 * (n)))

struct prefix {
	__u64 w0, w1;
	__u64 m0, m1;
	__u32 cls;
};

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

SEC("tc")
int route(struct __sk_buff *skb)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct iphdr *ip;
	struct tcphdr *tcp;
	__u32 len, ihl, l4, end, doff, start, sp, path, cls;
	__u64 w0 = 0, w1 = 0;

	/* the whole packet in the linear area, as wasm2bpf's tc entry does */
	bpf_skb_pull_data(skb, skb->len);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	len = skb->len;
	eth = data;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ihl = ip->ihl * 4u;
	if (ip->protocol != IPPROTO_TCP || ihl < 20)
		return TC_ACT_OK;
	l4 = ETH_HLEN + ihl;
	end = ETH_HLEN + bpf_ntohs(ip->tot_len);
	if (end > len)
		end = len;
	tcp = data + l4;
	if (end < l4 + 20 || (void *)(tcp + 1) > data_end || tcp->dest != bpf_htons(ROUTE_PORT))
		return TC_ACT_OK;
	doff = tcp->doff * 4u;
	if (doff < 20 || l4 + doff >= end)	/* no payload */
		return TC_ACT_OK;
	start = l4 + doff;

	/* 1. the method ends at the first space in bytes 1..7 */
	sp = 0;
	for (__u32 k = 1; k < 8; k++) {
		__u8 *c = data + start + k;

		if (start + k >= end || (void *)(c + 1) > data_end)
			break;
		if (*c == ' ') {
			sp = k;
			break;
		}
	}
	if (!sp)
		return TC_ACT_OK;
	path = start + sp + 1;

	/* 2. up to 16 bytes of the path into two words */
#ifdef ROUTE_ITER_LOOP
	__u32 k = 0;

	REPEAT(PATH_MAX_BYTES) {
		__u8 *q = data + path + (k & 15), c;

		if (k >= PATH_MAX_BYTES || path + k >= end || (void *)(q + 1) > data_end)
			break;
		c = *q;
		if (c == ' ' || c == '?')
			break;
		if (k < 8)
			w0 |= (__u64)c << (8 * (k & 7));
		else
			w1 |= (__u64)c << (8 * (k & 7));
		k++;
	}
#else
	for (__u32 k = 0; k < PATH_MAX_BYTES; k++) {
		__u8 *q = data + path + k, c;

		if (path + k >= end || (void *)(q + 1) > data_end)
			break;
		c = *q;
		if (c == ' ' || c == '?')
			break;
		if (k < 8)
			w0 |= (__u64)c << (8 * k);
		else
			w1 |= (__u64)c << (8 * (k - 8));
	}
#endif

	/* 3. the first matching prefix */
	cls = 0;
	for (__u32 i = 0; i < NPREFIX; i++) {
		if ((w0 & prefixes[i].m0) == prefixes[i].w0 &&
		    (w1 & prefixes[i].m1) == prefixes[i].w1) {
			cls = prefixes[i].cls;
			break;
		}
	}
	if (cls)
		skb->mark = cls;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
