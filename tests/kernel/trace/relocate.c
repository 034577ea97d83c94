/*
 * relocate.c — the kernel_core_portability test: one wasm2bpf object, its
 * CO-RE relocations patched by libbpf for two different kernels' BTF.
 *
 *     trace_relocate exec_seen.bpf.o
 *
 * exec_seen.bpf.o reads task->real_parent->tgid and asks whether
 * task_struct has `pid` (tests/kernel/trace/exec_seen.c). It is opened and
 * loaded twice: against the running kernel's BTF, and against a BTF this
 * test writes (libbpf's btf__add_* API) whose task_struct has the same
 * members at other offsets, given to libbpf as btf_custom_path, the way a
 * loader relocates for a kernel it is not running on. libbpf's debug log
 * says where each relocated field is found ("... @ offset N"); the test
 * checks the first load's offsets are the running kernel's (read from its
 * BTF here), the second's those written, and that they differ. Both
 * objects must load: the program verifies with either set.
 *
 * Exit 0 when every check passes; "relocate: N passed, M failed".
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expect.h"

static char logbuf[1 << 20];
static size_t loglen;

static int capture(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (loglen < sizeof(logbuf))
		loglen += (size_t)vsnprintf(logbuf + loglen, sizeof(logbuf) - loglen, fmt, ap);
	if (loglen > sizeof(logbuf))
		loglen = sizeof(logbuf);
	return 0;
}

/* Where libbpf's log says field `name` of task_struct was found: the
 * target offset of "struct task_struct.NAME (0:I @ offset N)", or -1. */
static long found_at(const char *name)
{
	char pat[64];
	const char *p = logbuf;
	long off = -1;

	snprintf(pat, sizeof(pat), "struct task_struct.%s (", name);
	while ((p = strstr(p, pat))) {
		const char *at = strstr(p, "@ offset ");
		const char *nl = strchr(p, '\n');

		if (at && (!nl || at < nl))
			off = strtol(at + 9, NULL, 10);
		p += strlen(pat);
	}
	return off;
}

/* The byte offset of member `name` of the BTF's task_struct, or -1. */
static long member_offset(const struct btf *btf, const char *name)
{
	int32_t id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	const struct btf_member *m = t ? btf_members(t) : NULL;

	for (uint16_t k = 0; t && k < btf_vlen(t); k++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return (long)(btf_member_bit_offset(t, k) / 8);
	return -1;
}

/* A task_struct { int pid @16; int tgid @4; task_struct *real_parent @40 },
 * and the tracepoint record exec_seen's tracepoint program reads,
 * trace_event_raw_sched_process_exec { int pid @32; int old_pid @36 }. */
static int write_shifted_btf(const char *path)
{
	struct btf *btf = btf__new_empty();
	const void *raw;
	uint32_t size;
	FILE *f;
	int i, s;

	if (!btf)
		return -1;
	i = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	btf__add_ptr(btf, i + 2);		/* the struct, added next */
	s = btf__add_struct(btf, "task_struct", 64);
	if (i < 0 || s != i + 2 || btf__add_field(btf, "tgid", i, 4 * 8, 0) ||
	    btf__add_field(btf, "pid", i, 16 * 8, 0) ||
	    btf__add_field(btf, "real_parent", i + 1, 40 * 8, 0))
		return -1;
	s = btf__add_struct(btf, "trace_event_raw_sched_process_exec", 40);
	if (s < 0 || btf__add_field(btf, "pid", i, 32 * 8, 0) ||
	    btf__add_field(btf, "old_pid", i, 36 * 8, 0))
		return -1;
	raw = btf__raw_data(btf, &size);
	f = fopen(path, "wb");
	if (!raw || !f || fwrite(raw, 1, size, f) != size) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	btf__free(btf);
	return 0;
}

/* Opens and loads obj (relocated against custom, if not NULL); the
 * offsets libbpf found for tgid and real_parent. */
static int load(const char *obj, const char *custom, long *tgid, long *parent)
{
	LIBBPF_OPTS(bpf_object_open_opts, o, .btf_custom_path = custom);
	struct bpf_object *bo;
	int err;

	loglen = 0;
	logbuf[0] = '\0';
	bo = bpf_object__open_file(obj, &o);
	if (!bo)
		return -1;
	err = bpf_object__load(bo);
	*tgid = found_at("tgid");
	*parent = found_at("real_parent");
	bpf_object__close(bo);
	return err;
}

int main(int argc, char **argv)
{
	const char *custom = "/tmp/w2b-shifted-task-struct.btf";
	struct btf *vmlinux = btf__load_vmlinux_btf();
	long tgid, parent, ctgid, cparent;

	if (argc != 2 || !vmlinux) {
		fprintf(stderr, "usage: trace_relocate exec_seen.bpf.o (needs /sys/kernel/btf/vmlinux)\n");
		return 2;
	}
	libbpf_set_print(capture);
	expect("the shifted BTF is written", write_shifted_btf(custom), 0);
	expect("loads relocated for the running kernel", load(argv[1], NULL, &tgid, &parent), 0);
	expect("tgid where the running kernel has it", (uint64_t)tgid,
	       (uint64_t)member_offset(vmlinux, "tgid"));
	expect("real_parent where the running kernel has it", (uint64_t)parent,
	       (uint64_t)member_offset(vmlinux, "real_parent"));
	expect("loads relocated for the other BTF", load(argv[1], custom, &ctgid, &cparent), 0);
	expect("tgid at the other BTF's offset", (uint64_t)ctgid, 4);
	expect("real_parent at the other BTF's offset", (uint64_t)cparent, 40);
	expect("the two offset sets differ", tgid != ctgid && parent != cparent, 1);
	printf("offsets: running kernel tgid %ld real_parent %ld; other BTF tgid %ld real_parent %ld\n",
	       tgid, parent, ctgid, cparent);
	remove(custom);
	btf__free(vmlinux);
	printf("relocate: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
