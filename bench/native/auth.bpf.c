/*
 * auth.bpf.c — samples/auth/auth.c written natively for libbpf, the
 * baseline bench/run_packet_bench.py measures wasm2bpf's auth against.
 *
 *     clang-19 -O2 -g -target bpf -mcpu=v3 -I/usr/include/$(gcc -dumpmachine) \
 *         -c auth.bpf.c -o auth.bpf.o
 *
 * The same policy and the same algorithm as the sample (read its header):
 * TC ingress; HTTP to TCP port 8080 passes only with
 * "Authorization: Bearer eyJhbGciOiJIUzI1NiI..." at the start of a line as
 * RFC 9110 lets it be written; segments without payload and other traffic
 * pass; each decision is a record in the ring buffer auth_log and counted
 * in auth_stats (an ARRAY map, atomic add). The payload is scanned 8 bytes
 * at a time for '\r', the header compared mostly as 8-byte words.
 *
 * Written the way a libbpf user would: no vmlinux.h, the uapi structs,
 * direct packet access with a data_end check before each access, and an
 * open-coded bpf_iter_num loop (bpf_repeat) for the scan. Like wasm2bpf's
 * tc entry it first pulls the whole packet into the linear area, and it
 * looks at the first 64 KiB only (the verifier's packet-offset limit; the
 * same limit wasm2bpf has).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "iter.h"


#define AUTH_PORT 8080
enum { AUTH_ALLOWED = 0, AUTH_DENIED = 1 };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} auth_stats SEC(".maps");

/* One decision, as the sample's auth_log records it. */
struct decision {
	__u32 verdict;
	__u32 sport;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 65536);
} auth_log SEC(".maps");

/* Eight characters as the little-endian u64 an 8-byte load of them gives. */
#define W8(a, b, c, d, e, f, g, h)                                             \
	((__u64)(__u8)(a) | (__u64)(__u8)(b) << 8 | (__u64)(__u8)(c) << 16 |    \
	 (__u64)(__u8)(d) << 24 | (__u64)(__u8)(e) << 32 |                      \
	 (__u64)(__u8)(f) << 40 | (__u64)(__u8)(g) << 48 | (__u64)(__u8)(h) << 56)

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* The header from the '\r' before it, as the sample compares it (RFC
 * 9110: name and scheme in any case, optional whitespace after the colon,
 * one or more spaces before the token). */
#define H0 W8('\r', '\n', 'a', 'u', 't', 'h', 'o', 'r')
#define H0_FOLD 0x2020202020200000ull
#define H1 W8('i', 'z', 'a', 't', 'i', 'o', 'n', ':')
#define H1_FOLD 0x0020202020202020ull
#define B0 W8('b', 'e', 'a', 'r', 'e', 'r', ' ', 0)
#define B0_FOLD 0x0000202020202020ull
#define B0_MASK 0x00ffffffffffffffull
#define T0 W8('e', 'y', 'J', 'h', 'b', 'G', 'c', 'i')
#define T1 W8('O', 'i', 'J', 'I', 'U', 'z', 'I', '1')
#define T2 W8('I', 'U', 'z', 'I', '1', 'N', 'i', 'I')
#define HEADER_LEN 16
#define SCHEME_LEN 7
#define TOKEN_LEN 19
#define MIN_LEN (HEADER_LEN + SCHEME_LEN + TOKEN_LEN)
#define MAX_WS 8

/* An unaligned 8-byte packet load (fine on x86; the verifier allows it). */
#define LOAD64(p) (*(const __u64 *)(p))

/* j past the spaces and tabs at packet offset j (at most MAX_WS). */
static __always_inline __u32 skip_ws(void *data, void *data_end, __u32 j, __u32 end)
{
	for (int k = 0; k < MAX_WS; k++) {
		__u8 *c = data + j;

		if (j >= end || (void *)(c + 1) > data_end || (*c != ' ' && *c != '\t'))
			break;
		j++;
	}
	return j;
}

/* After "\r\nauthorization:" ending at offset j: the rest of an accepted
 * header? */
static __always_inline int bearer_token(void *data, void *data_end, __u32 j, __u32 end)
{
	__u8 *q;

	j = skip_ws(data, data_end, j, end);
	if (j > end - SCHEME_LEN - TOKEN_LEN)
		return 0;
	q = data + j;
	if ((void *)(q + 8) > data_end || ((LOAD64(q) | B0_FOLD) & B0_MASK) != B0)
		return 0;
	j = skip_ws(data, data_end, j + SCHEME_LEN, end);
	if (j > end - TOKEN_LEN)
		return 0;
	q = data + j;
	if ((void *)(q + TOKEN_LEN) > data_end)
		return 0;
	return LOAD64(q) == T0 && LOAD64(q + 8) == T1 && LOAD64(q + 11) == T2;
}

/* Does the payload at packet offsets [start, end) carry the header? */
static __always_inline int authorized(struct __sk_buff *skb, void *data,
				      void *data_end, __u32 start, __u32 end)
{
	__u32 i, last;

	if (end > 0xffff)	/* the verifier's limit on packet offsets */
		end = 0xffff;
	if (end < start + MIN_LEN + 8)	/* the request line comes first */
		return 0;
	last = end - MIN_LEN;
	/*
	 * The one verifier workaround. A scalar added to a packet pointer is
	 * marked precise, and precise loop-carried scalars are never widened,
	 * so with i = start (known to lie in [34, 134]) the iterator loop
	 * never converges ("The sequence of 8193 jumps is too complex"; a
	 * constant-bound loop instead hits the 1M-instruction limit at 64
	 * passes). Read back from skb->cb, i is unknown on entry, its range
	 * after a pass lies within that, and the verifier checks the body
	 * once — what wasm2bpf does with its PREFIX_env map value.
	 */
	skb->cb[0] = start;
	i = *(volatile __u32 *)&skb->cb[0];
	REPEAT(1000000) {
		__u8 *q = data + i;
		__u64 x, t;

		if (i > last || (void *)(q + 8) > data_end)
			break;
		x = LOAD64(q) ^ (ONES * '\r');
		t = (x - ONES) & ~x & HIGHS;	/* 0x80 in the '\r' bytes */
		if (t == 0) {
			i += 8;
			continue;
		}
		/* the lowest flagged byte is a real '\r' */
		i += (__u32)((((t & -t) >> 7) * 0x0001020304050607ull) >> 56);
		if (i > last)
			break;
		q = data + i;
		if ((void *)(q + HEADER_LEN) > data_end)
			break;
		if ((LOAD64(q) | H0_FOLD) == H0 && (LOAD64(q + 8) | H1_FOLD) == H1 &&
		    bearer_token(data, data_end, i + HEADER_LEN, end))
			return 1;
		i++;
	}
	return 0;
}

SEC("tc")
int auth(struct __sk_buff *skb)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct tcphdr *tcp;
	__u32 len, l4, end, doff, key;
	__u64 *count;
	struct decision d;
	int ok;

	/* the whole packet in the linear area, as wasm2bpf's tc entry does */
	bpf_skb_pull_data(skb, skb->len);
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	len = skb->len;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;

	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		__u32 ihl;

		if ((void *)(ip + 1) > data_end)
			return TC_ACT_OK;
		ihl = ip->ihl * 4u;
		if (ip->protocol != IPPROTO_TCP || ihl < 20 ||
		    (ip->frag_off & bpf_htons(0x1fff)))	/* a later fragment */
			return TC_ACT_OK;
		l4 = ETH_HLEN + ihl;
		end = ETH_HLEN + bpf_ntohs(ip->tot_len);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end || ip6->nexthdr != IPPROTO_TCP)
			return TC_ACT_OK;
		l4 = ETH_HLEN + sizeof(*ip6);
		end = l4 + bpf_ntohs(ip6->payload_len);
	} else {
		return TC_ACT_OK;
	}
	/* the frame may be padded past the IP packet, or cut short */
	if (end > len)
		end = len;
	if (end < l4 + 20)
		return TC_ACT_OK;
	tcp = data + l4;
	if ((void *)(tcp + 1) > data_end)
		return TC_ACT_OK;
	if (tcp->dest != bpf_htons(AUTH_PORT))
		return TC_ACT_OK;
	doff = tcp->doff * 4u;
	if (doff < 20 || l4 + doff >= end)	/* no payload: handshake, ACK, FIN */
		return TC_ACT_OK;

	ok = authorized(skb, data, data_end, l4 + doff, end);
	key = ok ? AUTH_ALLOWED : AUTH_DENIED;
	d.verdict = key;
	d.sport = bpf_ntohs(tcp->source);
	bpf_ringbuf_output(&auth_log, &d, sizeof(d), 0);
	count = bpf_map_lookup_elem(&auth_stats, &key);
	if (count)
		__sync_fetch_and_add(count, 1);
	return ok ? TC_ACT_OK : TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "GPL";
