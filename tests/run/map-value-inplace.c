// Map values read, written and atomically updated in place: one object is
// loaded once and every PACKET line runs it again, so the map keeps what
// the earlier lines did. Frame byte 0 picks the key, byte 1 the slot.
// A key's first packet inserts {count 1}; later ones find it (second
// lookup site after the update: the pointer may come from either site)
// and add to slot[byte 1] atomically; the result is count * 100 + slot.
// PACKET: count 0103000000000000000000000000 => i32:100
// PACKET: count 0103000000000000000000000000 => i32:201
// PACKET: count 0103000000000000000000000000 => i32:302
// PACKET: count 0107000000000000000000000000 => i32:401
// PACKET: count 0203000000000000000000000000 => i32:100
// Slot 9 is outside the value (8 slots): the access traps.
// PACKET: count 0109000000000000000000000000 => trap out of bounds memory access
#include "wasm2bpf_sdk.h"

struct entry {
	w2b_u32 count;
	w2b_u32 slot[8];
};
W2B_MAP(entries, BPF_MAP_TYPE_HASH, w2b_u32, struct entry, 16);

W2B_PROGRAM("xdp", count)
{
	w2b_u32 key = pkt[0], i = pkt[1];
	struct entry *e = bpf_map_lookup_elem(&entries, &key);

	if (!e) {
		struct entry fresh = { 0 };

		bpf_map_update_elem(&entries, &key, &fresh, BPF_NOEXIST);
		e = bpf_map_lookup_elem(&entries, &key);
		if (!e)
			return -1;
	} else {
		w2b_atomic_add(&e->slot[i], 1);
	}
	w2b_atomic_add(&e->count, 1);
	return (int)(e->count * 100 + e->slot[i & 7]);
}
