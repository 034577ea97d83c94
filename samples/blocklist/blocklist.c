/*
 * blocklist.c — drop IPv4 sources in blocked prefixes, at XDP.
 *
 * The LPM trie `blocklist` holds the blocked prefixes (key: prefix length,
 * then the address in network order: struct w2b_lpm_v4_key; the value is
 * free for the operator, e.g. a rule id). It is pinned by name, so it lives
 * at /sys/fs/bpf/blocklist from the first load on and userspace fills it:
 *
 *     bpftool map update pinned /sys/fs/bpf/blocklist \
 *         key hex 18 00 00 00 0a 01 02 00 value hex 01 00 00 00   # 10.1.2.0/24
 *
 * A frame whose source address a prefix covers is dropped and counted in
 * block_hits (one entry, shared by all CPUs: an atomic add); everything
 * else passes.
 */
#include "wasm2bpf_sdk.h"

enum { ETH_HLEN = 14, ETH_P_IP = 0x0800 };

W2B_MAP_PINNED(blocklist, BPF_MAP_TYPE_LPM_TRIE, struct w2b_lpm_v4_key, w2b_u32, 1024);
W2B_MAP(block_hits, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 1);

W2B_PROGRAM("xdp", xdp_blocklist)
{
	struct w2b_lpm_v4_key key;
	w2b_u32 zero = 0;
	w2b_u64 *hits;

	if (len < ETH_HLEN + 20 || w2b_load_be16(pkt + 12) != ETH_P_IP)
		return XDP_PASS;
	key.prefixlen = 32;
	__builtin_memcpy(key.addr, pkt + ETH_HLEN + 12, 4);
	if (!bpf_map_lookup_elem(&blocklist, &key))
		return XDP_PASS;
	hits = bpf_map_lookup_elem(&block_hits, &zero);
	if (hits)
		w2b_atomic_add(hits, 1);
	return XDP_DROP;
}
