// KERNEL: type
// A packet pointer kept across bpf_skb_store_bytes, which may move the
// packet: the kernel forgets every packet pointer at the call, so the
// read through the old one is "invalid mem access 'scalar'". Without
// -DBROKEN, data and data_end are read again from the context after the
// call, as wasm2bpf's own code does.
#include "common.h"

SEC("tc")
int rewrite(struct __sk_buff *skb)
{
	unsigned char *data = (unsigned char *)(long)skb->data;
	unsigned char *end = (unsigned char *)(long)skb->data_end;
	unsigned char mark = 0x11;

	if (data + 14 > end)
		return 0;
	bpf_skb_store_bytes(skb, 0, &mark, 1, 0);
#ifndef BROKEN
	data = (unsigned char *)(long)skb->data;
	end = (unsigned char *)(long)skb->data_end;
	if (data + 14 > end)
		return 0;
#endif
	return data[12];
}
char LICENSE[] SEC("license") = "GPL";
