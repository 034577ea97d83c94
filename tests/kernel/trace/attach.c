/*
 * attach.c — the userspace half of the kernel_trace test: a wasm2bpf
 * tracing program attached to the running kernel, as libbpf attaches
 * clang's.
 *
 *     trace_attach exec_seen.bpf.o
 *
 * Loads exec_seen.bpf.o (tests/kernel/trace/exec_seen.c through
 * wasm2bpf), attaches its tp_btf/sched_process_exec program with libbpf's
 * bpf_program__attach() (the section names the tracepoint), then runs
 * /bin/true, /bin/echo and /bin/sleep 0 as children, and checks that the
 * map `seen` has each child's pid: one exec, old_pid and tgid equal to
 * the pid, its parent's tgid (read through CO-RE) this process's pid, and
 * the comm of the command; and the tracepoint program's map `tp_seen` has
 * the pid with old_pid equal to it (read from the event's record). After
 * detaching, one more child must not be seen. Then a uprobe and a
 * uretprobe on a function of this program (check_uprobes()).
 *
 * Exit 0 when every check passes, 1 otherwise; the closing line is
 * "trace: N passed, M failed".
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "expect.h"

struct exec_info {
	uint64_t execs;
	uint32_t old_pid;
	uint32_t tgid;
	uint32_t ppid;
	uint32_t has_pid_field;
	char comm[16];
};

/* What exec_seen.c's uprobe and uretprobe watch: a call the compiler
 * may not inline or fold. */
__attribute__((noinline, used)) int w2b_uprobe_target(int a, int b)
{
	__asm__ volatile("" ::: "memory");
	return a * b + 1;
}

/* Attaches exec_seen.c's on_call and on_return to w2b_uprobe_target in
 * this executable, calls it with (6, 7), and checks what they saw. */
static void check_uprobes(struct bpf_object *obj)
{
	LIBBPF_OPTS(bpf_uprobe_opts, entry, .func_name = "w2b_uprobe_target", .retprobe = false);
	LIBBPF_OPTS(bpf_uprobe_opts, exit, .func_name = "w2b_uprobe_target", .retprobe = true);
	struct bpf_program *call = bpf_object__find_program_by_name(obj, "on_call");
	struct bpf_program *ret = bpf_object__find_program_by_name(obj, "on_return");
	struct bpf_link *l1 = call ? bpf_program__attach_uprobe_opts(call, getpid(), "/proc/self/exe", 0, &entry) : NULL;
	struct bpf_link *l2 = ret ? bpf_program__attach_uprobe_opts(ret, getpid(), "/proc/self/exe", 0, &exit) : NULL;
	int map = bpf_object__find_map_fd_by_name(obj, "probe_seen");
	uint64_t v[4] = { 0 };
	int r;

	expect("the uprobe attached to w2b_uprobe_target", l1 != NULL, 1);
	expect("the uretprobe attached to w2b_uprobe_target", l2 != NULL, 1);
	r = w2b_uprobe_target(6, 7);
	for (uint32_t k = 0; k < 4 && map >= 0; k++)
		bpf_map_lookup_elem(map, &k, &v[k]);
	expect("w2b_uprobe_target(6, 7) itself", (uint64_t)r, 43);
	expect("the uprobe saw one call", v[3], 1);
	expect("the uprobe read its arguments 6, 7 from pt_regs", v[0], 6 << 16 | 7);
	expect("the uretprobe read its return value 43 from pt_regs", v[1], 43);
	expect("bpf_get_stackid recorded the user stack (an id)", v[2] > 0, 1);
	bpf_link__destroy(l1);
	bpf_link__destroy(l2);
	w2b_uprobe_target(1, 1);
	if (map >= 0) {
		uint32_t k = 3;

		bpf_map_lookup_elem(map, &k, &v[3]);
	}
	expect("after detaching, the uprobe does not see a call", v[3], 1);
}

/* Runs path with argv in a child; its pid, or -1. */
static pid_t run(const char *path, char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execv(path, argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return pid;
}

int main(int argc, char **argv)
{
	static char *const true_argv[] = { "true", NULL };
	static char *const echo_argv[] = { "echo", "-n", NULL };
	static char *const sleep_argv[] = { "sleep", "0", NULL };
	static const struct { const char *path, *comm; char *const *argv; } cmds[] = {
		{ "/bin/true", "true", true_argv },
		{ "/bin/echo", "echo", echo_argv },
		{ "/bin/sleep", "sleep", sleep_argv },
	};
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link, *tp_link;
	struct bpf_program *tp;
	int tp_map;
	uint32_t old_pid;
	struct exec_info info;
	int map;
	pid_t pid;

	if (argc != 2) {
		fprintf(stderr, "usage: trace_attach exec_seen.bpf.o\n");
		return 2;
	}
	/* a tracepoint attaches through tracefs, which a fresh machine may not
	 * have mounted */
	{
		struct stat st;

		if (stat("/sys/kernel/tracing/events", &st))
			mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "trace_attach: cannot load %s\n", argv[1]);
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "on_exec");
	map = bpf_object__find_map_fd_by_name(obj, "seen");
	expect("on_exec is a tracing program (BPF_PROG_TYPE_TRACING)",
	       prog ? bpf_program__type(prog) : 0, BPF_PROG_TYPE_TRACING);
	expect("its attach type is BPF_TRACE_RAW_TP",
	       prog ? bpf_program__expected_attach_type(prog) : 0, BPF_TRACE_RAW_TP);
	link = prog ? bpf_program__attach(prog) : NULL;
	expect("bpf_program__attach() attached it", link != NULL, 1);
	tp = bpf_object__find_program_by_name(obj, "tp_exec");
	tp_map = bpf_object__find_map_fd_by_name(obj, "tp_seen");
	expect("tp_exec is a tracepoint program", tp ? bpf_program__type(tp) : 0,
	       BPF_PROG_TYPE_TRACEPOINT);
	tp_link = tp ? bpf_program__attach(tp) : NULL;
	expect("the tracepoint program attached (tracefs mounted)", tp_link != NULL, 1);
	if (!link || map < 0) {
		printf("trace: %d passed, %d failed\n", passed, failed + 1);
		return 1;
	}
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		char what[96];

		pid = run(cmds[k].path, cmds[k].argv);
		memset(&info, 0, sizeof(info));
		snprintf(what, sizeof(what), "%s: its pid is in the map", cmds[k].path);
		expect(what, pid > 0 && !bpf_map_lookup_elem(map, &pid, &info), 1);
		snprintf(what, sizeof(what), "%s: exec'd once", cmds[k].path);
		expect(what, info.execs, 1);
		snprintf(what, sizeof(what), "%s: the tracepoint's old_pid is its pid", cmds[k].path);
		expect(what, info.old_pid, (uint64_t)pid);
		snprintf(what, sizeof(what), "%s: bpf_get_current_pid_tgid()'s tgid is its pid", cmds[k].path);
		expect(what, info.tgid, (uint64_t)pid);
		snprintf(what, sizeof(what), "%s: task->real_parent->tgid (CO-RE) is this process",
			 cmds[k].path);
		expect(what, info.ppid, (uint64_t)getpid());
		snprintf(what, sizeof(what), "%s: the kernel's task_struct has 'pid' (CO-RE exists)",
			 cmds[k].path);
		expect(what, info.has_pid_field, 1);
		old_pid = 0;
		snprintf(what, sizeof(what), "%s: the tracepoint record's old_pid (CO-RE) is its pid",
			 cmds[k].path);
		expect(what, tp_map >= 0 && !bpf_map_lookup_elem(tp_map, &pid, &old_pid) ?
		       old_pid : 0, (uint64_t)pid);
		snprintf(what, sizeof(what), "%s: the comm after exec is '%s' (got '%.16s')",
			 cmds[k].path, cmds[k].comm, info.comm);
		expect(what, strncmp(info.comm, cmds[k].comm, sizeof(info.comm)) == 0, 1);
	}
	bpf_link__destroy(link);
	bpf_link__destroy(tp_link);
	check_uprobes(obj);
	pid = run(cmds[0].path, cmds[0].argv);
	expect("after detaching, an exec is not seen",
	       pid > 0 && bpf_map_lookup_elem(map, &pid, &info) != 0, 1);
	bpf_object__close(obj);
	printf("trace: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
