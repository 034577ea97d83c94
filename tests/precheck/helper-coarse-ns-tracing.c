// KERNEL: helper
// A C function run as a syscall program that reads the coarse clock,
// which only networking program types may call: "unknown func
// bpf_ktime_get_coarse_ns#160".
#include "wasm2bpf_sdk.h"

W2B_MAP(last, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 1);

W2B_SECTION(stamp, "syscall");
W2B_EXPORT("stamp") w2b_u64 stamp(w2b_u32 slot)
{
	w2b_u32 key = 0;
	w2b_u64 *v = bpf_map_lookup_elem(&last, &key);
	w2b_u64 now = bpf_ktime_get_coarse_ns();

	if (v)
		*v = now + slot;
	return now;
}
