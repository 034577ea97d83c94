/*
 * fuzz_frontend.c — libFuzzer harness for the whole frontend to IR.
 *
 * Every input is taken as a Wasm binary and goes through the stages and IR
 * passes cli/pipeline.c's compile_module() runs before the backend, in its
 * order: decode, DWARF lines, IR building, memory layout, the SDK's maps
 * and their types, the entries, bounded recursion, the call graph,
 * imports, memory classification, traps, loops, frame promotion and
 * may_trap; then the IR is printed (to memory) so that the printer walks
 * what the passes left.
 * Diagnostics are thrown away. Left out: binaryen's validation (a child
 * process per input, far too slow here; the stages after it in the
 * pipeline therefore see modules binaryen would refuse, so a finding past
 * fe_build_ir() is checked against binaryen before it counts) and LLVM's
 * code generation (milliseconds per function).
 *
 * What is tested: no input trips a sanitizer, aborts or hangs, and every
 * stage that fails has reported an error (a refusal nobody is told about
 * is a bug too).
 *
 * The entries: the ones the module records (the SDKs' sections), else
 * every exported function, as the CLI's --all-exports --skip-unsupported
 * does, each in a program section and for a target kernel chosen from a
 * hash of the input so that one input always takes the same path and the
 * corpus covers packet, context and tracing entries and each loop
 * lowering.
 *
 * scripts/fuzz.sh frontend SECONDS builds and runs it; built with
 * -DW2B_FUZZ_STANDALONE it replays files and directories (replay_main.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/arena.h"
#include "common/diag.h"
#include "common/kernel.h"
#include "common/source_map.h"
#include "frontend/frontend.h"
#include "ir/ir.h"

static void discard(void *user, enum diag_level level, const char *line)
{
	(void)user;
	(void)level;
	(void)line;
}

/* a stage failed without saying why */
static void must_have_reported(int err, const struct diag_sink *d)
{
	if (err && d->nerrors == 0)
		abort();
}

static const char *const sections[] = {
	"syscall", "xdp", "tc", "socket", "cgroup_skb/ingress", "kprobe/do_unlinkat",
	"raw_tp/sched_switch", "perf_event",
};

static const uint32_t kernels[] = {
	W2B_OLDEST_TARGET_KERNEL, W2B_DEFAULT_TARGET_KERNEL, W2B_KERNEL(6, 4), W2B_KERNEL(6, 18),
};

static uint32_t hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;

	for (size_t k = 0; k < size; k++)
		h = (h ^ data[k]) * 16777619u;
	return h ^ h >> 16;
}

static void run(const uint8_t *data, size_t size, struct arena *a, struct diag_sink *d,
		struct source_map **sm)
{
	uint32_t h = hash(data, size);
	struct ir_loop_opts loops = { 1000000u, true, kernels[h % 4], false };
	const char *section = sections[(h >> 2) % (sizeof(sections) / sizeof(*sections))];
	struct fe_module *wm;
	struct ir_module *m;
	bool *ok;
	uint32_t kept = 0;
	int err;

	if (!(wm = fe_decode(data, size, a, d)))
		return;
	d->source = *sm = fe_read_source_lines(wm, d);
	m = fe_build_ir(wm, "fuzz.wasm", NULL, a, d);
	if (!m) {
		must_have_reported(-1, d);
		return;
	}
	m->source = *sm;
	if ((err = ir_check_nesting(m, d)) || (err = fe_layout_memory(m, wm, 0, d)) ||
	    (err = fe_read_maps(m, wm, d))) {
		must_have_reported(err, d);
		return;
	}
	fe_read_map_types(m, wm, d);
	if ((err = fe_add_recorded_entries(m, wm, d))) {
		must_have_reported(err, d);
		return;
	}
	for (uint32_t k = 0; !m->nentries && k < wm->nexports; k++) {
		const struct fe_export *ex = &wm->exports[k];

		if (ex->kind != FE_EXT_FUNC || wm->funcs[ex->index].imported)
			continue;
		if ((err = fe_add_entry(m, wm, ex->name, section, d))) {
			must_have_reported(err, d);
			return;
		}
	}
	if (!m->nentries)
		return;
	ir_refuse_over_budget(m);
	ir_bound_recursion(m, 8, false, d);
	/* --skip-unsupported: the entries outside the subset are dropped */
	if (!(ok = calloc(m->nentries, sizeof(*ok))))
		abort();
	ir_analyze_calls(m, d, ok);
	for (uint32_t k = 0; k < m->nentries; k++)
		if (ok[k])
			m->entries[kept++] = m->entries[k];
	free(ok);
	m->nentries = kept;
	if (!kept)
		return;
	/* from here on d->nerrors counts the failures above too: a fresh
	 * count for the passes */
	d->nerrors = 0;
	if ((err = ir_analyze_calls(m, d, NULL)) ||
	    (err = ir_lower_imports(m, loops.kfuncs_allowed, loops.kernel, false, d)) ||
	    (err = ir_lower_memory(m, d))) {
		must_have_reported(err, d);
		return;
	}
	ir_insert_traps(m);
	if ((err = ir_bound_loops(m, &loops, d))) {
		must_have_reported(err, d);
		return;
	}
	ir_promote_frames(m);
	ir_compute_may_trap(m);
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (!f)
			abort();
		ir_print_module(f, m);
		fclose(f);
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_sink d;
	struct arena a;
	struct source_map *sm = NULL;

	diag_init(&d, "fuzz.wasm");
	d.cb = discard;
	arena_init(&a);
	run(data, size, &a, &d, &sm);
	source_map_free(sm);
	arena_free(&a);
	return 0;
}

#ifdef W2B_FUZZ_STANDALONE
#include "replay_main.h"
#endif
