// A map type the SDK does not offer is refused where it is declared.
#include "wasm2bpf_sdk.h"
W2B_MAP_DEF(odd, 99, 4, 4, 16, 0, 0);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = len;
	return bpf_map_lookup_elem(&odd, &k) ? XDP_DROP : XDP_PASS;
}
