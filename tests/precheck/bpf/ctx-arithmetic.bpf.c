// KERNEL: type
// The context pointer plus a number the verifier cannot bound: "math
// between ctx pointer and register with unbounded min value is not
// allowed". Without -DBROKEN, the number alone is stored.
#include "common.h"

SEC("tc")
int ctxmath(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&values, &key);

	if (!v)
		return 0;
#ifdef BROKEN
	*v = (__u64)((char *)skb + bpf_ktime_get_ns());
#else
	*v = bpf_ktime_get_ns() + skb->len;
#endif
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
