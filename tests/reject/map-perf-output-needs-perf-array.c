// bpf_perf_event_output writes to a perf event array; a ring buffer has
// its own helper (ringbuf_output).
#include "wasm2bpf_sdk.h"
W2B_RINGBUF(events, 4096);
static w2b_u32 event;
W2B_PROGRAM("tc", f)
{
	return (int)bpf_perf_event_output(&events, BPF_F_CURRENT_CPU, &event, sizeof(event));
}
