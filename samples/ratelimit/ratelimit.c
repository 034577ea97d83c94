/*
 * ratelimit.c — a token bucket per IPv4 source address at XDP.
 *
 * Each source may send BURST packets at once and RATE packets per second
 * on average: its bucket holds up to BURST tokens, refills at RATE tokens
 * per second (from bpf_ktime_get_ns), and each packet takes one; a packet
 * that finds no whole token is dropped. Buckets live in the LRU hash
 * `buckets`, keyed by the source address as it is in the packet (network
 * byte order), so the least recently seen sources are evicted when it is
 * full. A new source's bucket is inserted full (BPF_NOEXIST: if another
 * CPU inserted it first, that one is kept) and looked up again.
 *
 * Tokens are counted in billionths (a token is TOKEN units), so a refill
 * is elapsed nanoseconds times RATE with no division. Two CPUs updating
 * one bucket at once may lose a refill or a take: fine for a limiter.
 * Non-IPv4 frames pass.
 */
#include "wasm2bpf_sdk.h"

#define RATE 10	 /* tokens per second */
#define BURST 5	 /* bucket size, in tokens */
#define TOKEN 1000000000ull	/* units per token: one per ns at RATE 1 */
#define FULL (BURST * TOKEN)

enum { ETH_HLEN = 14, ETH_P_IP = 0x0800 };

struct bucket {
	w2b_u64 tokens;	 /* in units: TOKEN per token */
	w2b_u64 last_ns; /* when tokens was last refilled */
};

W2B_MAP(buckets, BPF_MAP_TYPE_LRU_HASH, w2b_u32, struct bucket, 4096);

W2B_PROGRAM("xdp", ratelimit)
{
	w2b_u32 saddr;
	w2b_u64 now, elapsed, tokens;
	struct bucket *b;

	if (len < ETH_HLEN + 20 || w2b_load_be16(pkt + 12) != ETH_P_IP)
		return XDP_PASS;
	__builtin_memcpy(&saddr, pkt + ETH_HLEN + 12, 4);
	now = bpf_ktime_get_ns();

	b = bpf_map_lookup_elem(&buckets, &saddr);
	if (!b) {
		struct bucket fresh = { FULL, now };

		bpf_map_update_elem(&buckets, &saddr, &fresh, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&buckets, &saddr);
		if (!b)
			return XDP_PASS;	/* no room even after eviction */
	}

	/* refill: at most what fills the bucket, so the product cannot wrap */
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
