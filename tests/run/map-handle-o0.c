// Map handles in code built without optimisation (clang -O0 passes every
// value through a local: `i32.const <&map>; local.set N` and then
// `local.get N` as the helper's argument): the handle is still the map.
// Each run adds the frame's first byte to slot 0 with update_elem; the
// verdict is update_elem's result, 0, plus XDP_PASS.
// CFLAGS: -O0
// PACKET: bump 050000000000000000000000000000 => i32:2
// PACKET: bump 070000000000000000000000000000 => i32:2
#include "wasm2bpf_sdk.h"

W2B_MAP(totals, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);

W2B_PROGRAM("xdp", bump)
{
	w2b_u32 key = 0;
	w2b_u64 value = pkt[0];

	return (int)bpf_map_update_elem(&totals, &key, &value, BPF_ANY) + 2;
}
