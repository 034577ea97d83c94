/*
 * bench_run.c — load one BPF object, run one of its `syscall` programs many
 * times, print what the kernel says about it.
 *
 *     bench_run OBJ PROG [--runs N] [--warmup W] [--results R] [--cpu C]
 *               [--pin PATH] [--verifier-log] [ARG...]
 *
 * The context is the one docs/abi.md defines for wasm2bpf's syscall
 * entries, and bench/kernels/bench.h copies for the native baseline:
 * u32 status, u32 reserved, one u64 slot per ARG, then R u64 result slots.
 * Every run gets a fresh copy of the same context (the kernel copies the
 * context back into ctx_in: syscall programs refuse a separate ctx_out).
 *
 * Syscall programs refuse BPF_PROG_TEST_RUN's `repeat` (EINVAL) and leave
 * its `duration` at 0, so the runs are a userspace loop of test runs. The
 * kernel-side time per run comes from bpf_prog_info.run_time_ns / run_cnt,
 * which the kernel only accumulates while kernel.bpf_stats_enabled is 1
 * (run_bench.py turns it on); the wall-clock time of the whole
 * BPF_PROG_TEST_RUN syscall is printed too, as a second opinion that
 * includes the syscall and the context copies.
 *
 * --warmup W runs the program W times before the counters are read. --pin
 * leaves the loaded program pinned at PATH (for `bpftool prog dump`).
 *
 * The counters are also read after every measured run, which gives each
 * run's own time: ns_min and ns_median are over those.
 *
 * Output: key=value lines, one per fact (result0, status, verified_insns,
 * xlated_insns, jited_bytes, run_cnt, run_time_ns, ns_per_run (the mean),
 * ns_min, ns_median, wall_ns_per_run, load_ns: the wall time of
 * bpf_object__load, i.e. map creation, verification and JIT). Exit 0 on success, 1 if the program trapped (status
 * != 0) or returned non-zero, 2 on any failure to load or run.
 */
#include "bench_common.h"

#include <unistd.h>

#define MAX_SLOTS 16

static void usage(void)
{
	fprintf(stderr,
		"usage: bench_run OBJ PROG [--runs N] [--warmup W] [--results R] "
		"[--cpu C] [--pin PATH] [--verifier-log] [ARG...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *obj_path, *prog_name, *pin = NULL;
	unsigned long long args[MAX_SLOTS];
	int nargs = 0, nresults = 1, cpu = -1, want_log = 0;
	unsigned long runs = 1, warmup = 0;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_prog_info before, after, last;
	uint64_t *per_run;
	unsigned long nper = 0;
	uint64_t init[1 + MAX_SLOTS], ctx[1 + MAX_SLOTS];
	uint64_t t0, t1, load_t0, load_ns;
	char *log_buf = NULL;
	size_t log_size = 16 << 20;
	int fd, err, status = 0;
	__u32 retval = 0;

	if (argc < 3)
		usage();
	obj_path = argv[1];
	prog_name = argv[2];
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--warmup") && i + 1 < argc)
			warmup = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--results") && i + 1 < argc)
			nresults = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
			cpu = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pin") && i + 1 < argc)
			pin = argv[++i];
		else if (!strcmp(argv[i], "--verifier-log"))
			want_log = 1;
		else if (argv[i][0] == '-' && argv[i][1] == '-')
			usage();
		else if (nargs < MAX_SLOTS)
			args[nargs++] = strtoull(argv[i], NULL, 0);
		else
			usage();
	}
	if (runs < 1 || nresults < 0 || nargs + nresults > MAX_SLOTS)
		usage();

	if (pin_to_cpu("bench_run", cpu) ||
	    !(prog = open_one("bench_run", obj_path, prog_name, NULL, &obj)))
		return 2;
	if (want_log) {
		log_buf = calloc(1, log_size);
		if (!log_buf)
			return 2;
		bpf_program__set_log_buf(prog, log_buf, log_size);
		bpf_program__set_log_level(prog, 2);
	}
	load_t0 = now_ns();
	err = bpf_object__load(obj);
	load_ns = now_ns() - load_t0;
	if (log_buf && log_buf[0])
		fprintf(stderr, "%s", log_buf);
	if (err) {
		fprintf(stderr, "bench_run: %s: prog '%s': load failed: %s\n",
			obj_path, prog_name, strerror(-err));
		return 2;
	}
	fd = bpf_program__fd(prog);
	if (pin && bpf_obj_pin(fd, pin)) {
		fprintf(stderr, "bench_run: pin %s: %s\n", pin, strerror(errno));
		return 2;
	}

	per_run = calloc(runs, sizeof(*per_run));
	if (!per_run)
		return 2;
	memset(init, 0, sizeof(init));
	for (int i = 0; i < nargs; i++)
		init[1 + i] = args[i];
	size_t ctx_size = 8 + 8 * (size_t)(nargs + nresults);

	/* A trap during the warmup leaves before == 0: its numbers are moot. */
	memset(&before, 0, sizeof(before));
	last = before;
	t0 = now_ns();
	for (unsigned long r = 0; r < warmup + runs; r++) {
		if (r == warmup) {
			if (prog_info(fd, &before)) {
				perror("bench_run: bpf_obj_get_info_by_fd");
				return 2;
			}
			last = before;
			t0 = now_ns();
		}
		/* Syscall programs take no ctx_out (EINVAL): the kernel copies
		 * the context back into ctx_in, so it is reset every run. */
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			    .ctx_in = ctx, .ctx_size_in = ctx_size);

		memcpy(ctx, init, ctx_size);
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err) {
			fprintf(stderr, "bench_run: prog '%s': test run: %s\n",
				prog_name, strerror(-err));
			return 2;
		}
		retval = opts.retval;
		status = (int)(uint32_t)ctx[0];
		if (status || retval)
			break;
		if (r >= warmup) {
			/* This run's own time: the counters' step. Reading them
			 * costs a syscall, outside the program's run time. */
			if (prog_info(fd, &after)) {
				perror("bench_run: bpf_obj_get_info_by_fd");
				return 2;
			}
			per_run[nper++] = after.run_time_ns - last.run_time_ns;
			last = after;
		}
	}
	t1 = now_ns();
	if (prog_info(fd, &after)) {
		perror("bench_run: bpf_obj_get_info_by_fd");
		return 2;
	}

	for (int j = 0; j < nresults; j++)
		printf("result%d=%llu\n", j,
		       (unsigned long long)ctx[1 + nargs + j]);
	printf("status=%d\n", status);
	printf("retval=%u\n", retval);
	print_sizes(&after);
	unsigned long long cnt = after.run_cnt - before.run_cnt;
	unsigned long long ns = after.run_time_ns - before.run_time_ns;
	printf("run_cnt=%llu\n", cnt);
	printf("run_time_ns=%llu\n", ns);
	printf("ns_per_run=%.1f\n", cnt ? (double)ns / (double)cnt : 0.0);
	print_per_run(per_run, nper);
	printf("wall_ns_per_run=%.1f\n", (double)(t1 - t0) / (double)runs);
	printf("load_ns=%llu\n", (unsigned long long)load_ns);
	fflush(stdout);

	bpf_object__close(obj);
	free(log_buf);
	free(per_run);
	return status || retval ? 1 : 0;
}
