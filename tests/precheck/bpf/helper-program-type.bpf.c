// KERNEL: helper
// bpf_ktime_get_coarse_ns from a syscall program: "unknown func
// bpf_ktime_get_coarse_ns#160". Without -DBROKEN, bpf_ktime_get_ns.
#include "common.h"

SEC("syscall")
int clock(void *ctx)
{
#ifdef BROKEN
	return bpf_ktime_get_coarse_ns() & 1;
#else
	return bpf_ktime_get_ns() & 1;
#endif
}
char LICENSE[] SEC("license") = "GPL";
