/*
 * load.c — hand an emitted object to the kernel and report what it said.
 *
 * The common case is a successful load, and it should cost nothing but the
 * load: no verifier log is requested (log_level 0), because asking for one
 * makes the kernel format a line per instruction it explores, and a log is
 * of no use when the program is accepted. libbpf already has the policy we
 * want: when a load at log_level 0 fails, it loads that one program again
 * at log_level 1 into the buffer it was given. So we give it one buffer for
 * the whole object (bpf_object_open_opts.kernel_log_buf). Programs are loaded
 * in order and libbpf stops at the first one the kernel rejects, so after a
 * failure the buffer holds exactly that program's log. The buffer is 16 MiB,
 * allocated with calloc: glibc serves that from fresh mmap'd pages, which
 * stay untouched (and cost no memory) unless the kernel writes a log.
 *
 * libbpf does not say which program failed in its return value; it says so
 * in a warning ("prog 'x': BPF program load failed: ..."), and by the time
 * bpf_object__load() returns it has closed every program fd, so the fds can't
 * tell either. We therefore route libbpf's printing through our own callback
 * for the duration of vc_load() and read the name from that warning. The
 * callback also keeps libbpf quiet: by default its messages are dropped (the
 * user gets one diagnostic from us instead of libbpf's dump), and with
 * W2B_LIBBPF_DEBUG=1 (2 for debug messages too) they are forwarded to the
 * diagnostic sink as notes. libbpf's print hook is process-wide and has no
 * user pointer, so the state of the load in progress is thread-local, and
 * outside vc_load() the callback forwards to whatever hook was installed
 * before us: embedding wasm2bpf does not silence the embedder's libbpf.
 *
 * Running a program is BPF_PROG_TEST_RUN. `syscall` programs are special
 * there: the kernel copies their context back into ctx_in itself and refuses
 * ctx_out, data, repeat and flags, so for them only ctx_in is passed.
 * Packet programs get the packet as data_in, and the kernel wants at least
 * an Ethernet header (14 bytes) of it (bpf_test_init()); what the program
 * then sees depends on its type: XDP and TC (SCHED_CLS) see the whole
 * frame from the Ethernet header, while cgroup_skb sees it from the
 * network header, as on a socket's path (14 bytes fewer; the kernel's test
 * run strips the Ethernet header it parsed). A test-run packet is always
 * linear, unlike real traffic (emit_entry.c).
 *
 * libbpf 1.1 (Debian 12) predates tcx: it opens `tcx/ingress` and
 * `tcx/egress` programs with no program type, and would refuse to load
 * them ("missing BPF prog type"). They are SCHED_CLS programs with the
 * expected attach type BPF_TCX_INGRESS/EGRESS, which is what a newer libbpf
 * sets, so vc_load() sets exactly that.
 *
 * Instance state. An emitted object keeps one Wasm instance per CPU (its
 * memory and mutable globals: docs/abi.md), and a syscall program's test
 * run executes on the calling thread's CPU. So that the runs of one object
 * see one instance, as a Wasm embedder's invocations would, every run of an
 * object happens on the same CPU: the one the first run was on. The thread
 * is pinned there for the run and gets its own affinity back afterwards.
 * The object's instance maps are per-CPU (a large memory too: the blocks
 * of W2B_MEMORY_MAP), so the kernel sizes them for the machine: a load
 * here is what a plain `bpftool prog load` does.
 */
#include "verifier-check/vcheck.h"

#include "common/abi.h"
#include "common/diag.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

/* Large enough for any log_level 1 log of a program under the kernel's
 * 1M-instruction limit; the kernel keeps the tail if it is not. */
#define VC_LOG_SIZE (16u << 20)
/* How much of the log the error message quotes. */
#define VC_LOG_TAIL_LINES 20

struct vc_object {
	struct bpf_object *obj;
	int cpu;		/* where the instance lives: the first run's CPU, or -1 */
	/* keep_logs: each program's symbol and log buffer */
	size_t nlogs;
	char **log_names, **logs;
};

static void free_logs(struct vc_object *o)
{
	for (size_t k = 0; k < o->nlogs; k++) {
		free(o->log_names[k]);
		free(o->logs[k]);
	}
	free(o->log_names);
	free(o->logs);
	o->nlogs = 0;
	o->log_names = o->logs = NULL;
}

/* A buffer of its own for each program's log (vc_load_opts.keep_logs). */
static int keep_logs(struct vc_object *o, struct bpf_object *bo, unsigned level)
{
	struct bpf_program *p;
	size_t n = 0;

	bpf_object__for_each_program(p, bo)
		n++;
	o->log_names = calloc(n ? n : 1, sizeof(*o->log_names));
	o->logs = calloc(n ? n : 1, sizeof(*o->logs));
	if (!o->log_names || !o->logs)
		return -ENOMEM;
	bpf_object__for_each_program(p, bo) {
		/* untouched pages cost nothing: only what the kernel writes */
		char *buf = calloc(1, VC_LOG_SIZE);
		char *name = strdup(bpf_program__name(p));

		if (!buf || !name) {
			free(buf);
			free(name);
			return -ENOMEM;
		}
		o->log_names[o->nlogs] = name;
		o->logs[o->nlogs++] = buf;
		if (bpf_program__set_log_buf(p, buf, VC_LOG_SIZE) ||
		    bpf_program__set_log_level(p, level))
			return -EINVAL;
	}
	return 0;
}

const char *vc_prog_log(struct vc_object *o, const char *symbol)
{
	for (size_t k = 0; o && symbol && k < o->nlogs; k++)
		if (!strcmp(o->log_names[k], symbol))
			return o->logs[k];
	return NULL;
}

/* libbpf-style opts access: a field is read only if the caller's struct is
 * large enough to contain it, so a caller built against an older, shorter
 * vc_load_opts keeps working. */
#define VC_OPTS_HAS(opts, field) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) + sizeof((opts)->field))
#define VC_OPTS_GET(opts, field, fallback) \
	(VC_OPTS_HAS(opts, field) ? (opts)->field : (fallback))

/* A newer caller may pass a larger struct; that is fine as long as the
 * fields we don't know are zero (the same rule as libbpf's OPTS_VALID). */
static bool opts_valid(const void *opts, size_t known, struct diag_sink *d)
{
	const unsigned char *p = opts;
	size_t sz, i;

	if (!opts)
		return true;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(size_t)) {
		diag_report(d, DIAG_ICE, NULL, "vc_load: opts.sz %zu is too small", sz);
		return false;
	}
	for (i = known; i < sz; i++) {
		if (p[i]) {
			diag_report(d, DIAG_ICE, NULL,
				    "vc_load: opts has unknown non-zero field at offset %zu", i);
			return false;
		}
	}
	return true;
}

static const char *errno_name(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EINTR: return "EINTR";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ERANGE: return "ERANGE";
	case ENOSYS: return "ENOSYS";
	case ENOTSUP: return "EOPNOTSUPP";
	case ELOOP: return "ELOOP";
	case ENODATA: return "ENODATA";
	case EPROTO: return "EPROTO";
	case 524: return "ENOTSUPP";	/* kernel-internal, leaks out of bpf() */
	}
	return NULL;
}

/* "-EINVAL"; libbpf's own codes (4000 and up) with libbpf's words for
 * them ("-4001: Invalid ELF object format"); else just the number. */
static const char *errno_str(int err, char *buf, size_t size)
{
	const char *name = errno_name(err);
	char msg[64];

	if (err > 0)
		err = -err;
	if (name)
		snprintf(buf, size, "-%s", name);
	else if (-err >= __LIBBPF_ERRNO__START &&
		 libbpf_strerror(err, msg, sizeof(msg)) == 0)
		snprintf(buf, size, "%d: %s", err, msg);
	else
		snprintf(buf, size, "%d", err);
	return buf;
}

/* ---- libbpf's print hook ------------------------------------------------ */

/* What the print hook learns during one vc_load() on this thread. */
struct vc_capture {
	struct diag_sink *d;
	int forward;		/* W2B_LIBBPF_DEBUG: 0 drop, 1 warn+info, 2 all */
	char *failed_prog;	/* malloc'd name from "prog 'x': BPF program load failed" */
	char *last_warn;	/* malloc'd last warning, for non-verifier failures */
};

static _Thread_local struct vc_capture *vc_cur;
static libbpf_print_fn_t vc_prev_print;
static pthread_once_t vc_print_once = PTHREAD_ONCE_INIT;

static char *vc_vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	char *s;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* libbpf 1.1 words the failure of a program load as
 * "libbpf: prog 'NAME': BPF program load failed: REASON". */
static char *failed_prog_name(const char *msg)
{
	static const char pre[] = "prog '", post[] = "': BPF program load failed";
	const char *p = strstr(msg, pre), *q;
	char *name;

	if (!p)
		return NULL;
	p += sizeof(pre) - 1;
	q = strstr(p, post);
	if (!q)
		return NULL;
	name = malloc((size_t)(q - p) + 1);
	if (name) {
		memcpy(name, p, (size_t)(q - p));
		name[q - p] = '\0';
	}
	return name;
}

static int vc_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	struct vc_capture *c = vc_cur;
	const char *text;
	size_t len;
	char *msg;

	if (!c) {
		if (vc_prev_print)
			return vc_prev_print(level, fmt, ap);
		return 0;
	}
	if (level == LIBBPF_DEBUG && c->forward < 2)
		return 0;
	msg = vc_vformat(fmt, ap);
	if (!msg)
		return 0;
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	text = strncmp(msg, "libbpf: ", 8) == 0 ? msg + 8 : msg;

	if (level == LIBBPF_WARN) {
		char *name = failed_prog_name(text);

		/* The first failure is the one that stopped the load. */
		if (name && !c->failed_prog)
			c->failed_prog = name;
		else
			free(name);
		free(c->last_warn);
		c->last_warn = strdup(text);
	}
	if (c->forward)
		diag_report(c->d, DIAG_NOTE, NULL, "libbpf: %s", text);
	free(msg);
	return 0;
}

static void vc_install_print(void)
{
	vc_prev_print = libbpf_set_print(vc_print);
}

/* ---- loading ------------------------------------------------------------ */

/* The last n non-empty lines of log, each indented, as one malloc'd string. */
static char *log_tail(const char *log, unsigned n)
{
	const char *end = log + strlen(log), *p = end;
	unsigned lines = 0;
	size_t size = 0;
	char *out, *o;

	/* Skip the trailing newlines, then walk back n line starts. */
	while (p > log && p[-1] == '\n')
		p--;
	end = p;
	while (p > log && lines < n) {
		p--;
		if (p == log || p[-1] == '\n')
			lines++;
	}
	/* Room for "    " before and "\n" after each line. */
	size = (size_t)(end - p) + (size_t)lines * 5 + 1;
	out = malloc(size);
	if (!out)
		return NULL;
	o = out;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		memcpy(o, "\n    ", 5);
		o += 5;
		memcpy(o, p, l);
		o += l;
		p += l + (nl ? 1 : 0);
	}
	*o = '\0';
	return out;
}

static void report_failure(struct diag_sink *d, const char *objname, int err,
			   const struct vc_capture *c, const char *log)
{
	char ebuf[96];
	const char *e = errno_str(err, ebuf, sizeof(ebuf));
	char *tail = log && log[0] ? log_tail(log, VC_LOG_TAIL_LINES) : NULL;

	if (c->failed_prog)
		diag_report(d, DIAG_ERROR, NULL,
			    "program '%s' rejected by the kernel verifier (%s):%s",
			    c->failed_prog, e, tail ? tail : " (no verifier log)");
	else
		/* Not a verifier verdict: a map, BTF or relocation step failed,
		 * and libbpf's last warning is the best account of it. */
		diag_report(d, DIAG_ERROR, NULL, "cannot load object '%s' into the kernel (%s)%s%s",
			    objname, e, c->last_warn ? ": " : "",
			    c->last_warn ? c->last_warn : "");
	free(tail);
}

/* The kernel's BPF_TCX_INGRESS and BPF_TCX_EGRESS (6.6), which older uapi
 * headers lack. */
#define VC_TCX_INGRESS 46
#define VC_TCX_EGRESS 47

/* Programs in tcx/ sections that this libbpf left without a type. */
static int set_tcx_types(struct bpf_object *bo)
{
	struct bpf_program *p;
	int err = 0;

	bpf_object__for_each_program(p, bo) {
		const char *sec = bpf_program__section_name(p);
		int attach;

		if (bpf_program__type(p) != BPF_PROG_TYPE_UNSPEC || !sec)
			continue;
		if (!strcmp(sec, "tcx/ingress"))
			attach = VC_TCX_INGRESS;
		else if (!strcmp(sec, "tcx/egress"))
			attach = VC_TCX_EGRESS;
		else
			continue;
		err = bpf_program__set_type(p, BPF_PROG_TYPE_SCHED_CLS);
		if (!err)
			err = bpf_program__set_expected_attach_type(p, (enum bpf_attach_type)attach);
		if (err)
			break;
	}
	return err;
}

struct vc_object *vc_load(const void *obj, size_t size, const struct vc_load_opts *opts,
			  struct diag_sink *d, char **log)
{
	const char *name = VC_OPTS_GET(opts, name, NULL);
	unsigned log_level = VC_OPTS_GET(opts, log_level, 0u);
	const char *env = getenv("W2B_LIBBPF_DEBUG");
	struct vc_capture cap = { .d = d };
	struct bpf_object_open_opts oopts;
	struct vc_capture *saved = vc_cur;
	struct vc_object *o = NULL;
	struct bpf_object *bo = NULL;
	char *buf = NULL;
	int err;

	if (log)
		*log = NULL;
	if (!opts_valid(opts, sizeof(struct vc_load_opts), d))
		return NULL;
	if (!obj || !size) {
		diag_report(d, DIAG_ICE, NULL, "vc_load: empty object");
		return NULL;
	}
	if (!name)
		name = "wasm2bpf";
	if (env && env[0] && strcmp(env, "0") != 0)
		cap.forward = strcmp(env, "2") == 0 ? 2 : 1;

	buf = calloc(1, VC_LOG_SIZE);
	o = calloc(1, sizeof(*o));
	if (!buf || !o) {
		diag_report(d, DIAG_ERROR, NULL, "out of memory loading '%s'", name);
		goto err_out;
	}

	pthread_once(&vc_print_once, vc_install_print);
	vc_cur = &cap;

again:
	/* memset rather than LIBBPF_OPTS(): that macro is a GNU statement
	 * expression, and libbpf insists the padding be zero. */
	memset(&oopts, 0, sizeof(oopts));
	oopts.sz = sizeof(oopts);
	oopts.object_name = name;
	oopts.kernel_log_buf = buf;
	oopts.kernel_log_size = VC_LOG_SIZE;
	oopts.kernel_log_level = log_level;
	bo = bpf_object__open_mem(obj, size, &oopts);
	if (!bo) {
		err = -errno;
		report_failure(d, name, err, &cap, NULL);
		goto err_out;
	}
	err = set_tcx_types(bo);
	if (!err && VC_OPTS_GET(opts, keep_logs, false) && log_level)
		err = keep_logs(o, bo, log_level);
	if (!err)
		err = bpf_object__load(bo);
	/* A log at level 2 of a program the verifier walks long outgrows
	 * any buffer, and the kernel (6.4+: the log rotates) then fails the
	 * load with ENOSPC though the program verified: again at level 1,
	 * whose log is the verifier's conclusion. */
	if (err == -ENOSPC && log_level > 1) {
		diag_report(d, DIAG_NOTE, NULL,
			    "'%s': the verifier's level-2 log is over %u MiB: loaded again at level 1",
			    name, VC_LOG_SIZE >> 20);
		bpf_object__close(bo);
		bo = NULL;
		free_logs(o);
		memset(buf, 0, VC_LOG_SIZE);
		free(cap.failed_prog);
		free(cap.last_warn);
		cap = (struct vc_capture){ .d = d, .forward = cap.forward };
		log_level = 1;
		goto again;
	}
	if (err) {
		const char *plog = cap.failed_prog ? vc_prog_log(o, cap.failed_prog) : NULL;
		const char *flog = plog ? plog : cap.failed_prog ? buf : NULL;

		report_failure(d, name, err, &cap, flog);
		if (log && flog && flog[0])
			*log = strdup(flog);
		goto err_out;
	}
	vc_cur = saved;
	o->obj = bo;
	o->cpu = -1;
	free(buf);
	free(cap.failed_prog);
	free(cap.last_warn);
	return o;

err_out:
	vc_cur = saved;
	bpf_object__close(bo);
	if (o)
		free_logs(o);
	free(o);
	free(buf);
	free(cap.failed_prog);
	free(cap.last_warn);
	return NULL;
}

void vc_close(struct vc_object *o)
{
	if (!o)
		return;
	bpf_object__close(o->obj);
	free_logs(o);
	free(o);
}

static struct bpf_program *find_prog(struct vc_object *o, const char *symbol)
{
	if (!o || !symbol)
		return NULL;
	return bpf_object__find_program_by_name(o->obj, symbol);
}

int vc_prog_fd(struct vc_object *o, const char *symbol)
{
	struct bpf_program *p = find_prog(o, symbol);
	int fd;

	if (!p)
		return -ENOENT;
	fd = bpf_program__fd(p);
	return fd < 0 ? -ENOENT : fd;
}

static bool prog_info(struct vc_object *o, const char *symbol, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);
	int fd = vc_prog_fd(o, symbol);

	memset(info, 0, sizeof(*info));
	return fd >= 0 && bpf_obj_get_info_by_fd(fd, info, &len) == 0;
}

uint32_t vc_verified_insns(struct vc_object *o, const char *symbol)
{
	struct bpf_prog_info info;

	/* verified_insns appeared in 5.16; older kernels leave it zero,
	 * which is exactly "unknown". */
	return prog_info(o, symbol, &info) ? info.verified_insns : 0;
}

uint32_t vc_xlated_insns(struct vc_object *o, const char *symbol)
{
	struct bpf_prog_info info;

	return prog_info(o, symbol, &info) ? info.xlated_prog_len / sizeof(struct bpf_insn) : 0;
}

/* Moves the calling thread to the object's instance CPU (choosing it on the
 * first run); *saved receives the affinity to restore. False if the thread
 * was left alone (then the run happens wherever it is). */
static bool pin_to_instance_cpu(struct vc_object *o, cpu_set_t *saved)
{
	cpu_set_t one;

	if (sched_getaffinity(0, sizeof(*saved), saved))
		return false;
	if (o->cpu < 0) {
		int cpu = sched_getcpu();

		if (cpu < 0 || cpu >= CPU_SETSIZE)
			return false;
		o->cpu = cpu;
	}
	CPU_ZERO(&one);
	CPU_SET(o->cpu, &one);
	return sched_setaffinity(0, sizeof(one), &one) == 0;
}

/* The kernel's test run of a packet program refuses a packet shorter than
 * an Ethernet header (ETH_HLEN). */
#define VC_MIN_PACKET 14u

static bool takes_packet(enum bpf_prog_type t)
{
	switch (t) {
	case BPF_PROG_TYPE_XDP:
	case BPF_PROG_TYPE_SCHED_CLS:
	case BPF_PROG_TYPE_SCHED_ACT:
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_SOCKET_FILTER:
	case BPF_PROG_TYPE_LWT_IN:
	case BPF_PROG_TYPE_LWT_OUT:
	case BPF_PROG_TYPE_LWT_XMIT:
		return true;
	default:
		return false;
	}
}

int vc_test_run(struct vc_object *o, const char *symbol, void *ctx, size_t ctx_size,
		const void *data, size_t data_size, void *data_out, size_t *data_out_size,
		uint32_t *retval, struct diag_sink *d)
{
	struct bpf_program *p = find_prog(o, symbol);
	struct bpf_test_run_opts ropts;
	char ebuf[96];
	bool syscall, pinned;
	cpu_set_t saved;
	int fd, err;

	if (!p || (fd = bpf_program__fd(p)) < 0) {
		diag_report(d, DIAG_ERROR, NULL, "no loaded program '%s'", symbol ? symbol : "(null)");
		return -ENOENT;
	}
	if (ctx_size > UINT32_MAX || data_size > UINT32_MAX) {
		diag_report(d, DIAG_ERROR, NULL, "program '%s': test run input too large", symbol);
		return -E2BIG;
	}
	syscall = bpf_program__type(p) == BPF_PROG_TYPE_SYSCALL;
	if (syscall && data && data_size) {
		diag_report(d, DIAG_ERROR, NULL,
			    "program '%s': syscall programs take a context, not packet data", symbol);
		return -EINVAL;
	}
	if (takes_packet(bpf_program__type(p)) && (!data || data_size < VC_MIN_PACKET)) {
		diag_report(d, DIAG_ERROR, NULL,
			    "program '%s': a test run needs a packet of at least %u bytes "
			    "(an Ethernet header), not %zu", symbol, VC_MIN_PACKET,
			    data ? data_size : 0);
		return -EINVAL;
	}
	memset(&ropts, 0, sizeof(ropts));
	ropts.sz = sizeof(ropts);
	if (ctx && ctx_size) {
		ropts.ctx_in = ctx;
		ropts.ctx_size_in = (__u32)ctx_size;
		/* The kernel writes a syscall program's context back into
		 * ctx_in and rejects ctx_out for that type; a raw
		 * tracepoint's context (its arguments) is only read. */
		if (!syscall && bpf_program__type(p) != BPF_PROG_TYPE_RAW_TRACEPOINT) {
			ropts.ctx_out = ctx;
			ropts.ctx_size_out = (__u32)ctx_size;
		}
	}
	if (data && data_size) {
		ropts.data_in = data;
		ropts.data_size_in = (__u32)data_size;
		if (data_out && data_out_size) {
			ropts.data_out = data_out;
			ropts.data_size_out = (__u32)(*data_out_size > UINT32_MAX ? UINT32_MAX :
						      *data_out_size);
		}
	}
	pinned = pin_to_instance_cpu(o, &saved);
	err = bpf_prog_test_run_opts(fd, &ropts);
	if (err)
		err = err < 0 ? err : -errno;
	if (pinned)
		sched_setaffinity(0, sizeof(saved), &saved);
	if (err) {
		diag_report(d, DIAG_ERROR, NULL, "program '%s': BPF_PROG_TEST_RUN failed (%s)",
			    symbol, errno_str(err, ebuf, sizeof(ebuf)));
		return err;
	}
	if (retval)
		*retval = ropts.retval;
	if (data_out && data_out_size)
		*data_out_size = ropts.data_size_out;
	return 0;
}
