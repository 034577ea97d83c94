/* What the clang-built precheck cases share: uapi types and libbpf's
 * SEC() and helper declarations (built with -idirafter for asm/types.h). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");
