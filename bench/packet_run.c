/*
 * packet_run.c — load one BPF object, run one of its packet programs (xdp,
 * tc, ...) on one frame with BPF_PROG_TEST_RUN, print what the kernel says.
 * bench/run_packet_bench.py drives it; bench_run.c is its counterpart for
 * syscall programs.
 *
 *     packet_run OBJ PROG FRAME [--runs N] [--warmup W] [--repeat R]
 *                [--cpu C] [--pin PATH] [--pin-root DIR]
 *                [--map-update MAP KEYHEX VALHEX]...
 *
 * FRAME is a file holding the frame (Ethernet header first).
 *
 * Two timings, both with kernel.bpf_stats_enabled=1 (the caller sets it):
 *   - N test runs of repeat 1, one syscall each, reading
 *     bpf_prog_info.run_time_ns after each: the step is that run's own
 *     kernel-side time (the method of bench/REPORT.md); ns_min, ns_median.
 *   - with --repeat R, one more test run with repeat R: the kernel's own
 *     `duration` (average ns per run over its loop, repeat_duration_ns) and
 *     run_time_ns / run_cnt over those R runs (repeat_stats_ns).
 * --pin-root: where maps pinned by name go (default /sys/fs/bpf).
 * --map-update: bpf_map_update_elem on the named map after loading.
 *
 * Output: key=value lines: retval, verified_insns, xlated_insns,
 * jited_bytes, run_cnt, ns_min, ns_median, wall_ns_per_run,
 * repeat_duration_ns, repeat_stats_ns. Exit 0 on success, 2 on failure.
 */
#include "bench_common.h"

#include <unistd.h>

#define MAX_UPDATES 8

static size_t unhex(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;

	while (s[0] && s[1] && n < max) {
		unsigned int b;

		if (sscanf(s, "%2x", &b) != 1)
			break;
		out[n++] = (unsigned char)b;
		s += 2;
	}
	return n;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: packet_run OBJ PROG FRAME [--runs N] [--warmup W] "
		"[--repeat R] [--cpu C] [--pin PATH] [--pin-root DIR] "
		"[--map-update MAP KEYHEX VALHEX]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *obj_path, *prog_name, *frame_path, *pin = NULL;
	const char *pin_root = NULL;
	const char *upd[MAX_UPDATES][3];
	int nupd = 0, cpu = -1, fd, err;
	unsigned long runs = 1, warmup = 0, repeat = 0, nper = 0;
	unsigned char frame[65536];
	size_t frame_len;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_prog_info before, after, last;
	uint64_t *per_run, t0, t1;
	__u32 retval = 0;
	FILE *f;

	if (argc < 4)
		usage();
	obj_path = argv[1];
	prog_name = argv[2];
	frame_path = argv[3];
	for (int i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--warmup") && i + 1 < argc)
			warmup = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
			cpu = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pin") && i + 1 < argc)
			pin = argv[++i];
		else if (!strcmp(argv[i], "--pin-root") && i + 1 < argc)
			pin_root = argv[++i];
		else if (!strcmp(argv[i], "--map-update") && i + 3 < argc &&
			 nupd < MAX_UPDATES) {
			upd[nupd][0] = argv[i + 1];
			upd[nupd][1] = argv[i + 2];
			upd[nupd][2] = argv[i + 3];
			nupd++;
			i += 3;
		} else
			usage();
	}
	if (runs < 1)
		usage();

	f = fopen(frame_path, "rb");
	if (!f) {
		fprintf(stderr, "packet_run: %s: %s\n", frame_path, strerror(errno));
		return 2;
	}
	frame_len = fread(frame, 1, sizeof(frame), f);
	fclose(f);

	if (pin_to_cpu("packet_run", cpu) ||
	    !(prog = open_one("packet_run", obj_path, prog_name, pin_root, &obj)))
		return 2;
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "packet_run: %s: prog '%s': load failed: %s\n",
			obj_path, prog_name, strerror(-err));
		return 2;
	}
	fd = bpf_program__fd(prog);
	for (int u = 0; u < nupd; u++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, upd[u][0]);
		unsigned char k[256], v[256];

		if (!m) {
			fprintf(stderr, "packet_run: no map '%s'\n", upd[u][0]);
			return 2;
		}
		unhex(upd[u][1], k, sizeof(k));
		unhex(upd[u][2], v, sizeof(v));
		if (bpf_map_update_elem(bpf_map__fd(m), k, v, BPF_ANY)) {
			fprintf(stderr, "packet_run: update %s: %s\n", upd[u][0],
				strerror(errno));
			return 2;
		}
	}
	if (pin && bpf_obj_pin(fd, pin)) {
		fprintf(stderr, "packet_run: pin %s: %s\n", pin, strerror(errno));
		return 2;
	}

	per_run = calloc(runs, sizeof(*per_run));
	if (!per_run)
		return 2;
	memset(&before, 0, sizeof(before));
	last = before;
	t0 = now_ns();
	for (unsigned long r = 0; r < warmup + runs; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = (__u32)frame_len, .repeat = 1);

		if (r == warmup) {
			if (prog_info(fd, &before))
				goto info_fail;
			last = before;
			t0 = now_ns();
		}
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err) {
			fprintf(stderr, "packet_run: prog '%s': test run: %s\n",
				prog_name, strerror(-err));
			return 2;
		}
		retval = opts.retval;
		if (r >= warmup) {
			if (prog_info(fd, &after))
				goto info_fail;
			per_run[nper++] = after.run_time_ns - last.run_time_ns;
			last = after;
		}
	}
	t1 = now_ns();
	if (prog_info(fd, &after))
		goto info_fail;

	printf("retval=%u\n", retval);
	print_sizes(&after);
	printf("run_cnt=%llu\n", (unsigned long long)(after.run_cnt - before.run_cnt));
	print_per_run(per_run, nper);
	printf("wall_ns_per_run=%.1f\n", (double)(t1 - t0) / (double)runs);

	if (repeat) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = (__u32)frame_len, .repeat = (int)repeat);

		before = after;
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err) {
			fprintf(stderr, "packet_run: prog '%s': test run (repeat): %s\n",
				prog_name, strerror(-err));
			return 2;
		}
		if (prog_info(fd, &after))
			goto info_fail;
		unsigned long long cnt = after.run_cnt - before.run_cnt;
		unsigned long long ns = after.run_time_ns - before.run_time_ns;
		printf("repeat_retval=%u\n", opts.retval);
		printf("repeat_duration_ns=%u\n", opts.duration);
		printf("repeat_stats_ns=%.1f\n", cnt ? (double)ns / (double)cnt : 0.0);
	}
	fflush(stdout);
	bpf_object__close(obj);
	free(per_run);
	return 0;

info_fail:
	perror("packet_run: bpf_obj_get_info_by_fd");
	return 2;
}
