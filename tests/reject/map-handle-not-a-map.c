// A map argument that is not the address of a W2B_MAP definition.
#include "wasm2bpf_sdk.h"
static w2b_u32 not_a_map[8];
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = len;
	return bpf_map_delete_elem(not_a_map, &k) ? XDP_DROP : XDP_PASS;
}
