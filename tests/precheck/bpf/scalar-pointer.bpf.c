// KERNEL: type
// A number from the context used as an address: "R1 invalid mem access
// 'scalar'". Without -DBROKEN, the number is only compared.
#include "common.h"

SEC("tc")
int mark(struct __sk_buff *skb)
{
#ifdef BROKEN
	return *(volatile int *)(long)skb->mark;
#else
	return skb->mark > 7;
#endif
}
char LICENSE[] SEC("license") = "GPL";
