// Shadow-stack frames on the BPF stack (ir/promote_frames.c): a struct
// key and a struct value live in the function's frame (their addresses go
// to the helpers), so clang gives them a frame on Wasm's shadow stack;
// wasm2bpf moves it to the BPF stack, and the program must behave exactly
// as before. Per packet: key {pkt[0], pkt[1] as u16, pkt[2] as u16}; a
// key's first packet inserts {count 1, bytes len} from the frame, later
// ones add; the verdict is count * 1000 + bytes.
// PACKET: flow 0102030000000000000000000000 => i32:1014
// PACKET: flow 0102030000000000000000000000 => i32:2028
// PACKET: flow 0102040000000000000000000000 => i32:1014
// PACKET: flow 010203000000000000000000000000000000 => i32:3046
// The frame promoted, nothing else in the module touches the memory: no
// memory at all, and the verifier walks a short program.
// STATS: flow verified_insns < 120
#include "wasm2bpf_sdk.h"

struct flow_key {
	w2b_u32 a;
	w2b_u16 b, c;
};
struct flow_val {
	w2b_u64 count, bytes;
};
W2B_MAP(flows, BPF_MAP_TYPE_HASH, struct flow_key, struct flow_val, 16);

W2B_PROGRAM("xdp", flow)
{
	struct flow_key k = { pkt[0], pkt[1], pkt[2] };
	struct flow_val *v = bpf_map_lookup_elem(&flows, &k);

	if (!v) {
		struct flow_val fresh = { 1, len };

		bpf_map_update_elem(&flows, &k, &fresh, BPF_NOEXIST);
		return (int)(fresh.count * 1000 + fresh.bytes);
	}
	v->count += 1;
	v->bytes += len;
	return (int)(v->count * 1000 + v->bytes);
}
