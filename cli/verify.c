/*
 * verify.c — `wasm2bpf --stats` and `--verify`: what a compiled object's
 * programs cost, and what the running kernel's verifier says of them.
 *
 *   --stats   a line per program: its section, its BPF instructions (the
 *             program's own, as in the object: subprograms and loop
 *             bodies are listed apart by bpftool, not here), the stack of
 *             its deepest chain of calls (as the verifier adds it up:
 *             verifier-check/stack_depth.c), the precheck's estimate of
 *             the instructions the verifier will process
 *             (verifier-check/precheck.c), and with --verify the
 *             instructions it processed and the loaded size.
 *   --verify  loads every program into the running kernel (root or
 *             CAP_BPF) at log level 2 and prints each one's whole log,
 *             every line the verifier tied to a Wasm offset named in the
 *             module's terms: `; @ x.wasm:338` becomes
 *             `; func[3] 'parse', offset 0x152 @ x.wasm:338` (with the
 *             source line when the module has them); a module built with
 *             -g already has its C lines there (BTF line info). A program
 *             the kernel refuses ends the run with its annotated log and
 *             exit status 2.
 *
 * Both print to standard output, or to standard error when the object
 * itself goes to standard output (-o -).
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "common/diag.h"
#include "verifier-check/vcheck.h"

struct stack_of {
	const char *symbol;
	uint32_t total;
	bool found;
};

/* The precheck's estimate for each entry (by index), from one run of it
 * over the object. */
struct estimates {
	const struct w2b_output *out;
	struct vc_prog_cost *cost;
	bool *found;
};

static void keep_estimate(const struct vc_prog_cost *cost, void *user)
{
	struct estimates *e = user;

	for (size_t k = 0; k < e->out->nentries; k++)
		if (!strcmp(cost->prog, e->out->entries[k].symbol)) {
			e->cost[k] = *cost;
			/* they point into the object's image, gone after */
			e->cost[k].prog = e->cost[k].section = NULL;
			e->found[k] = true;
		}
}

static void find_chain(const struct vc_stack_chain *ch, void *user)
{
	struct stack_of *s = user;

	if (!strcmp(ch->prog, s->symbol)) {
		s->total = ch->total;
		s->found = true;
	}
}

/* The module's name for a log line's `@ FILE:LINE` when FILE is the
 * module itself (its line numbers are byte offsets): `func[N] 'name',
 * offset 0xLINE`, and the source line if the map has one. */
static void annotate(FILE *f, const struct w2b_output *out, const char *base, const char *line)
{
	const char *at = strstr(line, " @ ");
	size_t n = strlen(base);
	char *end, where[400];
	unsigned long off;
	long fi;

	if (!at || strncmp(at + 3, base, n) || at[3 + n] != ':') {
		fprintf(f, "%s\n", line);
		return;
	}
	off = strtoul(at + 4 + n, &end, 10);
	if (*end || off > UINT32_MAX || (fi = w2b_func_at(out, (uint32_t)off)) < 0) {
		fprintf(f, "%s\n", line);
		return;
	}
	fprintf(f, "%.*s %s%s\n", (int)(at - line), line,
		cli_func_offset(out, (uint32_t)fi, (uint32_t)off, where, sizeof(where)), at);
}

static void print_log(FILE *f, const struct w2b_output *out, const char *base, const char *log)
{
	const char *p = log;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);

		if (!line)
			abort();
		annotate(f, out, base, line);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
}

/* The instructions of each program as the object holds them. */
static uint32_t object_insns(struct bpf_object *bo, const char *symbol)
{
	struct bpf_program *p = bo ? bpf_object__find_program_by_name(bo, symbol) : NULL;

	return p ? (uint32_t)bpf_program__insn_cnt(p) : 0;
}

int cli_verify(const struct cli_opts *c, const struct w2b_output *out)
{
	FILE *f = c->output && !strcmp(c->output, "-") ? stderr : stdout;
	const char *base = strrchr(c->input, '/') ? strrchr(c->input, '/') + 1 : c->input;
	struct vc_load_opts lo = { .sz = sizeof(lo), .name = base, .log_level = 2,
				   .keep_logs = true };
	struct bpf_object *bo = bpf_object__open_mem(out->data, out->size, NULL);
	struct vc_object *obj = NULL;
	struct estimates est = { out, calloc(out->nentries + 1, sizeof(*est.cost)),
				 calloc(out->nentries + 1, sizeof(*est.found)) };
	struct vc_precheck_opts po = { sizeof(po), c->compile.target_kernel, NULL, keep_estimate,
				       &est };
	struct diag_sink d;
	char *log = NULL;
	int status = 0;

	if (!est.cost || !est.found)
		abort();
	if (c->stats)
		vc_precheck(out->data, out->size, &po);
	diag_init(&d, c->input);
	if (c->verify) {
		obj = vc_load(out->data, out->size, &lo, &d, &log);
		if (!obj) {
			/* the diagnostic named the program; its whole log */
			if (log)
				print_log(f, out, base, log);
			free(log);
			status = W2B_EXIT_FAILURE;
		}
	}
	for (size_t k = 0; !status && k < out->nentries; k++) {
		const struct w2b_entry_info *e = &out->entries[k];
		struct stack_of st = { e->symbol, 0, false };

		if (c->verify) {
			fprintf(f, "verify: program '%s' (%s), the kernel's log:\n", e->symbol, e->section);
			print_log(f, out, base, vc_prog_log(obj, e->symbol));
		}
		if (!c->stats)
			continue;
		vc_stack_chains(out->data, out->size, find_chain, &st);
		fprintf(f, "stats: program '%s' (%s): %u instructions, %u bytes of stack", e->symbol,
			e->section, object_insns(bo, e->symbol), st.found ? st.total : 0);
		/* each instruction once per loop iteration: the verifier
		 * walks some again on other paths, and skips branches it
		 * knows are never taken (docs/precheck.md, the estimate) */
		if (est.found[k])
			fprintf(f, ", estimated %llu instructions processed%s",
				(unsigned long long)est.cost[k].processed,
				est.cost[k].processed_exact ? "" :
				" (at least: a loop's trip count unknown)");
		if (c->verify)
			fprintf(f, "; verifier: %u instructions processed, %u loaded",
				vc_verified_insns(obj, e->symbol), vc_xlated_insns(obj, e->symbol));
		fprintf(f, "\n");
	}
	vc_close(obj);
	bpf_object__close(bo);
	free(est.cost);
	free(est.found);
	return status;
}
