/*
 * ratelimit.bpf.c — samples/ratelimit/ratelimit.c written natively for
 * libbpf, the baseline bench/perf.py measures wasm2bpf's ratelimit
 * against: at XDP, a token bucket per IPv4 source address (BURST packets
 * at once, RATE per second on average, tokens counted in billionths so a
 * refill needs no division) in the LRU hash `buckets`; a packet that finds
 * no whole token is dropped, non-IPv4 frames pass. The same algorithm and
 * constants: read the sample's header.
 *
 *     clang-19 -O2 -g -target bpf -mcpu=v3 -I/usr/include/$(gcc -dumpmachine) \
 *         -c ratelimit.bpf.c -o ratelimit.bpf.o
 *
 * No loops.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define RATE 10	 /* tokens per second */
#define BURST 5	 /* bucket size, in tokens */
#define TOKEN 1000000000ull
#define FULL (BURST * TOKEN)

struct bucket {
	__u64 tokens;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);
	__type(value, struct bucket);
	__uint(max_entries, 4096);
} buckets SEC(".maps");

SEC("xdp")
int ratelimit(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u64 now, elapsed, tokens;
	struct bucket *b;
	__u32 saddr;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	saddr = ip->saddr;	/* as in the packet: network byte order */
	now = bpf_ktime_get_ns();

	b = bpf_map_lookup_elem(&buckets, &saddr);
	if (!b) {
		struct bucket fresh = { FULL, now };

		bpf_map_update_elem(&buckets, &saddr, &fresh, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&buckets, &saddr);
		if (!b)
			return XDP_PASS;
	}

	elapsed = now > b->last_ns ? now - b->last_ns : 0;
	if (elapsed > FULL / RATE)
		elapsed = FULL / RATE;
	tokens = b->tokens + elapsed * RATE;
	if (tokens > FULL)
		tokens = FULL;
	b->last_ns = now;

	if (tokens < TOKEN) {
		b->tokens = tokens;
		return XDP_DROP;
	}
	b->tokens = tokens - TOKEN;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
