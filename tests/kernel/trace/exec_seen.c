/*
 * exec_seen.c — a tp_btf program on every exec of the system (the
 * tracepoint sched_process_exec): for the pid that exec'd, how many times,
 * its comm after the exec, the tracepoint's old_pid argument, and its
 * parent's tgid read from the task through CO-RE (task->real_parent->tgid,
 * relocated by libbpf for the running kernel). Beside it, a classic
 * tracepoint program on the same event (tracepoint/sched/...), whose one
 * parameter is the event's record, read through CO-RE as the kernel's
 * struct trace_event_raw_sched_process_exec. Loaded and attached by
 * attach.c, which runs known commands and looks for them.
 */
#include "wasm2bpf_sdk.h"

struct exec_info {
	w2b_u64 execs;
	w2b_u32 old_pid;	/* the tracepoint's second argument */
	w2b_u32 tgid;
	w2b_u32 ppid;		/* task->real_parent->tgid */
	w2b_u32 has_pid_field;	/* w2b_core_exists(task_struct, pid) */
	char comm[16];
};

W2B_MAP(seen, BPF_MAP_TYPE_HASH, w2b_u32, struct exec_info, 4096);

W2B_TRACING("tp_btf/sched_process_exec", on_exec, w2b_kptr task, w2b_u32 old_pid, w2b_kptr bprm)
{
	w2b_u64 id = bpf_get_current_pid_tgid();
	w2b_u32 pid = (w2b_u32)id;
	struct exec_info *e = bpf_map_lookup_elem(&seen, &pid);
	struct exec_info fresh = { 0 };
	char comm[16];

	(void)bprm;
	if (!e) {
		bpf_map_update_elem(&seen, &pid, &fresh, BPF_NOEXIST);
		e = bpf_map_lookup_elem(&seen, &pid);
		if (!e)
			return;
	}
	e->execs += 1;
	e->old_pid = old_pid;
	e->tgid = (w2b_u32)(id >> 32);
	e->ppid = w2b_core_u32(task, task_struct, real_parent->tgid);
	e->has_pid_field = w2b_core_exists(task_struct, pid);
	/* into the module's memory (a helper's buffer is there), then the
	 * value */
	bpf_get_current_comm(comm, sizeof(comm));
	__builtin_memcpy(e->comm, comm, sizeof(comm));
}

/* pid -> old_pid, as the tracepoint's record has them */
W2B_MAP(tp_seen, BPF_MAP_TYPE_HASH, w2b_u32, w2b_u32, 4096);

W2B_TRACING("tracepoint/sched/sched_process_exec", tp_exec, w2b_kptr record)
{
	w2b_u32 pid = w2b_core_u32(record, trace_event_raw_sched_process_exec, pid);
	w2b_u32 old_pid = w2b_core_u32(record, trace_event_raw_sched_process_exec, old_pid);

	bpf_map_update_elem(&tp_seen, &pid, &old_pid, BPF_ANY);
}

/* A uprobe and a uretprobe on attach.c's own w2b_uprobe_target(a, b),
 * which returns a * b + 1: the arguments from pt_regs' argument
 * registers, the return value from its return register. The uprobe also
 * records the user stack through bpf_get_stackid (a helper that takes
 * the program's context, pt_regs here): probe_seen[0] = a << 16 | b,
 * [1] = the return value, [2] = the stack id + 1 (0: none), [3] calls. */
W2B_MAP(probe_seen, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);
W2B_STACK_TRACE(user_stacks, 16, 64);

static void probe_store(w2b_u32 k, w2b_u64 v)
{
	bpf_map_update_elem(&probe_seen, &k, &v, BPF_ANY);
}

W2B_TRACING("uprobe//proc/self/exe:w2b_uprobe_target", on_call, w2b_u32 a, w2b_u32 b)
{
	w2b_u32 k = 3;
	w2b_u64 *calls = bpf_map_lookup_elem(&probe_seen, &k);
	long id = bpf_get_stackid(&user_stacks, BPF_F_USER_STACK);

	probe_store(0, (w2b_u64)a << 16 | b);
	probe_store(2, id >= 0 ? (w2b_u64)id + 1 : 0);
	if (calls)
		*calls += 1;
}

W2B_TRACING("uretprobe//proc/self/exe:w2b_uprobe_target", on_return, w2b_u32 ret)
{
	probe_store(1, ret);
}
