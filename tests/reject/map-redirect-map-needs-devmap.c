// bpf_redirect_map sends a packet to an entry of a devmap, cpumap or
// xskmap; a hash map is refused, naming the types it takes.
#include "wasm2bpf_sdk.h"
W2B_MAP(targets, BPF_MAP_TYPE_HASH, w2b_u32, w2b_u32, 4);
W2B_PROGRAM("xdp", f)
{
	return (int)bpf_redirect_map(&targets, 0, XDP_PASS);
}
