/*
 * execsnoop_consume.c — the userspace half of samples/execsnoop: loads
 * execsnoop.bpf.o with libbpf, attaches its program (the section names
 * the tracepoint), and prints each exec event from the ring buffer
 * `events`, one line each:
 *
 *     PID     PPID    UID     COMM             FILENAME
 *     4242    4100    0       true             /bin/true
 *
 *     execsnoop_consume execsnoop.bpf.o [SECONDS]
 *
 * Runs until interrupted, or for SECONDS. Needs root (or CAP_BPF and
 * CAP_PERFMON).
 */
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* execsnoop.c's struct exec_event */
struct exec_event {
	uint32_t pid;
	uint32_t ppid;
	uint32_t uid;
	uint32_t old_pid;
	char comm[16];
	char filename[144];
	uint64_t time_ns;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct exec_event *e = data;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	printf("%-7u %-7u %-7u %-16.16s %.144s\n", e->pid, e->ppid, e->uid, e->comm, e->filename);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_link *link;
	struct ring_buffer *rb;
	double seconds = argc > 2 ? atof(argv[2]) : 0;
	struct timespec t0, now;

	if (argc < 2) {
		fprintf(stderr, "usage: execsnoop_consume execsnoop.bpf.o [SECONDS]\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "execsnoop: cannot load %s\n", argv[1]);
		return 1;
	}
	prog = bpf_object__find_program_by_name(obj, "execsnoop");
	link = prog ? bpf_program__attach(prog) : NULL;
	rb = ring_buffer__new(bpf_object__find_map_fd_by_name(obj, "events"), on_event, NULL, NULL);
	if (!link || !rb) {
		fprintf(stderr, "execsnoop: cannot attach or open the ring buffer\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("%-7s %-7s %-7s %-16s %s\n", "PID", "PPID", "UID", "COMM", "FILENAME");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		ring_buffer__poll(rb, 100);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (seconds > 0 && (now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 > seconds)
			break;
	}
	ring_buffer__poll(rb, 0);
	ring_buffer__free(rb);
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
