// A map value pointer kept in a struct in the function's frame, and the
// struct written into another map: a later lookup of that map, in any
// function, would read the pointer back and could not reach the value.
// Refused at the helper call.
#include "wasm2bpf_sdk.h"
struct holder {
	w2b_u64 *p;
	w2b_u32 tag;
};
W2B_MAP(counts, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
W2B_MAP(saved, BPF_MAP_TYPE_HASH, w2b_u32, struct holder, 4);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = pkt[0] & 3;
	w2b_u64 *v = bpf_map_lookup_elem(&counts, &k);

	if (v) {
		struct holder h = { v, len };

		bpf_map_update_elem(&saved, &k, &h, 0);
	}
	return XDP_PASS;
}
