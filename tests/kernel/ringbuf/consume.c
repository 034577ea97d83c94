/*
 * consume.c — the userspace half of the kernel_ringbuf test: the SDK's ring
 * buffer and map helpers as a libbpf program sees them.
 *
 *     consume events.bpf.o
 *
 * Loads events.bpf.o (tests/kernel/ringbuf/events.c through wasm2bpf) with
 * libbpf, inserts totals[0x9999] from userspace, runs the XDP program
 * `watch` with BPF_PROG_TEST_RUN on crafted frames (IPv4, ARP, IPv6 and
 * 0x9999, some repeated), then checks:
 * - every run's verdict is XDP_PASS (a trap would be XDP_ABORTED);
 * - the ring buffer holds exactly one record per run, in run order, each
 *   with the frame's length, ethertype and first six bytes, and nothing more;
 * - the object's BTF names the records' type (w2b_event__events: struct
 *   event, by field) and decodes the first record generically (btf_dump),
 *   and totals' value type is struct total;
 * - totals holds exactly the keys 0x0800, 0x0806 and 0x86dd, each with the
 *   packets and bytes of its frames, and 0x9999 is gone (the program deleted
 *   it).
 *
 * Exit 0 when every check passes, 1 (after a FAIL line saying what
 * differed) otherwise. Closing line: "ringbuf: N passed, M failed".
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "expect.h"

enum { ETHERTYPE_DELETE = 0x9999 };

/* The record events.c writes (12 bytes, no padding) and a totals value. */
struct event {
	uint32_t len;
	uint16_t ethertype;
	uint8_t first_bytes[6];
};

struct total {
	uint64_t packets;
	uint64_t bytes;
};

/* A crafted frame: length, ethertype, destination MAC, and how many times
 * it is run (BPF_PROG_TEST_RUN's repeat). */
struct frame {
	const char *name;
	uint32_t len;
	uint16_t ethertype;
	uint8_t dst[6];
	uint32_t runs;
};

static const struct frame frames[] = {
	{ "IPv4/UDP", 60, 0x0800, { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 }, 1 },
	{ "IPv4/TCP", 98, 0x0800, { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }, 3 },
	{ "ARP", 42, 0x0806, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, 2 },
	{ "IPv6/ICMPv6", 86, 0x86dd, { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, 1 },
	{ "0x9999", 64, ETHERTYPE_DELETE, { 0x02, 0x99, 0x99, 0x99, 0x99, 0x99 }, 1 },
};
#define NFRAMES (sizeof(frames) / sizeof(frames[0]))
#define MAX_RECORDS 64


/* Fill buf with frame f: Ethernet header, then a plausible start of the
 * protocol's header, then a byte pattern. */
static void build_frame(const struct frame *f, uint8_t *buf)
{
	static const uint8_t src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
	uint32_t i;

	for (i = 0; i < f->len; i++)
		buf[i] = (uint8_t)(i * 7 + f->len);
	memcpy(buf, f->dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = (uint8_t)(f->ethertype >> 8);
	buf[13] = (uint8_t)f->ethertype;
	if (f->ethertype == 0x0800)
		buf[14] = 0x45;
	else if (f->ethertype == 0x86dd)
		buf[14] = 0x60;
	else if (f->ethertype == 0x0806)
		memcpy(buf + 14, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
}

/* The records the ring buffer callback saw, in order. */
static struct event records[MAX_RECORDS];
static size_t nrecords, bad_sizes;

static int on_record(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size != sizeof(struct event)) {
		printf("FAIL record %zu: %zu bytes, want %zu\n", nrecords + bad_sizes, size,
		       sizeof(struct event));
		bad_sizes++;
		return 0;
	}
	if (nrecords < MAX_RECORDS)
		memcpy(&records[nrecords], data, sizeof(struct event));
	nrecords++;
	return 0;
}

/* btf_dump's output, gathered. */
static char dumped[1024];

static void gather(void *ctx, const char *fmt, va_list args)
{
	size_t n = strlen(dumped);

	(void)ctx;
	if (n < sizeof(dumped) - 1)
		vsnprintf(dumped + n, sizeof(dumped) - n, fmt, args);
}

/* The object's BTF describes the events and the totals by their C types
 * (events.c is built with -g): the ring buffer's record type is the
 * variable w2b_event__events's, which decodes a record with nothing but
 * the object in hand, as a generic consumer would (btf_dump's typed
 * data dump); totals' value type is struct total, by field. */
static void check_btf(struct bpf_object *obj, struct bpf_map *totals, const struct event *first)
{
	LIBBPF_OPTS(btf_dump_type_data_opts, one_line, .compact = true);
	struct btf *btf = bpf_object__btf(obj);
	int var = btf ? btf__find_by_name_kind(btf, "w2b_event__events", BTF_KIND_VAR) : -1;
	const struct btf_type *ev = var > 0 ? btf__type_by_id(btf, btf__type_by_id(btf, var)->type) : NULL;
	const struct btf_type *tot = btf ? btf__type_by_id(btf, bpf_map__btf_value_type_id(totals)) : NULL;
	static const char *const ev_names[] = { "len", "ethertype", "first_bytes" };
	static const uint32_t ev_bits[] = { 0, 32, 48 };
	struct btf_dump *d;

	expect("the object's BTF has VAR w2b_event__events", var > 0, 1);
	expect("its type is struct event, 12 bytes, 3 members",
	       ev && btf_is_struct(ev) && !strcmp(btf__name_by_offset(btf, ev->name_off), "event") &&
	       ev->size == 12 && btf_vlen(ev) == 3, 1);
	for (unsigned k = 0; ev && btf_is_struct(ev) && k < btf_vlen(ev) && k < 3; k++) {
		const struct btf_member *m = btf_members(ev) + k;
		char what[96];

		snprintf(what, sizeof(what), "struct event member %u is '%s' at bit %u", k,
			 ev_names[k], ev_bits[k]);
		expect(what, !strcmp(btf__name_by_offset(btf, m->name_off), ev_names[k]) &&
			     btf_member_bit_offset(ev, k) == ev_bits[k], 1);
	}
	expect("totals' value type is struct total (packets, bytes)",
	       tot && btf_is_struct(tot) && btf_vlen(tot) == 2 &&
	       !strcmp(btf__name_by_offset(btf, tot->name_off), "total") &&
	       !strcmp(btf__name_by_offset(btf, btf_members(tot)[0].name_off), "packets") &&
	       !strcmp(btf__name_by_offset(btf, btf_members(tot)[1].name_off), "bytes"), 1);
	if (var <= 0 || !(d = btf_dump__new(btf, gather, NULL, NULL)))
		return;
	btf_dump__dump_type_data(d, btf__type_by_id(btf, var)->type, first, sizeof(*first), &one_line);
	btf_dump__free(d);
	printf("     the first record decoded by its BTF type: %s\n", dumped);
	expect("the decoded first record (IPv4/UDP) shows .len = 60 and .ethertype = 2048",
	       strstr(dumped, ".len = (unsigned int)60") &&
	       strstr(dumped, ".ethertype = (unsigned short)2048") != NULL, 1);
}

static int fail_setup(const char *what, int err)
{
	printf("FAIL setup: %s: %s\n", what, strerror(err < 0 ? -err : err));
	return 1;
}

static int run_checks(struct bpf_object *obj)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "watch");
	struct bpf_map *events = bpf_object__find_map_by_name(obj, "events");
	struct bpf_map *totals = bpf_object__find_map_by_name(obj, "totals");
	struct ring_buffer *rb;
	struct total want_totals[3] = { { 0, 0 }, { 0, 0 }, { 0, 0 } };
	static const uint32_t keys[3] = { 0x0800, 0x0806, 0x86dd };
	struct total t = { 7, 700 };
	uint32_t key, next, nkeys;
	size_t i, r, want_records = 0;
	char what[128];
	int totals_fd, n, err;

	if (!prog || !events || !totals) {
		printf("FAIL setup: the object lacks program watch or map events/totals\n");
		return 1;
	}
	expect("program type is XDP", bpf_program__type(prog), BPF_PROG_TYPE_XDP);
	expect("events is a ring buffer", bpf_map__type(events), BPF_MAP_TYPE_RINGBUF);
	expect("events size", bpf_map__max_entries(events), 4096);
	expect("totals is a hash", bpf_map__type(totals), BPF_MAP_TYPE_HASH);
	expect("totals key size", bpf_map__key_size(totals), sizeof(uint32_t));
	expect("totals value size", bpf_map__value_size(totals), sizeof(struct total));
	expect("totals max entries", bpf_map__max_entries(totals), 64);
	totals_fd = bpf_map__fd(totals);

	/* the entry the program must delete */
	key = ETHERTYPE_DELETE;
	err = bpf_map_update_elem(totals_fd, &key, &t, BPF_NOEXIST);
	if (err)
		return fail_setup("bpf_map_update_elem(totals[0x9999])", errno);
	memset(&t, 0, sizeof(t));
	err = bpf_map_lookup_elem(totals_fd, &key, &t);
	expect("totals[0x9999] present before the runs", err == 0 && t.packets == 7 && t.bytes == 700, 1);

	rb = ring_buffer__new(bpf_map__fd(events), on_record, NULL, NULL);
	if (!rb)
		return fail_setup("ring_buffer__new", errno);

	for (i = 0; i < NFRAMES; i++) {
		const struct frame *f = &frames[i];
		uint8_t buf[128];
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = f->len,
			    .repeat = f->runs);

		build_frame(f, buf);
		err = bpf_prog_test_run_opts(bpf_program__fd(prog), &opts);
		if (err) {
			ring_buffer__free(rb);
			return fail_setup("bpf_prog_test_run_opts", errno);
		}
		snprintf(what, sizeof(what), "%s (%u bytes) x%u: verdict", f->name, f->len, f->runs);
		expect(what, opts.retval, XDP_PASS);
		want_records += f->runs;
		for (r = 0; r < 3; r++)
			if (keys[r] == f->ethertype) {
				want_totals[r].packets += f->runs;
				want_totals[r].bytes += (uint64_t)f->runs * f->len;
			}
	}

	/* the ring buffer: one record per run, in order, then nothing */
	n = ring_buffer__consume(rb);
	expect("ring_buffer__consume result", (uint64_t)(int64_t)n, want_records);
	expect("records consumed", nrecords, want_records);
	expect("records of the wrong size", bad_sizes, 0);
	if (nrecords)
		check_btf(obj, totals, &records[0]);
	n = ring_buffer__consume(rb);
	expect("second ring_buffer__consume (buffer empty)", (uint64_t)(int64_t)n, 0);
	ring_buffer__free(rb);

	r = 0;
	for (i = 0; i < NFRAMES; i++) {
		const struct frame *f = &frames[i];
		uint32_t k;

		for (k = 0; k < f->runs; k++, r++) {
			const struct event *e = &records[r];

			if (r >= nrecords || r >= MAX_RECORDS) {
				printf("FAIL record %zu (%s run %u): missing\n", r, f->name, k + 1);
				failed++;
				continue;
			}
			snprintf(what, sizeof(what), "record %zu (%s run %u) len", r, f->name, k + 1);
			expect(what, e->len, f->len);
			snprintf(what, sizeof(what), "record %zu (%s run %u) ethertype", r, f->name, k + 1);
			expect(what, e->ethertype, f->ethertype);
			snprintf(what, sizeof(what),
				 "record %zu (%s run %u) first_bytes %02x:%02x:%02x:%02x:%02x:%02x",
				 r, f->name, k + 1, e->first_bytes[0], e->first_bytes[1],
				 e->first_bytes[2], e->first_bytes[3], e->first_bytes[4],
				 e->first_bytes[5]);
			expect(what, memcmp(e->first_bytes, f->dst, 6) == 0, 1);
		}
	}

	/* totals: the three ethertypes with their packets and bytes */
	for (r = 0; r < 3; r++) {
		memset(&t, 0xff, sizeof(t));
		err = bpf_map_lookup_elem(totals_fd, &keys[r], &t);
		snprintf(what, sizeof(what), "totals[0x%04x] lookup", keys[r]);
		expect(what, err ? (uint64_t)errno : 0, 0);
		if (err)
			continue;
		snprintf(what, sizeof(what), "totals[0x%04x].packets", keys[r]);
		expect(what, t.packets, want_totals[r].packets);
		snprintf(what, sizeof(what), "totals[0x%04x].bytes", keys[r]);
		expect(what, t.bytes, want_totals[r].bytes);
	}
	key = ETHERTYPE_DELETE;
	err = bpf_map_lookup_elem(totals_fd, &key, &t);
	expect("totals[0x9999] deleted (lookup fails with ENOENT)", err && errno == ENOENT, 1);

	/* and no other key */
	nkeys = 0;
	for (err = bpf_map_get_next_key(totals_fd, NULL, &next); !err;
	     err = bpf_map_get_next_key(totals_fd, &key, &next)) {
		int known = 0;

		for (r = 0; r < 3; r++)
			known |= next == keys[r];
		if (!known) {
			printf("FAIL totals has an unexpected key 0x%x\n", next);
			failed++;
		}
		nkeys++;
		key = next;
	}
	expect("keys in totals", nkeys, 3);
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	int err, status;

	if (argc != 2) {
		fprintf(stderr, "usage: %s EVENTS.bpf.o\n", argv[0]);
		return 1;
	}
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj)
		return fail_setup(argv[1], errno);
	/* as a plain `bpftool prog load` would: the instance maps are per-CPU,
	 * sized by the kernel (docs/abi.md) */
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return fail_setup("bpf_object__load", err);
	}
	status = run_checks(obj);
	bpf_object__close(obj);
	printf("ringbuf: %d passed, %d failed\n", passed, failed);
	return status || failed ? 1 : 0;
}
