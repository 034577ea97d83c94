/*
 * events.c — the SDK's ring buffer and map helpers, end to end (the module
 * half of the kernel_ringbuf test; consume.c is the userspace half).
 *
 * For each frame (of at least an Ethernet header) the XDP program:
 * - emits one 12-byte record to the ring buffer `events` with
 *   bpf_ringbuf_output: the frame's length, its ethertype (host order) and
 *   its first six bytes (the destination MAC), built in a local variable;
 * - for ethertype 0x9999, deletes totals[0x9999] if it is there (userspace
 *   inserts it first) and counts nothing;
 * - for any other ethertype, adds one packet and the frame's length to
 *   totals[ethertype]: in place with w2b_atomic_add when the entry exists,
 *   else by inserting it with BPF_NOEXIST (if another CPU inserted it in
 *   between, the insert fails and the frame is added to that entry).
 * Every frame passes.
 */
#include "wasm2bpf_sdk.h"

enum { ETH_HLEN = 14, ETHERTYPE_DELETE = 0x9999 };

struct event {
	w2b_u32 len;
	w2b_u16 ethertype;
	w2b_u8 first_bytes[6];
};

struct total {
	w2b_u64 packets;
	w2b_u64 bytes;
};

W2B_RINGBUF_OF(events, 4096, struct event);
W2B_MAP(totals, BPF_MAP_TYPE_HASH, w2b_u32, struct total, 64);

W2B_PROGRAM("xdp", watch)
{
	struct event ev;
	struct total *t;
	w2b_u32 key;

	if (len < ETH_HLEN)
		return XDP_PASS;

	ev.len = len;
	ev.ethertype = w2b_load_be16(pkt + 12);
	for (int i = 0; i < 6; i++)
		ev.first_bytes[i] = pkt[i];
	bpf_ringbuf_output(&events, &ev, sizeof ev, 0);

	key = ev.ethertype;
	t = bpf_map_lookup_elem(&totals, &key);
	if (key == ETHERTYPE_DELETE) {
		if (t)
			bpf_map_delete_elem(&totals, &key);
		return XDP_PASS;
	}
	if (!t) {
		struct total fresh = { 1, len };

		if (bpf_map_update_elem(&totals, &key, &fresh, BPF_NOEXIST) == 0)
			return XDP_PASS;
		t = bpf_map_lookup_elem(&totals, &key);
		if (!t)
			return XDP_PASS;
	}
	w2b_atomic_add(&t->packets, 1);
	w2b_atomic_add(&t->bytes, (w2b_u64)len);
	return XDP_PASS;
}
