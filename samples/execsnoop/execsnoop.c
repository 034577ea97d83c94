/*
 * execsnoop.c — every exec on the system as an event: pid, parent pid,
 * uid, the new program's comm and the file it exec'd.
 *
 * A tp_btf program on the tracepoint sched_process_exec (its arguments:
 * the task, its old pid, the binprm). The parent pid and the file name
 * are read from kernel structs by name (task->real_parent->tgid,
 * bprm->filename) through CO-RE, so the same object reads the right
 * offsets on any kernel with BTF; the event goes to the ring buffer
 * `events`, which execsnoop_consume.c (built beside it) prints.
 */
#include "wasm2bpf_sdk.h"

/* One exec (the layout execsnoop_consume.c reads: 176 bytes). */
struct exec_event {
	w2b_u32 pid;
	w2b_u32 ppid;
	w2b_u32 uid;
	w2b_u32 old_pid;
	char comm[16];
	char filename[144];
	w2b_u64 time_ns;
};

W2B_RINGBUF(events, 256 * 1024);

W2B_TRACING("tp_btf/sched_process_exec", execsnoop, w2b_kptr task, w2b_u32 old_pid, w2b_kptr bprm)
{
	struct exec_event ev;

	/* every byte is written below: comm NUL-padded by the helper, the
	 * file name up to its NUL (the consumer stops there) */
	ev.pid = (w2b_u32)(bpf_get_current_pid_tgid() >> 32);
	ev.ppid = w2b_core_u32(task, task_struct, real_parent->tgid);
	ev.uid = (w2b_u32)bpf_get_current_uid_gid();
	ev.old_pid = old_pid;
	ev.time_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(ev.comm, sizeof(ev.comm));
	bpf_probe_read_kernel_str(ev.filename, sizeof(ev.filename),
				  w2b_core_kptr(bprm, linux_binprm, filename));
	bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);
}
