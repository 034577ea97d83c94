/*
 * run.c — `wasm2bpf run`: compile, load into the kernel, call.
 *
 *     wasm2bpf run fac.wasm --invoke fac i64:20
 *     i64:2432902008176640000
 *
 * The module is compiled with the invoked export as a `syscall` entry (or,
 * with --all-exports, every export), loaded through libbpf, and each call
 * is one BPF_PROG_TEST_RUN with the context of docs/abi.md: parameters in,
 * status and results out. Nothing is simulated: the kernel's verifier
 * checks the program and the kernel runs it.
 *
 * Batch mode (--batch) serves the spec test runner: the object is loaded
 * once and calls are read from stdin, one per line,
 *
 *     invoke HEXNAME TYPE:VALUE ...     ->  ok TYPE:VALUE ... | trap MESSAGE | error MESSAGE
 *     stats HEXNAME                     ->  ok verified_insns=N xlated_insns=M
 *
 *     packet HEXNAME HEXBYTES           ->  ok i32:VERDICT [packet:HEX] | trap MESSAGE | error MESSAGE
 *
 * where HEXNAME is the export name's bytes in hex (names may hold any
 * UTF-8). Before `ready` it lists the exports it left out:
 * `skip HEXNAME REASON`.
 *
 * Packet entries (xdp, tc, cgroup_skb) run on a packet (`--packet HEX`, or
 * `packet` in batch mode) and their result is the program's verdict,
 * followed by ` packet:HEX` (the kernel's data_out) when the program
 * changed the packet's bytes or length. A
 * trap there is the entry's trap action, so whether one happened is read
 * from the object's PREFIX_traps map, before and after the run.
 *
 * A trap's location (function and Wasm offset) is in the env value of the
 * CPU the run was made on (the trap word, common/abi.h): the process pins
 * itself to the CPU it starts on (run_cpu), the runs are made there, and
 * the trap word is read from that CPU's instance. `--invoke` prints it
 * after the message; the batch protocol does not.
 *
 * Each BPF_PROG_TEST_RUN is made by a child process, the worker
 * (test_run()). A process inside that syscall cannot die until the kernel
 * returns, and a loop with a large fuel bound runs for seconds there (or
 * minutes: docs/cli.md): had the run been ours, `kill -9` would wait for
 * it and `timeout` would find its command still alive. The worker is the
 * one that waits; this process stays in read(), on another CPU, where any
 * signal reaches it at once, and the worker dies with it
 * (PR_SET_PDEATHSIG) as soon as the kernel lets go of it.
 */
#include <sched.h>	/* sched_getcpu, CPU_SET: _GNU_SOURCE is the build's */

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/abi.h"
#include "common/diag.h"
#include "common/trap_kinds.h"
#include "verifier-check/vcheck.h"

/* Parses "i32:VALUE" / "i64:VALUE" (unsigned bit pattern or signed decimal). */
static int parse_arg(const char *s, uint8_t type, uint64_t *out)
{
	const char *want = type == W2B_I32 ? "i32:" : "i64:";
	char *end;

	if (strncmp(s, want, 4) != 0)
		return -1;
	s += 4;
	errno = 0;
	if (s[0] == '-') {
		long long v = strtoll(s, &end, 0);

		if (type == W2B_I32 && v < INT32_MIN)
			return -1;
		*out = (uint64_t)v;
	} else {
		unsigned long long v = strtoull(s, &end, 0);

		if (type == W2B_I32 && v > UINT32_MAX)
			return -1;
		*out = v;
	}
	if (errno || end == s || *end)
		return -1;
	if (type == W2B_I32)
		*out &= 0xffffffffu;
	return 0;
}

/* A packet as the program left it (the kernel's data_out). */
struct packet_out {
	uint8_t bytes[65536];
	size_t len;
};

static const char *type_name(uint8_t t)
{
	return t == W2B_I32 ? "i32" : "i64";
}

static int run_counting_traps(struct vc_object *obj, const struct w2b_output *out,
			      const struct w2b_entry_info *e, void *ctx, size_t ctx_size,
			      const void *data, size_t data_size, struct packet_out *po,
			      uint32_t *retval, unsigned *trap, char *msg, size_t msgsz,
			      struct diag_sink *d);

static int test_run(struct vc_object *obj, const char *symbol, void *ctx, size_t ctx_size,
		    const void *data, size_t data_size, void *data_out, size_t *data_out_size,
		    uint32_t *retval, struct diag_sink *d);

struct call {
	const struct w2b_output *out;
	const struct w2b_entry_info *e;
	uint64_t *results;
	unsigned trap;		/* 0 or a trap code */
	char msg[256];		/* error text when the call could not be made */
};

/* Runs one call; 0 (results or trap in c) or -1 (c->msg says why). */
static int do_call(struct vc_object *obj, struct call *c, char **args, size_t nargs,
		   struct diag_sink *d)
{
	const struct w2b_entry_info *e = c->e;
	bool args_abi = e->abi == W2B_ABI_ARGS;
	size_t size = args_abi ? 8 * (e->nparams ? e->nparams : 1) :
		      W2B_SYSCALL_CTX_SIZE(e->nparams, e->nresults);
	uint8_t *ctx = calloc(1, size);
	uint32_t retval = 0, status;
	int err;

	if (!ctx)
		abort();
	/* the kernel test-runs raw tracepoints (their arguments are the
	 * context), not tp_btf, fentry/fexit or probes */
	if (e->abi != W2B_ABI_SLOTS && !args_abi) {
		snprintf(c->msg, sizeof(c->msg), "'%s' in section '%s': the kernel does not test-run "
			 "this program type (attach it: docs/abi.md)", e->export_name, e->section);
		free(ctx);
		return -1;
	}
	if (nargs != e->nparams) {
		snprintf(c->msg, sizeof(c->msg), "'%s' takes %u arguments, %zu given",
			 e->export_name, e->nparams, nargs);
		free(ctx);
		return -1;
	}
	for (uint32_t k = 0; k < e->nparams; k++) {
		uint64_t v;

		if (parse_arg(args[k], e->param_types[k], &v)) {
			snprintf(c->msg, sizeof(c->msg), "argument %u: expected %s:VALUE, got '%s'",
				 k + 1, type_name(e->param_types[k]), args[k]);
			free(ctx);
			return -1;
		}
		memcpy(ctx + (args_abi ? 0 : W2B_SYSCALL_CTX_SLOTS) + 8 * k, &v, 8);
	}
	if (args_abi) {
		/* the result is the program's return value; a trap counts */
		err = run_counting_traps(obj, c->out, e, ctx, size, NULL, 0, NULL, &retval,
					 &c->trap, c->msg, sizeof(c->msg), d);
		free(ctx);
		if (!err && e->nresults)
			c->results[0] = retval;
		return err;
	}
	err = test_run(obj, e->symbol, ctx, size, NULL, 0, NULL, NULL, &retval, d);
	if (err) {
		snprintf(c->msg, sizeof(c->msg), "BPF_PROG_TEST_RUN failed: %s", strerror(-err));
		free(ctx);
		return -1;
	}
	memcpy(&status, ctx + W2B_SYSCALL_CTX_STATUS, 4);
	c->trap = status;
	for (uint32_t k = 0; k < e->nresults; k++) {
		memcpy(&c->results[k], ctx + W2B_SYSCALL_CTX_SLOTS + 8 * (e->nparams + k), 8);
		if (e->result_types[k] == W2B_I32)
			c->results[k] &= 0xffffffffu;
	}
	free(ctx);
	return 0;
}

/* --- the test run, in a child that can be abandoned ---------------------- */

/* The CPU the runs are made on (cli_run() pins the process there first),
 * or -1: the instance whose trap word trap_word() reads. */
static int run_cpu = -1;

/* The child that makes the runs: started at the first run and kept (a
 * fork per call cost a millisecond, fifty times the call); 0 if none. It
 * serves requests on its end of a socket pair until the socket closes. */
static volatile sig_atomic_t worker_pid;
static int worker_sock = -1;

/* SIGTERM or SIGINT while the worker exists: it is killed (it goes when
 * the kernel lets it) and this process dies of the signal at once, as it
 * would have without a handler. Async-signal-safe calls only. */
static void abandon_run(int sig)
{
	pid_t pid = (pid_t)worker_pid;

	if (pid > 0)
		kill(pid, SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* A request: the header, then the symbol's bytes, ctx_size bytes of
 * context and data_size bytes of packet. */
struct run_request {
	uint32_t symbol_len;
	uint8_t want_data_out;
	uint64_t ctx_size, data_size, data_out_cap;
};

/* A reply: the header, msg_len bytes of diagnostics (lines), the context
 * as the kernel wrote it back (ctx_size bytes), data_out_size bytes of
 * data_out. */
struct run_reply {
	int32_t err;
	uint32_t retval;
	uint64_t data_out_size;
	uint32_t msg_len;
};

static int recv_all(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* send(), not write(): a worker gone is EPIPE here, never a SIGPIPE that
 * would end this process. */
static int send_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t r = send(fd, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += (size_t)r;
		n -= (size_t)r;
	}
	return 0;
}

/* The worker's diagnostics, collected for the reply. */
struct msgs {
	char text[4096];
	size_t len;
};

static void collect_diag(void *user, enum diag_level level, const char *line)
{
	struct msgs *m = user;
	int n;

	(void)level;
	n = snprintf(m->text + m->len, sizeof(m->text) - m->len, "%s\n", line);
	if (n > 0)
		m->len += (size_t)n < sizeof(m->text) - m->len ? (size_t)n : sizeof(m->text) - m->len - 1;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		abort();
	return p;
}

/* The worker: a request, a run, a reply, until the socket closes. */
static void worker_loop(struct vc_object *obj, const struct diag_sink *d, int sock)
{
	for (;;) {
		struct run_request q;
		struct run_reply rep;
		struct diag_sink wd = *d;
		struct msgs m = { .len = 0 };
		char *sym;
		uint8_t *ctx, *data, *data_out;
		size_t out_size;
		bool ok;

		if (recv_all(sock, &q, sizeof(q)))
			_exit(0);
		sym = xmalloc(q.symbol_len + 1);
		ctx = xmalloc(q.ctx_size);
		data = xmalloc(q.data_size);
		data_out = xmalloc(q.data_out_cap);
		if (recv_all(sock, sym, q.symbol_len) || recv_all(sock, ctx, q.ctx_size) ||
		    recv_all(sock, data, q.data_size))
			_exit(1);
		sym[q.symbol_len] = '\0';
		wd.cb = collect_diag;
		wd.user = &m;
		out_size = q.data_out_cap;
		memset(&rep, 0, sizeof(rep));
		rep.err = vc_test_run(obj, sym, q.ctx_size ? ctx : NULL, q.ctx_size,
				      q.data_size ? data : NULL, q.data_size,
				      q.want_data_out ? data_out : NULL,
				      q.want_data_out ? &out_size : NULL, &rep.retval, &wd);
		rep.data_out_size = rep.err || !q.want_data_out ? 0 : out_size;
		rep.msg_len = (uint32_t)m.len;
		ok = !send_all(sock, &rep, sizeof(rep)) && !send_all(sock, m.text, m.len) &&
		     !send_all(sock, ctx, q.ctx_size) &&
		     !send_all(sock, data_out, rep.data_out_size);
		free(sym);
		free(ctx);
		free(data);
		free(data_out);
		if (!ok)
			_exit(1);
	}
}

/* Starts the worker. 0, or -errno. */
static int start_worker(struct vc_object *obj, const struct diag_sink *d)
{
	struct sigaction on_sig = { .sa_handler = abandon_run };
	pid_t pid, parent = getpid();
	int sv[2], err;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	/* The runs belong on the instance CPU, the one this process is
	 * pinned to (cli_run()). The kernel may not preempt a BPF program
	 * (PREEMPT_NONE, PREEMPT_VOLUNTARY): on that CPU, this process would
	 * not run, nor die of a signal, until the program ends. So this
	 * process moves to the other CPUs for good before the worker exists
	 * (a worker scheduled first could take the CPU for a whole run),
	 * and the worker moves itself back. With one CPU there is no
	 * elsewhere: then a signal takes effect when a run ends. */
	if (run_cpu >= 0 && run_cpu < CPU_SETSIZE) {
		cpu_set_t others;

		CPU_ZERO(&others);
		for (int k = 0; k < CPU_SETSIZE; k++)
			if (k != run_cpu)
				CPU_SET(k, &others);
		sched_setaffinity(0, sizeof(others), &others);	/* EINVAL: no other CPU */
	}
	fflush(stdout);
	fflush(stderr);
	/* the handlers are in place before the worker exists, so that no
	 * signal can find a worker this process does not know of */
	sigemptyset(&on_sig.sa_mask);
	sigaction(SIGTERM, &on_sig, NULL);
	sigaction(SIGINT, &on_sig, NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(sv[0]);
		close(sv[1]);
		return err;
	}
	if (pid == 0) {
		int null;

		/* dies with its parent; a parent gone before prctl() took
		 * effect would never send the signal, hence the check */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		if (run_cpu >= 0 && run_cpu < CPU_SETSIZE) {
			cpu_set_t one;

			CPU_ZERO(&one);
			CPU_SET(run_cpu, &one);
			sched_setaffinity(0, sizeof(one), &one);
		}
		/* Nothing of the caller's: a worker left holding its stdout
		 * or stderr would keep a caller that reads them to the end (a
		 * pipe) waiting until the kernel lets the worker go, after
		 * this process is gone. Diagnostics go in the replies. */
		null = open("/dev/null", O_RDWR);
		if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0 ||
		    dup2(null, STDERR_FILENO) < 0)
			_exit(1);
		close(sv[0]);
		worker_loop(obj, d, sv[1]);
	}
	close(sv[1]);
	worker_sock = sv[0];
	worker_pid = pid;
	return 0;
}

/* Ends the worker: its socket closed, it exits; waited for. */
static void stop_worker(void)
{
	pid_t pid = (pid_t)worker_pid;

	if (worker_sock >= 0)
		close(worker_sock);
	worker_sock = -1;
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	worker_pid = 0;
}

/* vc_test_run() in the worker (see the top of the file), with the same
 * arguments and results: ctx and data_out come back as the kernel left
 * them, and its diagnostics are reported here. */
static int test_run(struct vc_object *obj, const char *symbol, void *ctx, size_t ctx_size,
		    const void *data, size_t data_size, void *data_out, size_t *data_out_size,
		    uint32_t *retval, struct diag_sink *d)
{
	struct run_request q = {
		.symbol_len = (uint32_t)strlen(symbol), .want_data_out = data_out && data_out_size,
		.ctx_size = ctx ? ctx_size : 0, .data_size = data ? data_size : 0,
		.data_out_cap = data_out && data_out_size ? *data_out_size : 0,
	};
	struct run_reply rep;
	char *msg;
	int err;

	if (!worker_pid && (err = start_worker(obj, d)))
		return err;
	if (send_all(worker_sock, &q, sizeof(q)) || send_all(worker_sock, symbol, q.symbol_len) ||
	    send_all(worker_sock, ctx, q.ctx_size) || send_all(worker_sock, data, q.data_size) ||
	    recv_all(worker_sock, &rep, sizeof(rep)) || rep.data_out_size > q.data_out_cap) {
		int status = 0;
		pid_t pid = (pid_t)worker_pid;

		/* the worker is gone (killed by someone): say so, and the
		 * next run starts another */
		close(worker_sock);
		worker_sock = -1;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		worker_pid = 0;
		diag_report(d, DIAG_ERROR, NULL, "program '%s': the test run's process %s", symbol,
			    WIFSIGNALED(status) ? "was killed" : "failed");
		return -ECHILD;
	}
	msg = xmalloc((size_t)rep.msg_len + 1);
	if (recv_all(worker_sock, msg, rep.msg_len) || recv_all(worker_sock, ctx, q.ctx_size) ||
	    recv_all(worker_sock, data_out, rep.data_out_size)) {
		free(msg);
		stop_worker();
		diag_report(d, DIAG_ERROR, NULL, "program '%s': the test run's process failed", symbol);
		return -ECHILD;
	}
	msg[rep.msg_len] = '\0';
	fputs(msg, stderr);
	free(msg);
	if (!rep.err && retval)
		*retval = rep.retval;
	if (!rep.err && q.want_data_out)
		*data_out_size = (size_t)rep.data_out_size;
	return rep.err;
}

/* An fd of the program's map called `name` (its info in *mi), or -1. */
static int prog_map(int prog_fd, const char *name, struct bpf_map_info *mi)
{
	struct bpf_prog_info pi;
	uint32_t ids[16], len = sizeof(pi);

	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = 16;
	pi.map_ids = (uint64_t)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &pi, &len))
		return -1;
	for (uint32_t k = 0; k < pi.nr_map_ids && k < 16; k++) {
		uint32_t mlen = sizeof(*mi);
		int fd = bpf_map_get_fd_by_id(ids[k]);

		memset(mi, 0, sizeof(*mi));
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, mi, &mlen) && !strcmp(mi->name, name))
			return fd;
		close(fd);
	}
	return -1;
}

/* Sum over CPUs of each trap code's count in the program's PREFIX_traps
 * (out's prefix: common/abi.h). 0, or -errno. */
static int trap_counts(int prog_fd, const struct w2b_output *out, uint64_t counts[W2B_TRAP_MAX])
{
	struct bpf_map_info mi;
	struct w2b_map_names names;
	int ncpus = libbpf_num_possible_cpus(), fd;
	uint64_t *v;

	w2b_map_names(&names, out->map_prefix);
	if (ncpus <= 0 || (fd = prog_map(prog_fd, names.trap_stats, &mi)) < 0)
		return -ENOENT;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		abort();
	memset(counts, 0, sizeof(uint64_t) * W2B_TRAP_MAX);
	for (uint32_t code = 1; code < W2B_TRAP_MAX; code++)
		if (!bpf_map_lookup_elem(fd, &code, v))
			for (int c = 0; c < ncpus; c++)
				counts[code] += v[c];
	free(v);
	close(fd);
	return 0;
}

struct trap_record {
	uint64_t word, at;	/* the env's trap and trap_at (common/abi.h) */
};

/* The run CPU's trap word and trap_at (common/abi.h) in the program's
 * PREFIX_env: where the last run on it trapped, and what it accessed.
 * 0 if unknown. The runs are made on run_cpu (cli_run(), test_run()). */

static struct trap_record trap_word(int prog_fd, const struct w2b_output *out)
{
	struct bpf_map_info mi;
	struct w2b_map_names names;
	int ncpus = libbpf_num_possible_cpus(), cpu = run_cpu >= 0 ? run_cpu : sched_getcpu(), fd;
	uint32_t key = 0;
	struct trap_record t = { 0, 0 };
	size_t stride;
	uint8_t *v;

	w2b_map_names(&names, out->map_prefix);
	if (ncpus <= 0 || cpu < 0 || cpu >= ncpus || (fd = prog_map(prog_fd, names.env, &mi)) < 0)
		return t;
	stride = ((size_t)mi.value_size + 7) & ~(size_t)7;
	v = calloc((size_t)ncpus, stride);
	if (!v)
		abort();
	if (stride >= 16 && !bpf_map_lookup_elem(fd, &key, v)) {
		memcpy(&t.word, v + (size_t)cpu * stride, sizeof(t.word));
		memcpy(&t.at, v + (size_t)cpu * stride + 8, sizeof(t.at));
	}
	free(v);
	close(fd);
	return t;
}

/* ", packet: 2 bytes at offset 60, past its end": what an out of bounds
 * access accessed (the env's trap_at), or "". */
static const char *trap_what(uint64_t at, char *buf, size_t size)
{
	static const char *const region[] = { "", "memory", "packet", "map value" };
	unsigned r = W2B_TRAP_AT_REGION(at), w = W2B_TRAP_AT_WIDTH(at);
	uint64_t n = W2B_TRAP_AT_SIZE(at);

	if (!at || r == W2B_REGION_NONE)
		return "";
	if (n)
		snprintf(buf, size, ", %s: %u byte%s at offset %u of %llu%s", region[r], w,
			 w == 1 ? "" : "s", W2B_TRAP_AT_OFFSET(at), (unsigned long long)n,
			 n == W2B_TRAP_AT_SIZE_MAX ? " or more" : "");
	else
		snprintf(buf, size, ", %s: %u byte%s at offset %u, past its end", region[r], w,
			 w == 1 ? "" : "s", W2B_TRAP_AT_OFFSET(at));
	return buf;
}

/* " at func[3] 'parse', offset 0x1a2 (parse.c:42:7), packet: 2 bytes at
 * offset 60, past its end": where the trap word says, with the source
 * line when the module has them (-g), and for an out of bounds access
 * what it accessed. */
static const char *trap_where(const struct w2b_output *out, struct trap_record t, unsigned code,
			      char *buf, size_t size)
{
	size_t n;

	if (!t.word || W2B_TRAP_WORD_CODE(t.word) != code || size < 8)
		return "";
	memcpy(buf, " at ", 5);
	cli_func_offset(out, W2B_TRAP_WORD_FUNC(t.word), W2B_TRAP_WORD_OFFSET(t.word), buf + 4,
			size - 4);
	n = strlen(buf);
	trap_what(t.at, buf + n, size - n);
	return buf;
}

const char *cli_func_offset(const struct w2b_output *out, uint32_t f, uint32_t off, char *buf,
			    size_t size)
{
	const char *name = f < out->nfunc_names ? out->func_names[f] : NULL;
	char src[300];
	const char *s = w2b_source_text(out, off, src, sizeof(src));

	snprintf(buf, size, "func[%u]%s%.100s%s, offset 0x%x%s%s%s", f, name ? " '" : "",
		 name ? name : "", name ? "'" : "", off, s ? " (" : "", s ? s : "", s ? ")" : "");
	return buf;
}

/* Test-runs entry e (on the context and data given) where no status
 * word says whether it trapped (packet entries, raw tracepoints): the
 * trap is the code whose count in PREFIX_traps the run raised. 0 with
 * the program's return value in *retval and the trap code (0: none) in
 * *trap, or -1 with msg set. */
static int run_counting_traps(struct vc_object *obj, const struct w2b_output *out,
			      const struct w2b_entry_info *e, void *ctx, size_t ctx_size,
			      const void *data, size_t data_size, struct packet_out *po,
			      uint32_t *retval, unsigned *trap, char *msg, size_t msgsz,
			      struct diag_sink *d)
{
	uint64_t before[W2B_TRAP_MAX], after[W2B_TRAP_MAX];
	int fd = vc_prog_fd(obj, e->symbol), err;

	*trap = 0;
	if (fd < 0 || trap_counts(fd, out, before)) {
		snprintf(msg, msgsz, "cannot read the trap counts of '%s'", e->export_name);
		return -1;
	}
	if (po)
		po->len = sizeof(po->bytes);
	err = test_run(obj, e->symbol, ctx, ctx_size, data, data_size, po ? po->bytes : NULL,
		       po ? &po->len : NULL, retval, d);
	if (err) {
		snprintf(msg, msgsz, "BPF_PROG_TEST_RUN failed: %s", strerror(-err));
		return -1;
	}
	if (trap_counts(fd, out, after)) {
		snprintf(msg, msgsz, "cannot read the trap counts of '%s'", e->export_name);
		return -1;
	}
	for (unsigned code = 1; code < W2B_TRAP_MAX; code++)
		if (after[code] != before[code])
			*trap = code;
	return 0;
}

/* Runs a packet entry on `pkt`; 0 with the verdict in *verdict, the trap
 * code (0: none) in *trap and the packet as the program left it in *po,
 * or -1 with msg set. */
static int do_packet(struct vc_object *obj, const struct w2b_output *out,
		     const struct w2b_entry_info *e, const uint8_t *pkt, size_t len,
		     struct packet_out *po, uint32_t *verdict, unsigned *trap, char *msg,
		     size_t msgsz, struct diag_sink *d)
{
	return run_counting_traps(obj, out, e, NULL, 0, pkt, len, po, verdict, trap, msg, msgsz, d);
}

/* " packet:HEX" when the program changed the packet (bytes or length),
 * else "". */
static void print_changed_packet(const uint8_t *in, size_t len, const struct packet_out *po)
{
	if (po->len == len && !memcmp(in, po->bytes, len))
		return;
	printf(" packet:");
	for (size_t k = 0; k < po->len && k < sizeof(po->bytes); k++)
		printf("%02x", po->bytes[k]);
}

/* Decodes hex into a malloc'd buffer; NULL if malformed. */
static uint8_t *from_hex(const char *s, size_t *len)
{
	size_t n = strlen(s);
	uint8_t *b;

	if (n % 2)
		return NULL;
	b = malloc(n / 2 + 1);
	if (!b)
		abort();
	for (size_t k = 0; k < n / 2; k++) {
		unsigned v;

		if (sscanf(s + 2 * k, "%2x", &v) != 1) {
			free(b);
			return NULL;
		}
		b[k] = (uint8_t)v;
	}
	*len = n / 2;
	return b;
}

static const char *trap_text(unsigned code)
{
	const char *m = w2b_trap_message(code);

	return m ? m : "unknown trap";
}

static const struct w2b_entry_info *find_entry(const struct w2b_output *out, const char *name)
{
	for (size_t k = 0; k < out->nentries; k++)
		if (!strcmp(out->entries[k].export_name, name))
			return &out->entries[k];
	return NULL;
}

static void print_hex(FILE *f, const char *s)
{
	for (; *s; s++)
		fprintf(f, "%02x", (unsigned char)*s);
}

/* Decodes hex in place (a name: the result is a C string); -1 if malformed. */
static int unhex(char *s)
{
	size_t len;
	uint8_t *b = from_hex(s, &len);

	if (!b)
		return -1;
	memcpy(s, b, len);
	s[len] = '\0';
	free(b);
	return 0;
}

static void batch_line(struct vc_object *obj, const struct w2b_output *out, char *line,
		       struct diag_sink *d)
{
	char *words[64];
	size_t n = 0;
	char *save = NULL;

	for (char *w = strtok_r(line, " \t\r\n", &save); w && n < 64;
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (n < 2 || unhex(words[1])) {
		printf("error malformed command\n");
		return;
	}
	if (!strcmp(words[0], "stats")) {
		const struct w2b_entry_info *e = find_entry(out, words[1]);

		if (!e)
			printf("error no entry '%s'\n", words[1]);
		else
			printf("ok verified_insns=%u xlated_insns=%u\n",
			       vc_verified_insns(obj, e->symbol), vc_xlated_insns(obj, e->symbol));
		return;
	}
	if (!strcmp(words[0], "packet")) {
		const struct w2b_entry_info *e = find_entry(out, words[1]);
		char msg[256];
		uint32_t verdict;
		unsigned trap;
		size_t len;
		uint8_t *pkt = n == 3 ? from_hex(words[2], &len) : NULL;
		struct packet_out *po = malloc(sizeof(*po));

		if (!po)
			abort();

		if (!e || !pkt)
			printf("error %s\n", !e ? "no such entry" : "expected: packet HEXNAME HEXBYTES");
		else if (do_packet(obj, out, e, pkt, len, po, &verdict, &trap, msg, sizeof(msg), d))
			printf("error %s\n", msg);
		else if (trap)
			printf("trap %s\n", trap_text(trap));
		else {
			printf("ok i32:%u", verdict);
			print_changed_packet(pkt, len, po);
			printf("\n");
		}
		free(pkt);
		free(po);
		return;
	}
	if (!strcmp(words[0], "invoke")) {
		struct call c = { 0 };
		uint64_t results[64];

		c.out = out;
		c.e = find_entry(out, words[1]);
		c.results = results;
		if (!c.e) {
			printf("error no entry '%s'\n", words[1]);
			return;
		}
		if (c.e->nresults > 64) {
			printf("error too many results\n");
			return;
		}
		if (do_call(obj, &c, words + 2, n - 2, d)) {
			printf("error %s\n", c.msg);
			return;
		}
		if (c.trap) {
			printf("trap %s\n", trap_text(c.trap));
			return;
		}
		fputs("ok", stdout);
		for (uint32_t k = 0; k < c.e->nresults; k++)
			printf(" %s:%" PRIu64, type_name(c.e->result_types[k]), results[k]);
		fputc('\n', stdout);
		return;
	}
	printf("error unknown command '%s'\n", words[0]);
}

int cli_run(struct cli_opts *c)
{
	struct w2b_output *out = NULL;
	struct vc_object *obj;
	struct diag_sink d;
	struct w2b_entry_spec spec;
	int err, status = W2B_EXIT_OK;

	diag_init(&d, c->input);
	{
		cpu_set_t one;
		int cpu = sched_getcpu();

		CPU_ZERO(&one);
		if (cpu >= 0 && cpu < CPU_SETSIZE) {
			CPU_SET(cpu, &one);
			if (!sched_setaffinity(0, sizeof(one), &one))
				run_cpu = cpu;
		}
	}
	if (c->compile.emit != W2B_EMIT_OBJ) {
		fprintf(stderr, "wasm2bpf: error: run needs --emit=obj\n");
		return W2B_EXIT_FAILURE;
	}
	if (!c->batch && !c->invoke) {
		fprintf(stderr, "wasm2bpf: error: run needs --invoke FUNC or --batch\n");
		return W2B_EXIT_FAILURE;
	}
	if (c->invoke && !c->compile.all_exports_section) {
		bool named = false;

		for (size_t k = 0; k < c->compile.nentries; k++)
			named |= !strcmp(c->compile.entries[k].export_name, c->invoke);
		/* the module's recorded entries, or else the invoked export as
		 * a syscall entry */
		if (!named && !c->compile.nentries)
			c->compile.fallback_entry = c->invoke;
		else if (!named) {
			spec = (struct w2b_entry_spec){ c->invoke, "syscall" };
			c->compile.entries = &spec;
			c->compile.nentries = 1;
		}
	}
	err = w2b_compile(c->input, &c->compile, &out);
	if (err)
		return err == -EINVAL ? W2B_EXIT_REFUSED :
		       err == -ENOTRECOVERABLE ? W2B_EXIT_ICE : W2B_EXIT_FAILURE;
	if (c->batch) {
		for (size_t k = 0; k < out->nskipped; k++) {
			fputs("skip ", stdout);
			print_hex(stdout, out->skipped[k].export_name);
			printf(" %s\n", out->skipped[k].reason);
		}
		fflush(stdout);
	}
	obj = vc_load(out->data, out->size,
		      &(struct vc_load_opts){ .sz = sizeof(struct vc_load_opts), .name = c->input },
		      &d, NULL);
	if (!obj) {
		w2b_output_free(out);
		return W2B_EXIT_FAILURE;
	}
	if (c->batch) {
		char *line = NULL;
		size_t cap = 0;

		printf("ready\n");
		fflush(stdout);
		while (getline(&line, &cap, stdin) > 0) {
			batch_line(obj, out, line, &d);
			fflush(stdout);
		}
		free(line);
	} else {
		struct call call = { 0 };
		uint64_t results[64];

		call.out = out;
		call.e = find_entry(out, c->invoke);
		call.results = results;
		if (!call.e || call.e->nresults > 64) {
			fprintf(stderr, "wasm2bpf: error: no entry '%s'\n", c->invoke);
			status = W2B_EXIT_FAILURE;
		} else if (c->packet) {
			char msg[256];
			uint32_t verdict;
			unsigned trap;
			size_t len;
			uint8_t *pkt = from_hex(c->packet, &len);
			struct packet_out *po = malloc(sizeof(*po));

			if (!po)
				abort();
			if (!pkt) {
				fprintf(stderr, "wasm2bpf: error: --packet: expected hex bytes\n");
				status = W2B_EXIT_FAILURE;
			} else if (do_packet(obj, out, call.e, pkt, len, po, &verdict, &trap, msg,
					     sizeof(msg), &d)) {
				fprintf(stderr, "%s: error: %s\n", c->input, msg);
				status = W2B_EXIT_FAILURE;
			} else if (trap) {
				char where[512];

				printf("trap: %s%s\n", trap_text(trap),
				       trap_where(out, trap_word(vc_prog_fd(obj, call.e->symbol), out), trap,
						  where, sizeof(where)));
				status = W2B_EXIT_TRAP;
			} else {
				printf("i32:%u", verdict);
				print_changed_packet(pkt, len, po);
				printf("\n");
			}
			free(pkt);
			free(po);
		} else if (do_call(obj, &call, c->args, c->nargs, &d)) {
			fprintf(stderr, "%s: error: %s\n", c->input, call.msg);
			status = W2B_EXIT_FAILURE;
		} else if (call.trap) {
			char where[512];

			printf("trap: %s%s\n", trap_text(call.trap),
			       trap_where(out, trap_word(vc_prog_fd(obj, call.e->symbol), out), call.trap,
					  where, sizeof(where)));
			status = W2B_EXIT_TRAP;
		} else {
			for (uint32_t k = 0; k < call.e->nresults; k++)
				printf("%s:%" PRIu64 "\n", type_name(call.e->result_types[k]), results[k]);
		}
	}
	stop_worker();
	vc_close(obj);
	w2b_output_free(out);
	return status;
}
