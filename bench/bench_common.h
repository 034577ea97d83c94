/*
 * bench_common.h — what bench_run.c (syscall programs) and packet_run.c
 * (packet programs) share: libbpf's log, clocks and prog info, pinning to
 * a CPU, opening an object with only the measured program to load, and the
 * key=value lines both print. Each tool includes it once; `who` is the
 * tool's name for messages.
 */
#ifndef W2B_BENCH_COMMON_H
#define W2B_BENCH_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

/* libbpf's warnings and errors, not its debug chatter. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int prog_info(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(fd, info, &len);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One CPU for the whole run: wasm2bpf's instance state is per CPU, and it
 * keeps the measurement off the scheduler's migrations. 0 or -1 (said). */
static int pin_to_cpu(const char *who, int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, "%s: cpu %d: %s\n", who, cpu, strerror(errno));
		return -1;
	}
	return 0;
}

/* Opens obj_path (pin_root: where maps pinned by name go, NULL for
 * libbpf's default) and marks only program prog_name for loading (plus the
 * maps and subprograms it needs), so its verifier numbers are its own.
 * The program, or NULL (said). */
static struct bpf_program *open_one(const char *who, const char *obj_path, const char *prog_name,
				    const char *pin_root, struct bpf_object **obj)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = pin_root);
	struct bpf_program *prog, *p;

	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(print_libbpf);
	*obj = bpf_object__open_file(obj_path, &opts);
	if (!*obj) {
		fprintf(stderr, "%s: %s: cannot open: %s\n", who, obj_path, strerror(errno));
		return NULL;
	}
	prog = bpf_object__find_program_by_name(*obj, prog_name);
	if (!prog) {
		fprintf(stderr, "%s: %s: no program '%s'\n", who, obj_path, prog_name);
		return NULL;
	}
	bpf_object__for_each_program(p, *obj)
		bpf_program__set_autoload(p, p == prog);
	return prog;
}

/* verified_insns, xlated_insns, jited_bytes of the loaded program. */
static void print_sizes(const struct bpf_prog_info *info)
{
	printf("verified_insns=%u\n", info->verified_insns);
	printf("xlated_insns=%u\n", info->xlated_prog_len / 8);
	printf("jited_bytes=%u\n", info->jited_prog_len);
}

/* ns_min and ns_median of the n per-run times (sorted in place). */
static void print_per_run(uint64_t *per_run, unsigned long n)
{
	if (!n)
		return;
	qsort(per_run, n, sizeof(*per_run), cmp_u64);
	printf("ns_min=%llu\n", (unsigned long long)per_run[0]);
	printf("ns_median=%llu\n", (unsigned long long)per_run[n / 2]);
}

#endif
