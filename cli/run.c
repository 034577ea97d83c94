/*
 * run.c — `wasm2bpf run`: compile, load into the kernel, call.
 *
 *     wasm2bpf run fac.wasm --invoke fac i64:20
 *     i64:2432902008176640000
 *
 * The module is compiled with the invoked export as a `syscall` entry (or,
 * with --all-exports, every export), loaded through libbpf, and each call
 * is one BPF_PROG_TEST_RUN with the context of docs/abi.md: parameters in,
 * status and results out. Nothing is simulated: the kernel's verifier
 * checks the program and the kernel runs it.
 *
 * Batch mode (--batch) serves the spec test runner: the object is loaded
 * once and calls are read from stdin, one per line,
 *
 *     invoke HEXNAME TYPE:VALUE ...     ->  ok TYPE:VALUE ... | trap MESSAGE | error MESSAGE
 *     stats HEXNAME                     ->  ok verified_insns=N xlated_insns=M
 *
 * where HEXNAME is the export name's bytes in hex (names may hold any
 * UTF-8). Before `ready` it lists the exports it left out:
 * `skip HEXNAME REASON`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "common/abi.h"
#include "common/diag.h"
#include "common/trap_kinds.h"
#include "verifier-check/vcheck.h"

/* Parses "i32:VALUE" / "i64:VALUE" (unsigned bit pattern or signed decimal). */
static int parse_arg(const char *s, uint8_t type, uint64_t *out)
{
	const char *want = type == W2B_I32 ? "i32:" : "i64:";
	char *end;

	if (strncmp(s, want, 4) != 0)
		return -1;
	s += 4;
	errno = 0;
	if (s[0] == '-') {
		long long v = strtoll(s, &end, 0);

		if (type == W2B_I32 && v < INT32_MIN)
			return -1;
		*out = (uint64_t)v;
	} else {
		unsigned long long v = strtoull(s, &end, 0);

		if (type == W2B_I32 && v > UINT32_MAX)
			return -1;
		*out = v;
	}
	if (errno || end == s || *end)
		return -1;
	if (type == W2B_I32)
		*out &= 0xffffffffu;
	return 0;
}

static const char *type_name(uint8_t t)
{
	return t == W2B_I32 ? "i32" : "i64";
}

struct call {
	const struct w2b_entry_info *e;
	uint64_t *results;
	unsigned trap;		/* 0 or a trap code */
	char msg[256];		/* error text when the call could not be made */
};

/* Runs one call; 0 (results or trap in c) or -1 (c->msg says why). */
static int do_call(struct vc_object *obj, struct call *c, char **args, size_t nargs,
		   struct diag_sink *d)
{
	const struct w2b_entry_info *e = c->e;
	size_t size = W2B_SYSCALL_CTX_SIZE(e->nparams, e->nresults);
	uint8_t *ctx = calloc(1, size);
	uint32_t retval = 0, status;
	int err;

	if (!ctx)
		abort();
	if (nargs != e->nparams) {
		snprintf(c->msg, sizeof(c->msg), "'%s' takes %u arguments, %zu given",
			 e->export_name, e->nparams, nargs);
		free(ctx);
		return -1;
	}
	for (uint32_t k = 0; k < e->nparams; k++) {
		uint64_t v;

		if (parse_arg(args[k], e->param_types[k], &v)) {
			snprintf(c->msg, sizeof(c->msg), "argument %u: expected %s:VALUE, got '%s'",
				 k + 1, type_name(e->param_types[k]), args[k]);
			free(ctx);
			return -1;
		}
		memcpy(ctx + W2B_SYSCALL_CTX_SLOTS + 8 * k, &v, 8);
	}
	err = vc_test_run(obj, e->symbol, ctx, size, NULL, 0, &retval, d);
	if (err) {
		snprintf(c->msg, sizeof(c->msg), "BPF_PROG_TEST_RUN failed: %s", strerror(-err));
		free(ctx);
		return -1;
	}
	memcpy(&status, ctx + W2B_SYSCALL_CTX_STATUS, 4);
	c->trap = status;
	for (uint32_t k = 0; k < e->nresults; k++) {
		memcpy(&c->results[k], ctx + W2B_SYSCALL_CTX_SLOTS + 8 * (e->nparams + k), 8);
		if (e->result_types[k] == W2B_I32)
			c->results[k] &= 0xffffffffu;
	}
	free(ctx);
	return 0;
}

static const char *trap_text(unsigned code)
{
	const char *m = w2b_trap_message(code);

	return m ? m : "unknown trap";
}

static const struct w2b_entry_info *find_entry(const struct w2b_output *out, const char *name)
{
	for (size_t k = 0; k < out->nentries; k++)
		if (!strcmp(out->entries[k].export_name, name))
			return &out->entries[k];
	return NULL;
}

static void print_hex(FILE *f, const char *s)
{
	for (; *s; s++)
		fprintf(f, "%02x", (unsigned char)*s);
}

/* Decodes hex in place; -1 if malformed. */
static int unhex(char *s)
{
	size_t n = strlen(s);
	char *o = s;

	if (n % 2)
		return -1;
	for (size_t k = 0; k < n; k += 2) {
		unsigned v;

		if (sscanf(s + k, "%2x", &v) != 1)
			return -1;
		*o++ = (char)v;
	}
	*o = '\0';
	return 0;
}

static void batch_line(struct vc_object *obj, const struct w2b_output *out, char *line,
		       struct diag_sink *d)
{
	char *words[64];
	size_t n = 0;
	char *save = NULL;

	for (char *w = strtok_r(line, " \t\r\n", &save); w && n < 64;
	     w = strtok_r(NULL, " \t\r\n", &save))
		words[n++] = w;
	if (n < 2 || unhex(words[1])) {
		printf("error malformed command\n");
		return;
	}
	if (!strcmp(words[0], "stats")) {
		const struct w2b_entry_info *e = find_entry(out, words[1]);

		if (!e)
			printf("error no entry '%s'\n", words[1]);
		else
			printf("ok verified_insns=%u xlated_insns=%u\n",
			       vc_verified_insns(obj, e->symbol), vc_xlated_insns(obj, e->symbol));
		return;
	}
	if (!strcmp(words[0], "invoke")) {
		struct call c = { 0 };
		uint64_t results[64];

		c.e = find_entry(out, words[1]);
		c.results = results;
		if (!c.e) {
			printf("error no entry '%s'\n", words[1]);
			return;
		}
		if (c.e->nresults > 64) {
			printf("error too many results\n");
			return;
		}
		if (do_call(obj, &c, words + 2, n - 2, d)) {
			printf("error %s\n", c.msg);
			return;
		}
		if (c.trap) {
			printf("trap %s\n", trap_text(c.trap));
			return;
		}
		fputs("ok", stdout);
		for (uint32_t k = 0; k < c.e->nresults; k++)
			printf(" %s:%" PRIu64, type_name(c.e->result_types[k]), results[k]);
		fputc('\n', stdout);
		return;
	}
	printf("error unknown command '%s'\n", words[0]);
}

int cli_run(struct cli_opts *c)
{
	struct w2b_output *out = NULL;
	struct vc_object *obj;
	struct diag_sink d;
	struct w2b_entry_spec spec;
	int err, status = W2B_EXIT_OK;

	diag_init(&d, c->input);
	if (c->compile.emit != W2B_EMIT_OBJ) {
		fprintf(stderr, "wasm2bpf: error: run needs --emit=obj\n");
		return W2B_EXIT_FAILURE;
	}
	if (!c->batch && !c->invoke) {
		fprintf(stderr, "wasm2bpf: error: run needs --invoke FUNC or --batch\n");
		return W2B_EXIT_FAILURE;
	}
	if (c->invoke && !c->compile.all_exports_section) {
		bool named = false;

		for (size_t k = 0; k < c->compile.nentries; k++)
			named |= !strcmp(c->compile.entries[k].export_name, c->invoke);
		if (!named) {
			/* the invoked export becomes the one syscall entry */
			spec = (struct w2b_entry_spec){ c->invoke, "syscall" };
			c->compile.entries = &spec;
			c->compile.nentries = 1;
		}
	}
	err = w2b_compile(c->input, &c->compile, &out);
	if (err)
		return err == -EINVAL ? W2B_EXIT_REFUSED :
		       err == -ENOTRECOVERABLE ? W2B_EXIT_ICE : W2B_EXIT_FAILURE;
	if (c->batch) {
		for (size_t k = 0; k < out->nskipped; k++) {
			fputs("skip ", stdout);
			print_hex(stdout, out->skipped[k].export_name);
			printf(" %s\n", out->skipped[k].reason);
		}
		fflush(stdout);
	}
	obj = vc_load(out->data, out->size,
		      &(struct vc_load_opts){ .sz = sizeof(struct vc_load_opts), .name = c->input },
		      &d, NULL);
	if (!obj) {
		w2b_output_free(out);
		return W2B_EXIT_FAILURE;
	}
	if (c->batch) {
		char *line = NULL;
		size_t cap = 0;

		printf("ready\n");
		fflush(stdout);
		while (getline(&line, &cap, stdin) > 0) {
			batch_line(obj, out, line, &d);
			fflush(stdout);
		}
		free(line);
	} else {
		struct call call = { 0 };
		uint64_t results[64];

		call.e = find_entry(out, c->invoke);
		call.results = results;
		if (!call.e || call.e->nresults > 64) {
			fprintf(stderr, "wasm2bpf: error: no entry '%s'\n", c->invoke);
			status = W2B_EXIT_FAILURE;
		} else if (do_call(obj, &call, c->args, c->nargs, &d)) {
			fprintf(stderr, "%s: error: %s\n", c->input, call.msg);
			status = W2B_EXIT_FAILURE;
		} else if (call.trap) {
			printf("trap: %s\n", trap_text(call.trap));
			status = W2B_EXIT_TRAP;
		} else {
			for (uint32_t k = 0; k < call.e->nresults; k++)
				printf("%s:%" PRIu64 "\n", type_name(call.e->result_types[k]), results[k]);
		}
	}
	vc_close(obj);
	w2b_output_free(out);
	return status;
}
