/*
 * blocklist.bpf.c — samples/blocklist/blocklist.c written natively for
 * libbpf, the baseline bench/run_packet_bench.py measures wasm2bpf's
 * blocklist against: at XDP, IPv4 frames whose source address a prefix in
 * the pinned LPM trie `blocklist` covers are dropped and counted in
 * block_hits (an ARRAY map, atomic add); everything else passes.
 *
 *     clang-19 -O2 -g -target bpf -mcpu=v3 -I/usr/include/$(gcc -dumpmachine) \
 *         -c blocklist.bpf.c -o blocklist.bpf.o
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} blocklist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} block_hits SEC(".maps");

SEC("xdp")
int xdp_blocklist(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct lpm_v4_key key;
	__u32 zero = 0;
	__u64 *hits;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	key.prefixlen = 32;
	__builtin_memcpy(key.addr, &ip->saddr, 4);
	if (!bpf_map_lookup_elem(&blocklist, &key))
		return XDP_PASS;
	hits = bpf_map_lookup_elem(&block_hits, &zero);
	if (hits)
		__sync_fetch_and_add(hits, 1);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
