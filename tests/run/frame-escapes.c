// frame-promoted.c's program with the key filled in by a function that is
// not inlined (two call sites: clang's driver runs binaryen's wasm-opt,
// which inlines a function called once whatever its attributes): the
// frame's address leaves the function, so the frame stays on Wasm's
// shadow stack in the linear memory (ir/promote_frames.c promotes
// nothing), and the results are the same.
// PACKET: flow 0102030000000000000000000000 => i32:1014
// PACKET: flow 0102030000000000000000000000 => i32:2028
// PACKET: flow 0102040000000000000000000000 => i32:1014
// PACKET: flow 010203000000000000000000000000000000 => i32:3046
#include "wasm2bpf_sdk.h"

struct flow_key {
	w2b_u32 a;
	w2b_u16 b, c;
};
struct flow_val {
	w2b_u64 count, bytes;
};
W2B_MAP(flows, BPF_MAP_TYPE_HASH, struct flow_key, struct flow_val, 16);

__attribute__((noinline)) void fill_key(struct flow_key *k, const w2b_u8 *pkt)
{
	k->a = pkt[0];
	k->b = pkt[1];
	k->c = pkt[2];
}

W2B_PROGRAM("xdp", flow)
{
	struct flow_key k, again;
	struct flow_val *v;

	fill_key(&k, pkt);
	v = bpf_map_lookup_elem(&flows, &k);
	if (!v) {
		struct flow_val fresh = { 1, len };

		fill_key(&again, pkt);
		bpf_map_update_elem(&flows, &again, &fresh, BPF_NOEXIST);
		return (int)(fresh.count * 1000 + fresh.bytes);
	}
	v->count += 1;
	v->bytes += len;
	return (int)(v->count * 1000 + v->bytes);
}
