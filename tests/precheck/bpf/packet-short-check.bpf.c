// KERNEL: bounds
// The packet checked for 14 bytes, byte 23 (the IPv4 protocol) read:
// "invalid access to packet, off=23 size=1". Without -DBROKEN, 34 bytes
// are checked.
#include "common.h"

SEC("tc")
int ipproto(struct __sk_buff *skb)
{
	unsigned char *data = (unsigned char *)(long)skb->data;
	unsigned char *end = (unsigned char *)(long)skb->data_end;
#ifdef BROKEN
	int need = 14;
#else
	int need = 34;
#endif

	if (data + need > end)
		return 0;
	return data[23];
}
char LICENSE[] SEC("license") = "GPL";
