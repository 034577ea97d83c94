// Tracing helpers that take the program's context (the compiler passes
// it: the Wasm calls have no argument for it), test-run as raw
// tracepoints in the process that runs the test, and loaded (not run) in
// the program types that cannot be test-run.
//
// stack_bytes: bpf_get_stack writes the kernel stack of the test run into
// the module's memory: a positive whole number of u64 addresses, each a
// kernel text address (top bit set); 1 if all of that holds.
// INVOKE: stack_bytes i64:0 i64:0 => i32:1
// stack_id: bpf_get_stackid stores the stack in a stack_trace map and
// returns its id (>= 0: 1); the next run, the same stack, gets the same
// id (2). (Two calls in one run are two stacks: the program's own frame,
// the call site, is in them.)
// INVOKE: stack_id i64:0 i64:0 => i32:1
// INVOKE: stack_id i64:0 i64:0 => i32:2
// perf_out: bpf_perf_event_output to a perf event array nobody opened a
// buffer in: -ENOENT (-2) from the kernel's lookup of this CPU's entry.
// INVOKE: perf_out i64:0 i64:0 => i32:4294967294
// signal: bpf_send_signal(0) to the process running the test: signal 0
// is the kernel's permission check alone (nothing is delivered): 0.
// INVOKE: signal i64:0 i64:0 => i32:0
// The kprobe entry's bpf_get_stackid and the perf_event entry's
// bpf_get_stack get their own program types' contexts (pt_regs, struct
// bpf_perf_event_data); both load.
// ARGS: --entry stack_bytes=raw_tp/sys_enter --entry stack_id=raw_tp/sys_enter --entry perf_out=raw_tp/sys_enter --entry signal=raw_tp/sys_enter --entry probe=kprobe/do_nanosleep --entry sample=perf_event
#include "wasm2bpf_sdk.h"

W2B_STACK_TRACE(stacks, 32, 64);
W2B_PERF_EVENT_ARRAY(events);

static w2b_u64 frames[32];

W2B_EXPORT("stack_bytes") int stack_bytes(w2b_u64 regs, w2b_u64 id)
{
	long n = bpf_get_stack(frames, sizeof(frames), 0);

	(void)regs;
	(void)id;
	if (n <= 0 || n % 8)
		return 0;
	for (long k = 0; k < n / 8; k++)
		if (!(frames[k] >> 63))
			return 0;
	return 1;
}

static long last_id = -1;

W2B_EXPORT("stack_id") int stack_id(w2b_u64 regs, w2b_u64 id)
{
	long a = bpf_get_stackid(&stacks, 0);
	int r = (a >= 0) + (a >= 0 && a == last_id);

	(void)regs;
	(void)id;
	last_id = a;
	return r;
}

static struct {
	w2b_u32 pid, what;
} event = { 1, 2 };

W2B_EXPORT("perf_out") int perf_out(w2b_u64 regs, w2b_u64 id)
{
	(void)regs;
	(void)id;
	return (int)bpf_perf_event_output(&events, BPF_F_CURRENT_CPU, &event, sizeof(event));
}

W2B_EXPORT("signal") int signal(w2b_u64 regs, w2b_u64 id)
{
	(void)regs;
	(void)id;
	return (int)bpf_send_signal(0);
}

W2B_EXPORT("probe") int probe(w2b_u64 rqtp)
{
	(void)rqtp;
	return bpf_get_stackid(&stacks, 0) < 0;
}

W2B_EXPORT("sample") int sample(w2b_u64 ctx)
{
	(void)ctx;
	return bpf_get_stack(frames, sizeof(frames), 0) < 0;
}
