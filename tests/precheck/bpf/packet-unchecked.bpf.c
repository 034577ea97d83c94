// KERNEL: bounds
// A packet byte read with no comparison against data_end: "invalid access
// to packet". Without -DBROKEN, the Ethernet header is checked first.
#include "common.h"

SEC("xdp")
int proto(struct xdp_md *ctx)
{
	unsigned char *data = (unsigned char *)(long)ctx->data;
	unsigned char *end = (unsigned char *)(long)ctx->data_end;

#ifndef BROKEN
	if (data + 14 > end)
		return XDP_PASS;
#endif
	(void)end;
	return data[12] == 8 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
