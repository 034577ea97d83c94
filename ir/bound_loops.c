/*
 * bound_loops.c — give every loop a bound the verifier can see.
 *
 * The kernel verifier walks a plain loop one iteration at a time, so its
 * cost grows with the trip count (a million iterations are rejected as
 * "program too large"). Each loop therefore gets one of two lowerings:
 *
 *   PLAIN  the loop provably runs at most a few times. Today that is a
 *          `loop` no branch ever targets: it runs its body once, it is a
 *          block.
 *   ITER   everything else: an open-coded bpf_iter_num iterator is the
 *          loop's fuel. The verifier treats the iterator's `next` as a
 *          checkpoint and stops when the state at the loop head repeats,
 *          so verification costs the same for 10 or 10^6 iterations; at
 *          run time the loop traps ("loop iteration limit exceeded") once
 *          the fuel (--max-loop-iters per entry into the loop) runs out.
 *
 * For the ITER states to repeat, values the verifier knows exactly must not
 * be carried around the loop: a counter that starts at the constant 0 would
 * be 0, 1, 2, ... to the verifier, a new state each time. So the locals the
 * loop writes are "laundered" at loop entry: the backend passes their values
 * through per-CPU scratch memory, which the verifier does not track, and
 * from then on they are unknown scalars whose ranges converge.
 */
#include "ir.h"

#include <errno.h>
#include <stdlib.h>

#include "common/diag.h"

struct loop_scan {
	struct arena *a;
	const struct ir_label *label;
	bool targeted;
	uint32_t nlocals;
	uint8_t *written;	/* per local */
};

static void scan_loop_body(struct ir_inst *i, void *user)
{
	struct loop_scan *s = user;

	switch ((enum ir_kind)i->kind) {
	case IR_LOCAL_SET:
		s->written[i->u.local] = 1;
		break;
	case IR_BR:
	case IR_BR_IF:
		if (i->u.target == s->label)
			s->targeted = true;
		break;
	case IR_BR_TABLE:
		for (uint32_t k = 0; k < i->u.table.ntargets; k++)
			if (i->u.table.targets[k] == s->label)
				s->targeted = true;
		if (i->u.table.dflt == s->label)
			s->targeted = true;
		break;
	default:
		break;
	}
}

struct bound_ctx {
	struct ir_module *m;
	struct ir_func *f;
	const struct ir_loop_opts *opts;
	uint8_t *written;
	struct diag_sink *d;
	int err;
};

static void bound_loop(struct bound_ctx *c, struct ir_inst *loop)
{
	struct ir_loop_info *li = &loop->u.scope.loop;
	struct loop_scan s = { c->m->arena, loop->u.scope.label, false, c->f->nlocals, c->written };
	uint32_t n = 0;

	for (uint32_t k = 0; k < c->f->nlocals; k++)
		c->written[k] = 0;
	ir_walk_insts(&loop->u.scope.body, scan_loop_body, &s);
	if (!s.targeted) {
		li->lowering = IR_LOOP_PLAIN;
		li->max_iters = 1;
		li->nlaundered = 0;
		return;
	}
	if (!c->opts->kfuncs_allowed && !c->err) {
		diag_report(c->d, DIAG_ERROR, &(struct diag_loc){ loop->offset, c->f->wasm_index,
			    c->f->name, NULL },
			    "this loop needs a GPL-compatible --license: its fuel is the bpf_iter_num "
			    "kfunc, and the kernel lets only GPL-compatible programs call kfuncs");
		c->err = -EINVAL;
	}
	li->lowering = IR_LOOP_ITER;
	/* The fuel is spent at the loop head, which the first entry reaches
	 * too: N jumps back need N + 1 units. */
	li->max_iters = c->opts->max_loop_iters + 1;
	for (uint32_t k = 0; k < c->f->nlocals; k++)
		n += c->written[k];
	li->nlaundered = n;
	li->laundered = arena_array(c->m->arena, n ? n : 1, sizeof(uint32_t));
	n = 0;
	for (uint32_t k = 0; k < c->f->nlocals; k++)
		if (c->written[k])
			li->laundered[n++] = k;
}

static void visit(struct ir_inst *i, void *user)
{
	if (i->kind == IR_LOOP)
		bound_loop(user, i);
}

int ir_bound_loops(struct ir_module *m, const struct ir_loop_opts *opts, struct diag_sink *d)
{
	int err = 0;

	for (uint32_t k = 0; k < m->nfuncs; k++) {
		struct ir_func *f = &m->funcs[k];
		struct bound_ctx c = { m, f, opts, NULL, d, err };

		if (!f->reachable)
			continue;
		c.written = calloc(f->nlocals ? f->nlocals : 1, 1);
		if (!c.written)
			abort();
		ir_walk_insts(&f->body, visit, &c);
		free(c.written);
		err = c.err;
	}
	return err;
}
