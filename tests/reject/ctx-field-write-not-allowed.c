// cgroup_skb programs may read tc_index but only tc programs write it.
#include "wasm2bpf_sdk.h"
W2B_PROGRAM("cgroup_skb/egress", f)
{
	w2b_ctx_set_tc_index(len);
	return CGROUP_SKB_ALLOW;
}
