// A map whose definition's data symbol the module also exports (wasm-ld's
// --export=NAME here; a Rust #[no_mangle] static is the same): the map
// keeps its name as its ELF symbol, the exported global (the definition's
// address, in .rodata) becomes totals_2. Both were "totals": an internal
// error, "symbol 'totals' is defined twice".
// CFLAGS: -Wl,--export=totals
// PACKET: bump 050000000000000000000000000000 => i32:2
#include "wasm2bpf_sdk.h"

W2B_MAP(totals, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);

W2B_PROGRAM("xdp", bump)
{
	w2b_u32 key = 0;
	w2b_u64 value = pkt[0];

	return (int)bpf_map_update_elem(&totals, &key, &value, BPF_ANY) + 2;
}
