// Socket filters and cgroup_skb programs may not write their packet.
#include "wasm2bpf_sdk.h"
W2B_PROGRAM("cgroup_skb/ingress", f)
{
	if (len > 20)
		pkt[20] ^= 1;
	return CGROUP_SKB_ALLOW;
}
