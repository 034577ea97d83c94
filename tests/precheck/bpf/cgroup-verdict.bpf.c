// KERNEL: return value
// A cgroup_skb/ingress program returning 2: "At program exit the register
// R0 has ... should have been in [0, 1]". Without -DBROKEN, 1.
#include "common.h"

SEC("cgroup_skb/ingress")
int allow(struct __sk_buff *skb)
{
#ifdef BROKEN
	return 2;
#else
	return 1;
#endif
}
char LICENSE[] SEC("license") = "GPL";
