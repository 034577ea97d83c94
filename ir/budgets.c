/*
 * budgets.c — the largest function wasm2bpf takes on.
 *
 * A module anyone wrote is compiled by root in a build pipeline, so its
 * size must not buy unbounded compile time. Everything of ours is linear
 * in the module's size, but LLVM's code generation is not: one function
 * of 200,000 instructions took 253 s (97% in the Two-Address pass), and
 * `if`s nested inside each other make its analyses of dominating
 * conditions quadratic (1,000 deep: 13 s; 10,000: minutes). Such code is
 * generated, never written, and no kernel verifies a program that size
 * anyway (1M processed instructions), so a function over either budget is
 * refused, located, in the frontend's time: it becomes a function outside
 * the subset (ir_func.refusal), which is an error only if an entry
 * reaches it (and which --skip-unsupported skips).
 *
 * And before anything else reads the module's code, scopes of any kind
 * nested deeper than IR_MAX_NESTING are refused (ir_check_nesting()):
 * binaryen, the second validator, overflows its stack at about 20,000.
 *
 * Measured on the 2-core build machine (docs/cli.md lists them, and
 * tests/cli/test_budgets.py checks them): 96,000 instructions in one
 * function compile in 18 s, 1,000 nested ifs in 13 s.
 */
#include "ir.h"

#include <errno.h>
#include <stdlib.h>

#include "common/diag.h"
#include "common/grouped.h"

/* How deep scopes nest in root (only `if`s, if ifs_only), and the offset
 * of the first scope deeper than limit. Iterative: a hostile module nests
 * a million deep, past any C stack. */
struct nest_frame {
	const struct ir_region *r;
	uint32_t next;
	bool counted;		/* popping it closes a counted scope */
};

static void nest_push(struct nest_frame **st, uint32_t *sp, uint32_t *cap,
		      const struct ir_region *r, bool counted)
{
	if (*sp == *cap) {
		struct nest_frame *n = realloc(*st, (*cap ? 2 * *cap : 64) * sizeof(**st));

		if (!n)
			abort();
		*st = n;
		*cap = *cap ? 2 * *cap : 64;
	}
	(*st)[(*sp)++] = (struct nest_frame){ r, 0, counted };
}

static uint32_t max_nesting(const struct ir_region *root, bool ifs_only, uint32_t limit,
			    uint32_t *offset)
{
	struct nest_frame *st = NULL;
	uint32_t sp = 0, cap = 0, depth = 0, max = 0;

	*offset = UINT32_MAX;
	nest_push(&st, &sp, &cap, root, false);
	while (sp) {
		struct nest_frame *fr = &st[sp - 1];
		const struct ir_inst *i;
		bool counts;

		if (fr->next >= fr->r->n) {
			depth -= fr->counted;
			sp--;
			continue;
		}
		i = fr->r->insts[fr->next++];
		if (i->kind != IR_BLOCK && i->kind != IR_LOOP && i->kind != IR_IF)
			continue;
		counts = !ifs_only || i->kind == IR_IF;
		depth += counts;
		if (depth > max) {
			max = depth;
			if (depth == limit + 1)
				*offset = i->offset;
		}
		/* an if's else arm is walked after its body, at the same depth:
		 * the scope closes when the else arm's frame pops */
		if (i->kind == IR_IF) {
			nest_push(&st, &sp, &cap, &i->u.scope.else_body, counts);
			nest_push(&st, &sp, &cap, &i->u.scope.body, false);
		} else {
			nest_push(&st, &sp, &cap, &i->u.scope.body, counts);
		}
	}
	free(st);
	return max;
}

void ir_refuse_over_budget(struct ir_module *m)
{
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		struct ir_func *f = &m->funcs[k];
		uint32_t depth, at;
		uint64_t n;
		char a[W2B_GROUPED_SIZE], b[W2B_GROUPED_SIZE];

		if (f->refusal)
			continue;
		n = ir_count_insts(&f->body);
		if (n > IR_MAX_FUNC_INSTS) {
			f->refusal = arena_printf(m->arena,
				"the function has %s instructions, more than the %s wasm2bpf "
				"compiles in one function (code generation time grows faster "
				"than the size past it): split it into smaller functions",
				w2b_grouped(n, a), w2b_grouped(IR_MAX_FUNC_INSTS, b));
			f->refusal_offset = f->offset;
			continue;
		}
		depth = max_nesting(&f->body, true, IR_MAX_IF_NESTING, &at);
		if (depth > IR_MAX_IF_NESTING) {
			f->refusal = arena_printf(m->arena,
				"`if`s nested %s deep, more than the %s wasm2bpf compiles "
				"(optimisation time grows with the square of the depth): "
				"use else-free early exits (br_if) or split the function",
				w2b_grouped(depth, a), w2b_grouped(IR_MAX_IF_NESTING, b));
			f->refusal_offset = at;
		}
	}
}

int ir_check_nesting(const struct ir_module *m, struct diag_sink *d)
{
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		const struct ir_func *f = &m->funcs[k];
		uint32_t at, depth = max_nesting(&f->body, false, IR_MAX_NESTING, &at);
		char a[W2B_GROUPED_SIZE], b[W2B_GROUPED_SIZE];

		if (depth <= IR_MAX_NESTING)
			continue;
		diag_report(d, DIAG_ERROR, &(struct diag_loc){ at, f->wasm_index, f->name, NULL },
			    "blocks nested %s deep, more than the %s wasm2bpf reads (binaryen, "
			    "the second validator, overflows its stack at about 20,000)",
			    w2b_grouped(depth, a), w2b_grouped(IR_MAX_NESTING, b));
		return -EINVAL;
	}
	return 0;
}
