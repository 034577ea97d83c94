// A helper's memory argument is one kernel pointer, so it must lie in one
// 16 KiB block of a memory in blocks (docs/abi.md, Memory blocks): a map
// key at the byte address pkt[0] * 4 + 16368 of a static array crosses the
// boundary at 16384 for pkt[0] == 3 (the 8-byte key's bytes in two
// blocks) and traps span_split (code 12), which `wasm2bpf run` names; one
// inside a block, the hot one (pkt[0] <= 2) or the next (5, looked up),
// is a key the map does not hold. The array is in the data after address 1024,
// placed by the build; its address is asked for, not assumed. The stack
// comes first (8 KiB), so the stack pointer starts below 16 KiB and the
// blocks start at 0 (no phase). The verdict: 2 + the looked-up value's
// low byte, or 1 when the key is not in the map.
// CFLAGS: -Wl,--stack-first
// PACKET: f 0000000000000000000000000000 => i32:1
// PACKET: f 0200000000000000000000000000 => i32:1
// PACKET: f 0300000000000000000000000000 => trap memory argument crosses a 16 KiB block
// PACKET: f 0500000000000000000000000000 => i32:1
#include "wasm2bpf_sdk.h"
W2B_MAP(vals, BPF_MAP_TYPE_HASH, w2b_u64, w2b_u64, 4);
static w2b_u8 arena[32768];
W2B_PROGRAM("xdp", f)
{
	/* the key's place: 16368 + 4 * pkt[0] as a Wasm address */
	w2b_u32 at = 16368 + 4u * pkt[0] - (w2b_u32)(__SIZE_TYPE__)arena;
	w2b_u64 *key = (w2b_u64 *)(arena + at);
	w2b_u64 *v;

	*key = 7;
	v = bpf_map_lookup_elem(&vals, key);
	return v ? (int)(*v & 0xff) + 2 : 1;
}
