/*
 * packet_run.c — load one BPF object, run one of its packet programs (xdp,
 * tc, ...) on one frame with BPF_PROG_TEST_RUN, print what the kernel says.
 * bench/run_packet_bench.py drives it; bench_run.c is its counterpart for
 * syscall programs.
 *
 *     packet_run OBJ PROG FRAME [--runs N] [--warmup W] [--repeat R]
 *                [--cpu C] [--pin PATH] [--pin-root DIR]
 *                [--map-update MAP KEYHEX VALHEX]... [--skb-ctx]
 *                [--map-dump MAP KEYHEX]...
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
 * --skb-ctx: after the timed runs, one more test run with a zeroed struct
 *   __sk_buff as ctx_in and ctx_out (tc programs), so that what the program
 *   wrote into the context is seen: ctx_retval, mark. Kept out of the timed
 *   runs so that both sides are timed the same way.
 * --map-dump: at the end, bpf_map_lookup_elem of KEYHEX in the named map,
 *   printed as map.MAP.KEYHEX=VALHEX (per-CPU maps: every possible CPU's
 *   value, each padded to 8 bytes, in CPU order; "none" if absent). Maps
 *   are fresh per load (unless pinned by name), so counters there count
 *   exactly this process's runs: runs_total says how many.
 *
 * Output: key=value lines: retval, verified_insns, xlated_insns,
 * jited_bytes, run_cnt, ns_min, ns_median, wall_ns_per_run,
 * repeat_duration_ns, repeat_stats_ns, load_ns (wall time of
 * bpf_object__load: maps, verification, JIT), runs_total (every test run
 * of the program, warm-up, repeat and --skb-ctx included), and the
 * --skb-ctx and --map-dump lines. Exit 0 on success, 2 on failure.
 */
#include "bench_common.h"

#include <unistd.h>

#define MAX_UPDATES 8
#define MAX_DUMPS 8

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
		"[--map-update MAP KEYHEX VALHEX]... [--skb-ctx] "
		"[--map-dump MAP KEYHEX]...\n");
	exit(2);
}

/* map.NAME.KEYHEX=VALHEX for one key (see the header); 0 or 2 (said). */
static int dump_map(struct bpf_object *obj, const char *name, const char *keyhex)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);
	unsigned char k[256], *v;
	size_t vsize;
	int percpu, ncpu = 1;

	if (!m) {
		fprintf(stderr, "packet_run: no map '%s'\n", name);
		return 2;
	}
	switch (bpf_map__type(m)) {
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		percpu = 1;
		ncpu = libbpf_num_possible_cpus();
		break;
	default:
		percpu = 0;
	}
	/* the kernel copies per-CPU values 8-byte aligned, one per CPU */
	vsize = percpu ? ((bpf_map__value_size(m) + 7) & ~7u) * (size_t)ncpu
		       : bpf_map__value_size(m);
	v = calloc(1, vsize);
	if (!v)
		return 2;
	unhex(keyhex, k, sizeof(k));
	printf("map.%s.%s=", name, keyhex);
	if (bpf_map_lookup_elem(bpf_map__fd(m), k, v))
		printf("none");
	else
		for (size_t i = 0; i < vsize; i++)
			printf("%02x", v[i]);
	printf("\n");
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	const char *obj_path, *prog_name, *frame_path, *pin = NULL;
	const char *pin_root = NULL;
	const char *upd[MAX_UPDATES][3];
	const char *dump[MAX_DUMPS][2];
	int nupd = 0, ndump = 0, skb_ctx = 0, cpu = -1, fd, err;
	unsigned long runs = 1, warmup = 0, repeat = 0, nper = 0;
	unsigned long long runs_total = 0;
	unsigned char frame[65536];
	size_t frame_len;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_prog_info before, after, last;
	uint64_t *per_run, t0, t1, load_t0, load_ns;
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
		} else if (!strcmp(argv[i], "--map-dump") && i + 2 < argc &&
			   ndump < MAX_DUMPS) {
			dump[ndump][0] = argv[i + 1];
			dump[ndump][1] = argv[i + 2];
			ndump++;
			i += 2;
		} else if (!strcmp(argv[i], "--skb-ctx"))
			skb_ctx = 1;
		else
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
	load_t0 = now_ns();
	err = bpf_object__load(obj);
	load_ns = now_ns() - load_t0;
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
		runs_total++;
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
	printf("load_ns=%llu\n", (unsigned long long)load_ns);

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
		runs_total += repeat;
	}
	if (skb_ctx) {
		struct __sk_buff in, out;
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
			    .data_size_in = (__u32)frame_len, .repeat = 1,
			    .ctx_in = &in, .ctx_size_in = sizeof(in),
			    .ctx_out = &out, .ctx_size_out = sizeof(out));

		memset(&in, 0, sizeof(in));
		memset(&out, 0, sizeof(out));
		err = bpf_prog_test_run_opts(fd, &opts);
		if (err) {
			fprintf(stderr, "packet_run: prog '%s': test run (skb ctx): %s\n",
				prog_name, strerror(-err));
			return 2;
		}
		runs_total++;
		printf("ctx_retval=%u\n", opts.retval);
		printf("mark=%u\n", out.mark);
	}
	for (int d = 0; d < ndump; d++)
		if (dump_map(obj, dump[d][0], dump[d][1]))
			return 2;
	printf("runs_total=%llu\n", runs_total);
	fflush(stdout);
	bpf_object__close(obj);
	free(per_run);
	return 0;

info_fail:
	perror("packet_run: bpf_obj_get_info_by_fd");
	return 2;
}
