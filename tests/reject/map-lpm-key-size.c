// An LPM trie's key is a u32 prefix length followed by the data.
#include "wasm2bpf_sdk.h"
W2B_MAP(prefixes, BPF_MAP_TYPE_LPM_TRIE, w2b_u32, w2b_u32, 64);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = len;
	return bpf_map_lookup_elem(&prefixes, &k) ? XDP_DROP : XDP_PASS;
}
