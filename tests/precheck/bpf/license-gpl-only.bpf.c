// KERNEL: license
// bpf_trace_printk under license "MIT": "cannot call GPL-restricted
// function from non-GPL compatible program". Without -DBROKEN, "GPL".
#include "common.h"

SEC("xdp")
int log_len(struct xdp_md *ctx)
{
	char fmt[] = "len %d";

	bpf_trace_printk(fmt, sizeof(fmt), ctx->data_end - ctx->data);
	return XDP_PASS;
}
#ifdef BROKEN
char LICENSE[] SEC("license") = "MIT";
#else
char LICENSE[] SEC("license") = "GPL";
#endif
