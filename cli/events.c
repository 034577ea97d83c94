/*
 * events.c — `wasm2bpf events`: print the records of a loaded program's
 * ring buffer, decoded by the event type its object declares.
 *
 *     wasm2bpf events (--map NAME | --map-id ID | --pinned PATH)
 *                     [--count N] [--timeout SECONDS] [--raw]
 *
 * The ring buffer is found by name among the kernel's maps (the first
 * BPF_MAP_TYPE_RINGBUF of that name), by id, or by its pin. Its event type
 * is the BTF variable w2b_event__NAME (W2B_RINGBUF_OF, docs/abi.md) in the
 * BTF of a program that uses the map — the object's BTF as libbpf loaded
 * it, so no object file is needed. Each record is one line:
 *
 *     auth_log: (struct decision){.verdict = (unsigned int)0,.sport = ...}
 *
 * libbpf's btf_dump typed-data printer, one line per record; with --raw,
 * or when there is no type (a module without DWARF), the bytes in hex.
 * It stops after N records (--count), after SECONDS without one
 * (--timeout, default 1; 0 waits for ever), or at SIGINT/SIGTERM.
 * Exit 0, or 2 with a message (no such map, not a ring buffer, no
 * privileges).
 */
#include "cli/cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

struct events {
	const char *name;	/* the map's name */
	struct btf *btf;	/* a program's BTF with the event type, or NULL */
	int32_t type;		/* the event type's id in it, or 0 */
	struct btf_dump *dump;
	bool raw;
	unsigned long long seen, count;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void print_typed(void *ctx, const char *fmt, va_list args)
{
	(void)ctx;
	vprintf(fmt, args);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct events *ev = ctx;
	const unsigned char *p = data;

	printf("%s: ", ev->name);
	if (ev->dump && !ev->raw && (size_t)btf__resolve_size(ev->btf, ev->type) <= size) {
		LIBBPF_OPTS(btf_dump_type_data_opts, one_line, .compact = true, .emit_zeroes = true);

		if (btf_dump__dump_type_data(ev->dump, (__u32)ev->type, data, size, &one_line) >= 0) {
			printf("\n");
			goto counted;
		}
	}
	for (size_t k = 0; k < size; k++)
		printf("%02x", p[k]);
	printf("\n");
counted:
	fflush(stdout);
	if (++ev->seen == ev->count)
		stop = 1;
	return 0;
}

/* The fd of the map named `name` of type ringbuf, or -errno. */
static int ringbuf_by_name(const char *name)
{
	__u32 id = 0;

	while (!bpf_map_get_next_id(id, &id)) {
		struct bpf_map_info info;
		__u32 len = sizeof(info);
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && !strcmp(info.name, name) &&
		    info.type == BPF_MAP_TYPE_RINGBUF)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/* The event type of map `map_id` named `name`: the BTF of a program that
 * uses the map, and the type of its VAR w2b_event__NAME. */
static void find_event_type(struct events *ev, __u32 map_id)
{
	char var[BPF_OBJ_NAME_LEN + 16];
	__u32 id = 0;

	snprintf(var, sizeof(var), "w2b_event__%s", ev->name);
	while (!ev->btf && !bpf_prog_get_next_id(id, &id)) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info), maps[64], n;
		int fd = bpf_prog_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.nr_map_ids = 64;
		info.map_ids = (__u64)(unsigned long)maps;
		if (bpf_obj_get_info_by_fd(fd, &info, &len) || !info.btf_id) {
			close(fd);
			continue;
		}
		close(fd);
		n = info.nr_map_ids < 64 ? info.nr_map_ids : 64;
		for (__u32 k = 0; k < n && !ev->btf; k++) {
			struct btf *btf;
			int32_t v;

			if (maps[k] != map_id)
				continue;
			btf = btf__load_from_kernel_by_id(info.btf_id);
			v = btf ? btf__find_by_name_kind(btf, var, BTF_KIND_VAR) : -1;
			if (v > 0) {
				ev->btf = btf;
				ev->type = (int32_t)btf__type_by_id(btf, (__u32)v)->type;
			} else {
				btf__free(btf);
			}
		}
	}
}

int cli_events(int argc, char **argv)
{
	const char *name = NULL, *pinned = NULL;
	long long map_id = -1, timeout = 1;
	struct events ev = { 0 };
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	struct ring_buffer *rb;
	time_t last;
	int fd, err;

	for (int k = 1; k < argc; k++) {
		const char *a = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;

		if (!strcmp(a, "--raw")) {
			ev.raw = true;
		} else if (v && !strcmp(a, "--map")) {
			name = v, k++;
		} else if (v && !strcmp(a, "--map-id")) {
			map_id = strtoll(v, NULL, 10), k++;
		} else if (v && !strcmp(a, "--pinned")) {
			pinned = v, k++;
		} else if (v && !strcmp(a, "--count")) {
			ev.count = strtoull(v, NULL, 10), k++;
		} else if (v && !strcmp(a, "--timeout")) {
			timeout = strtoll(v, NULL, 10), k++;
		} else {
			fprintf(stderr, "usage: wasm2bpf events (--map NAME | --map-id ID | --pinned PATH) "
				"[--count N] [--timeout SECONDS] [--raw]\n");
			return W2B_EXIT_FAILURE;
		}
	}
	if (!!name + (map_id >= 0) + !!pinned != 1) {
		fprintf(stderr, "wasm2bpf: error: events: name the ring buffer once: --map NAME, --map-id ID or --pinned PATH\n");
		return W2B_EXIT_FAILURE;
	}
	fd = name ? ringbuf_by_name(name) :
	     map_id >= 0 ? bpf_map_get_fd_by_id((__u32)map_id) : bpf_obj_get(pinned);
	if (fd < 0) {
		err = fd != -1 ? -fd : errno;
		if (name)
			fprintf(stderr, "wasm2bpf: error: events: no ring buffer named %s: %s\n", name,
				strerror(err));
		else if (pinned)
			fprintf(stderr, "wasm2bpf: error: events: nothing pinned at %s: %s\n", pinned,
				strerror(err));
		else
			fprintf(stderr, "wasm2bpf: error: events: no map with id %lld: %s\n", map_id,
				strerror(err));
		return W2B_EXIT_FAILURE;
	}
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != BPF_MAP_TYPE_RINGBUF) {
		fprintf(stderr, "wasm2bpf: error: events: map '%s' is not a ring buffer\n", info.name);
		close(fd);
		return W2B_EXIT_FAILURE;
	}
	ev.name = info.name;
	find_event_type(&ev, info.id);
	if (ev.btf)
		ev.dump = btf_dump__new(ev.btf, print_typed, NULL, NULL);
	rb = ring_buffer__new(fd, on_record, &ev, NULL);
	if (!rb) {
		fprintf(stderr, "wasm2bpf: error: events: %s: %s\n", info.name, strerror(errno));
		btf_dump__free(ev.dump);
		btf__free(ev.btf);
		close(fd);
		return W2B_EXIT_FAILURE;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	last = time(NULL);
	while (!stop) {
		unsigned long long before = ev.seen;
		int n = ring_buffer__poll(rb, 100);

		if (n < 0 && n != -EINTR)
			break;
		if (n > 0 || ev.seen != before)
			last = time(NULL);
		else if (timeout > 0 && time(NULL) - last >= timeout)
			break;
	}
	ring_buffer__free(rb);
	btf_dump__free(ev.dump);
	btf__free(ev.btf);
	close(fd);
	return W2B_EXIT_OK;
}
