// KERNEL: type
// A number passed where bpf_map_lookup_elem wants a map: "R1 type=scalar
// expected=map_ptr". Without -DBROKEN, the map.
#include "common.h"

SEC("tc")
int lookup(struct __sk_buff *skb)
{
	__u32 key = 0;
#ifdef BROKEN
	void *map = (void *)(long)skb->mark;
#else
	void *map = &values;
#endif
	__u64 *v = bpf_map_lookup_elem(map, &key);

	return v ? (int)*v : 0;
}
char LICENSE[] SEC("license") = "GPL";
