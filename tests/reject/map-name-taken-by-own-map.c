// ARGS: --map-prefix=stats
// A module's map may not have the name of one of the object's own maps
// (here stats_env, with --map-prefix=stats): two maps of one name would
// be one map to libbpf. Located at the map's record.
#include "wasm2bpf_sdk.h"
W2B_MAP(stats_env, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
W2B_PROGRAM("xdp", f)
{
	w2b_u32 k = 0;
	return bpf_map_lookup_elem(&stats_env, &k) ? XDP_DROP : XDP_PASS;
}
