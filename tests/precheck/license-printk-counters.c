// ARGS: --license=MIT
// KERNEL: license
// A C packet program that logs each frame's protocol with w2b_printk
// (bpf_trace_printk, GPL-only) under the MIT license: "cannot call
// GPL-restricted function from non-GPL compatible program".
#include "wasm2bpf_sdk.h"

W2B_MAP(seen, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 256);

W2B_PROGRAM("xdp", count)
{
	w2b_u32 key = len > 23 ? pkt[23] : 255;
	w2b_u64 *v = bpf_map_lookup_elem(&seen, &key);

	if (v)
		*v += 1;
	w2b_printk("proto %d", key);
	return 2;
}
