// bpf_get_stackid stores the stack in a stack_trace map; a hash map is
// refused, naming the type it takes.
#include "wasm2bpf_sdk.h"
W2B_MAP(stacks, BPF_MAP_TYPE_HASH, w2b_u32, w2b_u64, 64);
W2B_TRACING("raw_tp/sys_enter", f, w2b_kptr regs, w2b_u64 id)
{
	(void)regs;
	(void)id;
	bpf_get_stackid(&stacks, 0);
}
