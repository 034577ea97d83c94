// A stack trace map's value is a whole number of u64 return addresses.
#include "wasm2bpf_sdk.h"
W2B_MAP_DEF(stacks, BPF_MAP_TYPE_STACK_TRACE, 4, 12, 64, 0u, LIBBPF_PIN_NONE);
W2B_TRACING("raw_tp/sys_enter", f, w2b_kptr regs, w2b_u64 id)
{
	(void)regs;
	(void)id;
	bpf_get_stackid(&stacks, 0);
}
