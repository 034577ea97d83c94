// KERNEL: type
// A map lookup's result used without a NULL check: "R0 invalid mem access
// 'map_value_or_null'". Without -DBROKEN, checked.
#include "common.h"

SEC("xdp")
int count(struct xdp_md *ctx)
{
	__u32 key = ctx->rx_queue_index & 3;
	__u64 *v = bpf_map_lookup_elem(&values, &key);

#ifndef BROKEN
	if (!v)
		return XDP_PASS;
#endif
	*v += 1;
	return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
