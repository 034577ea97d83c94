/*
 * test_vcheck.c — verifier-check against the running kernel.
 *
 *     test_vcheck vcheck_probe.o vcheck_reject.o
 *
 * Both objects are built from vcheck_probe.bpf.c (see there). The first must
 * load, report its verifier statistics and add two u64 through the syscall
 * ABI of common/abi.h; the second must be refused with the verifier's own
 * words in the diagnostic, and vc_load must hand back the whole log. The
 * remaining cases are the API's edges: a file that is not ELF, an unknown
 * symbol, a context shorter than the program reads.
 *
 * Needs root (or CAP_BPF + CAP_SYS_ADMIN) and a kernel with BTF; prints
 * `vcheck: N passed, M failed` and exits 1 if anything failed.
 */
#include "common/abi.h"
#include "common/diag.h"
#include "verifier-check/vcheck.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned npass, nfail;

#define CHECK(cond, ...) do { \
		if (cond) { \
			npass++; \
		} else { \
			nfail++; \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

/* Collects every diagnostic line, so a test can look for words in it. */
struct capture {
	char *text;
	size_t len;
};

static void capture_cb(void *user, enum diag_level level, const char *line)
{
	struct capture *c = user;
	size_t n = strlen(line);
	char *t = realloc(c->text, c->len + n + 2);

	(void)level;
	if (!t)
		abort();
	memcpy(t + c->len, line, n);
	t[c->len + n] = '\n';
	t[c->len + n + 1] = '\0';
	c->text = t;
	c->len += n + 1;
}

static void sink_init(struct diag_sink *d, struct capture *c, const char *file)
{
	diag_init(d, file);
	c->text = NULL;
	c->len = 0;
	d->cb = capture_cb;
	d->user = c;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = (size_t)n;
	}
	fclose(f);
	return buf;
}

static void test_accepted(const char *path)
{
	struct vc_load_opts opts = { .sz = sizeof(opts), .name = "vcheck_probe" };
	struct diag_sink d;
	struct capture c;
	struct vc_object *o;
	unsigned char ctx[W2B_SYSCALL_CTX_SIZE(2, 1)];
	uint64_t a = 0x123456789abcdefull, b = 0xfedcba9876543210ull, sum;
	uint32_t status, retval = 99, vi, xi;
	char *log = (char *)1;
	size_t size = 0;
	void *obj = read_file(path, &size);
	int fd, err;

	CHECK(obj != NULL, "cannot read %s", path);
	if (!obj)
		return;
	sink_init(&d, &c, path);
	o = vc_load(obj, size, &opts, &d, &log);
	CHECK(o != NULL, "vc_load failed:\n%s", c.text ? c.text : "(no diagnostic)");
	CHECK(log == NULL, "log must be NULL after a successful load");
	CHECK(d.nerrors == 0, "errors on success:\n%s", c.text);
	if (!o)
		goto out;

	fd = vc_prog_fd(o, "probe_add");
	CHECK(fd >= 0, "vc_prog_fd(probe_add) = %d", fd);
	CHECK(vc_prog_fd(o, "no_such_prog") == -ENOENT, "unknown symbol must be -ENOENT");

	vi = vc_verified_insns(o, "probe_add");
	xi = vc_xlated_insns(o, "probe_add");
	CHECK(vi > 0, "verified_insns = %u", vi);
	CHECK(xi >= 6, "xlated_insns = %u", xi);
	printf("probe_add: verified_insns %u, xlated_insns %u\n", vi, xi);

	/* Status word set to garbage so that the program's 0 is observable. */
	memset(ctx, 0xa5, sizeof(ctx));
	memcpy(ctx + W2B_SYSCALL_CTX_SLOTS, &a, 8);
	memcpy(ctx + W2B_SYSCALL_CTX_SLOTS + 8, &b, 8);
	err = vc_test_run(o, "probe_add", ctx, sizeof(ctx), NULL, 0, NULL, NULL, &retval, &d);
	CHECK(err == 0, "vc_test_run = %d:\n%s", err, c.text ? c.text : "");
	memcpy(&sum, ctx + W2B_SYSCALL_CTX_SLOTS + 16, 8);
	memcpy(&status, ctx + W2B_SYSCALL_CTX_STATUS, 4);
	CHECK(sum == a + b, "sum 0x%llx, want 0x%llx",
	      (unsigned long long)sum, (unsigned long long)(a + b));
	CHECK(status == 0, "status 0x%x, want 0", status);
	CHECK(retval == 0, "retval %u, want 0", retval);

	/* The program reads up to ctx+32; the kernel refuses a shorter
	 * context (max_ctx_offset), and the refusal must be reported. */
	free(c.text);
	sink_init(&d, &c, path);
	err = vc_test_run(o, "probe_add", ctx, 16, NULL, 0, NULL, NULL, &retval, &d);
	CHECK(err == -EINVAL, "short ctx: vc_test_run = %d, want -EINVAL", err);
	CHECK(d.nerrors == 1 && c.text && strstr(c.text, "probe_add"),
	      "short ctx must be reported naming the program:\n%s", c.text ? c.text : "");

	err = vc_test_run(o, "no_such_prog", ctx, sizeof(ctx), NULL, 0, NULL, NULL, &retval, &d);
	CHECK(err == -ENOENT, "unknown program: vc_test_run = %d", err);

	vc_close(o);
out:
	free(c.text);
	free(obj);
}

static void test_rejected(const char *path)
{
	struct vc_load_opts opts = { .sz = sizeof(opts), .name = "vcheck_reject" };
	struct diag_sink d;
	struct capture c;
	struct vc_object *o;
	char *log = NULL;
	size_t size = 0;
	void *obj = read_file(path, &size);

	CHECK(obj != NULL, "cannot read %s", path);
	if (!obj)
		return;
	sink_init(&d, &c, path);
	o = vc_load(obj, size, &opts, &d, &log);
	CHECK(o == NULL, "vc_load must refuse %s", path);
	vc_close(o);
	CHECK(d.nerrors == 1, "want exactly one error, got %u:\n%s", d.nerrors,
	      c.text ? c.text : "");
	CHECK(c.text && strstr(c.text, "error: program 'probe_add' rejected by the kernel verifier (-"),
	      "diagnostic must name the program:\n%s", c.text ? c.text : "");
	/* The kernel's words for an access at ctx+70000 (either the offset
	 * check, or the refusal of a modified ctx pointer, depending on how
	 * clang formed the address). */
	CHECK(c.text && (strstr(c.text, "invalid bpf_context access") ||
			 strstr(c.text, "modified ctx ptr")),
	      "diagnostic must quote the verifier:\n%s", c.text ? c.text : "");
	CHECK(log && (strstr(log, "invalid bpf_context access") || strstr(log, "modified ctx ptr")),
	      "log must hold the complaint:\n%s", log ? log : "(null)");
	printf("rejected as expected:\n%s", c.text ? c.text : "");

	/* Same object, verbose log requested: still one error, and a log. */
	free(c.text);
	free(log);
	log = NULL;
	opts.log_level = 2;
	sink_init(&d, &c, path);
	o = vc_load(obj, size, &opts, &d, &log);
	CHECK(o == NULL && d.nerrors == 1 && log && log[0], "log_level 2 rejection");
	vc_close(o);

	free(c.text);
	free(log);
	free(obj);
}

static void test_not_elf(void)
{
	static const char junk[] = "\0asm\1\0\0\0 this is Wasm, not ELF";
	struct diag_sink d;
	struct capture c;
	char *log = (char *)1;
	struct vc_object *o;

	sink_init(&d, &c, "junk.o");
	o = vc_load(junk, sizeof(junk), NULL, &d, &log);
	CHECK(o == NULL, "a non-ELF object must not load");
	CHECK(log == NULL, "no log for a non-ELF object");
	CHECK(d.nerrors == 1 && c.text && strstr(c.text, "cannot load object"),
	      "non-ELF must be one error:\n%s", c.text ? c.text : "");
	vc_close(o);
	free(c.text);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s vcheck_probe.o vcheck_reject.o\n", argv[0]);
		return 2;
	}
	test_accepted(argv[1]);
	test_rejected(argv[2]);
	test_not_elf();
	printf("vcheck: %u passed, %u failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
