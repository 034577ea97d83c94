/*
 * counters.bpf.c — samples/counters/counters.c written natively for libbpf,
 * the baseline bench/run_packet_bench.py measures wasm2bpf's counters
 * against: per-protocol packet and byte counters at XDP in the per-CPU
 * array proto_stats (key: the IPv4 protocol / IPv6 next header; 255 for
 * frames that are not IP or too short). Every frame passes.
 *
 *     clang-19 -O2 -g -target bpf -mcpu=v3 -I/usr/include/$(gcc -dumpmachine) \
 *         -c counters.bpf.c -o counters.bpf.o
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define OTHER 255

struct proto_stat {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct proto_stat);
	__uint(max_entries, 256);
} proto_stats SEC(".maps");

SEC("xdp")
int counters(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u64 len = data_end - data;
	__u32 key = OTHER;
	struct proto_stat *st;

	if (data + ETH_HLEN + sizeof(struct iphdr) <= data_end &&
	    eth->h_proto == bpf_htons(ETH_P_IP))
		key = ((struct iphdr *)(eth + 1))->protocol;
	else if (data + ETH_HLEN + sizeof(struct ipv6hdr) <= data_end &&
		 eth->h_proto == bpf_htons(ETH_P_IPV6))
		key = ((struct ipv6hdr *)(eth + 1))->nexthdr;

	st = bpf_map_lookup_elem(&proto_stats, &key);
	if (st) {
		st->packets += 1;
		st->bytes += len;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
