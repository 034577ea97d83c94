/*
 * A cgroup_skb/egress program that reads a payload byte far into a TCP
 * segment: on real traffic that byte is in the skb's fragments, not its
 * linear part, which a cgroup_skb program may not pull (the compiler
 * reads it with bpf_skb_load_bytes). Records, per segment to port 9099
 * with more than AT + 4 payload bytes, in the array map `deep`: 0 payload
 * bytes seen, 1 the 4 payload bytes at AT (big endian), 2 segments, 3 the
 * first 4 payload bytes; allows everything.
 */
#include "wasm2bpf_sdk.h"

#define AT 6000
W2B_MAP(deep, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);

static inline __attribute__((always_inline)) void put(w2b_u32 k, w2b_u64 v, int add)
{
	w2b_u64 *p = bpf_map_lookup_elem(&deep, &k);

	if (p) {
		if (add)
			w2b_atomic_add(p, v);
		else
			*p = v;
	}
}

W2B_PROGRAM("cgroup_skb/egress", deep_read)
{
	w2b_u32 ihl, doff, payload;

	/* the packet starts at the IPv4 header */
	if (len < 40 || (pkt[0] >> 4) != 4 || pkt[9] != 6)
		return CGROUP_SKB_ALLOW;
	ihl = (pkt[0] & 0x0f) * 4u;
	if (w2b_load_be16(pkt + ihl + 2) != 9099)
		return CGROUP_SKB_ALLOW;
	doff = (pkt[ihl + 12] >> 4) * 4u;
	payload = ihl + doff;
	if (len <= payload + AT + 4)
		return CGROUP_SKB_ALLOW;
	put(0, len - payload, 1);
	put(1, w2b_load_be32(pkt + payload + AT), 0);
	put(2, 1, 1);
	put(3, w2b_load_be32(pkt + payload), 0);
	return CGROUP_SKB_ALLOW;
}
