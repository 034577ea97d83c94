// KERNEL: type
// A cgroup_skb program writing its packet, which it may only read
// ("cannot write into packet"). Without -DBROKEN, it reads.
#include "common.h"

SEC("cgroup_skb/egress")
int scrub(struct __sk_buff *skb)
{
	unsigned char *data = (unsigned char *)(long)skb->data;
	unsigned char *end = (unsigned char *)(long)skb->data_end;

	if (data + 20 > end)
		return 1;
#ifdef BROKEN
	data[1] = 0;
	return 1;
#else
	return data[1] != 0xff;
#endif
}
char LICENSE[] SEC("license") = "GPL";
