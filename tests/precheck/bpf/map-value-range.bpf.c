// KERNEL: bounds
// A map value of 8 bytes written at byte 16: "invalid access to map
// value, value_size=8 off=16 size=8". Without -DBROKEN, at byte 0.
#include "common.h"

SEC("syscall")
int poke(void *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&values, &key);

	if (!v)
		return 0;
#ifdef BROKEN
	v[2] = 5;
#else
	v[0] = 5;
#endif
	return 1;
}
char LICENSE[] SEC("license") = "GPL";
