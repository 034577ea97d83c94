// An out of bounds access says what it accessed (the env's trap_at,
// common/abi.h): here a map value's slot past its end, slot 4 of an
// array map's 16-byte value: "map value: 4 bytes at offset 16 of 16".
// Slots 0..3 read the value (zero in a fresh array); 4 traps.
// RUN: --invoke f --packet 0400000000000000000000000000 => trap: out of bounds memory access at func[1] 'f', offset 0x81, map value: 4 bytes at offset 16 of 16
// PACKET: f 0300000000000000000000000000 => i32:1
// PACKET: f 0400000000000000000000000000 => trap out of bounds memory access
#include "wasm2bpf_sdk.h"

struct slots {
	w2b_u32 slot[4];
};
W2B_MAP(table, BPF_MAP_TYPE_ARRAY, w2b_u32, struct slots, 1);

W2B_PROGRAM("xdp", f)
{
	w2b_u32 key = 0, i = pkt[0];
	struct slots *v = bpf_map_lookup_elem(&table, &key);

	if (!v)
		return 0;
	return (int)v->slot[i] + 1;
}
