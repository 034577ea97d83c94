/*
 * call_graph.c — which functions the entries reach, and whether the kernel
 * can run the calls between them.
 *
 * For each entry, a depth-first search over the call graph (an explicit
 * stack, no recursion) marks what the entry reaches and refuses, with the
 * chain of calls that leads there:
 *   - a reached function the frontend refused (floating point, ...): the
 *     refusal is reported at its own offset;
 *   - recursion: eBPF has no recursion, the verifier rejects call cycles;
 *     the cycle is printed;
 *   - a call chain deeper than the kernel's frame limit (MAX_CALL_FRAMES,
 *     8, counting the entry's wrapper frame, and, where loops are
 *     bpf_loop callbacks, one frame per loop with a back edge around a
 *     call).
 * Depths are the longest call chain below each function, memoised across
 * entries once a function is known to be fine.
 *
 * ir_compute_may_trap() then propagates "can trap" up the (acyclic) graph,
 * so the backend checks the trap flag only after calls that can set it.
 */
#include "ir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"

struct callee {
	uint32_t func;
	uint32_t offset;	/* of the first call site */
	uint32_t loops;		/* most callback loops around a call of it */
};

struct callees {
	struct callee *v;
	uint32_t n, cap;
	uint32_t loops;		/* the function's deepest nest of callback loops */
};

static void mark_target(struct ir_inst *i, void *user)
{
	bool *targeted = user;

	if (i->kind == IR_BR || i->kind == IR_BR_IF)
		targeted[i->u.target->id] = true;
	if (i->kind == IR_BR_TABLE) {
		for (uint32_t k = 0; k < i->u.table.ntargets; k++)
			targeted[i->u.table.targets[k]->id] = true;
		targeted[i->u.table.dflt->id] = true;
	}
}

static void add_call(struct callees *c, const struct ir_inst *i, uint32_t loops)
{
	for (uint32_t k = 0; k < c->n; k++)
		if (c->v[k].func == i->u.call.func) {
			if (loops > c->v[k].loops)
				c->v[k].loops = loops;
			return;
		}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			abort();
	}
	c->v[c->n++] = (struct callee){ i->u.call.func, i->offset, loops };
}

/* The functions f calls, and, when loops are bpf_loop callbacks (each a
 * frame of its own for the kernel), how deeply loops with a back edge
 * nest around each call and in f. An explicit stack: nesting comes from
 * the input. */
static void collect_calls(struct ir_func *f, bool loops_are_frames, struct callees *c)
{
	struct frame { const struct ir_region *r; uint32_t i, loops; } *st;
	bool *targeted = calloc(f->nlabels ? f->nlabels : 1, sizeof(bool));
	uint32_t n = 0, cap = 16;

	st = malloc(cap * sizeof(*st));
	if (!st || !targeted)
		abort();
	ir_walk_insts(&f->body, mark_target, targeted);
	st[n++] = (struct frame){ &f->body, 0, 0 };
	while (n) {
		struct frame *fr = &st[n - 1];
		const struct ir_inst *in;
		uint32_t loops = fr->loops;

		if (fr->i == fr->r->n) {
			n--;
			continue;
		}
		in = fr->r->insts[fr->i++];
		if (in->kind == IR_CALL)
			add_call(c, in, loops);
		if (in->kind != IR_BLOCK && in->kind != IR_LOOP && in->kind != IR_IF)
			continue;
		if (in->kind == IR_LOOP && loops_are_frames && targeted[in->u.scope.label->id]) {
			loops++;
			if (loops > c->loops)
				c->loops = loops;
		}
		if (n + 2 > cap) {
			cap *= 2;
			st = realloc(st, cap * sizeof(*st));
			if (!st)
				abort();
		}
		st[n++] = (struct frame){ &in->u.scope.body, 0, loops };
		if (in->kind == IR_IF)
			st[n++] = (struct frame){ &in->u.scope.else_body, 0, loops };
	}
	free(st);
	free(targeted);
}

static const char *fname(const struct ir_func *f)
{
	return f->name ? f->name : "";
}

/* "func[3] 'a' -> func[4] 'b'": path[from..to], then `last` if it is not
 * UINT32_MAX (the call that closes a cycle). malloc'd. */
static char *chain_text(const struct ir_module *m, const uint32_t *path, uint32_t from,
			uint32_t to, uint32_t last)
{
	size_t cap = 256, len = 0;
	char *s = malloc(cap);

	if (!s)
		abort();
	s[0] = '\0';
	for (uint32_t k = from; k <= to + 1; k++) {
		uint32_t fi = k <= to ? path[k] : last;
		const struct ir_func *f;
		char item[200];
		int n;

		if (fi == UINT32_MAX)
			break;
		f = &m->funcs[fi];
		n = snprintf(item, sizeof(item), "%sfunc[%u]%s%.100s%s", k > from ? " -> " : "",
			     f->wasm_index, f->name ? " '" : "", fname(f), f->name ? "'" : "");
		if (n < 0)
			continue;
		if ((size_t)n >= sizeof(item))
			n = sizeof(item) - 1;
		while (len + (size_t)n + 1 > cap) {
			cap *= 2;
			s = realloc(s, cap);
			if (!s)
				abort();
		}
		memcpy(s + len, item, (size_t)n + 1);
		len += (size_t)n;
	}
	return s;
}

int ir_analyze_calls(struct ir_module *m, uint32_t max_depth, bool loops_are_frames,
		     struct diag_sink *d, bool *entry_ok)
{
	uint32_t nf = m->nfuncs;
	struct callees *calls = calloc(nf ? nf : 1, sizeof(*calls));
	uint8_t *state = malloc(nf ? nf : 1);	/* 0 new, 1 on stack, 2 done, 3 bad */
	uint32_t *depth = calloc(nf ? nf : 1, sizeof(*depth));
	uint8_t *good = calloc(nf ? nf : 1, 1);	/* fine and depth known, for any entry */
	uint32_t *path = malloc((nf + 1) * sizeof(*path));
	uint32_t *iter = malloc((nf + 1) * sizeof(*iter));
	int err = 0;

	if (!calls || !state || !depth || !good || !path || !iter)
		abort();
	for (uint32_t k = 0; k < nf; k++) {
		m->funcs[k].reachable = false;
		if (!m->funcs[k].refusal)
			collect_calls(&m->funcs[k], loops_are_frames, &calls[k]);
	}

	for (uint32_t e = 0; e < m->nentries; e++) {
		const struct ir_entry *en = &m->entries[e];
		uint32_t sp = 0;
		bool ok = true;

		memset(state, 0, nf);
		path[sp] = en->func;
		iter[sp++] = 0;
		state[en->func] = 1;
		while (sp && ok) {
			uint32_t f = path[sp - 1];
			const struct ir_func *fn = &m->funcs[f];

			if (good[f]) {
				state[f] = 2;
				sp--;
				continue;
			}
			if (fn->refusal) {
				char *chain = chain_text(m, path, 0, sp - 1, UINT32_MAX);

				if (sp > 1)
					diag_report(d, DIAG_ERROR, &(struct diag_loc){ fn->refusal_offset,
						    fn->wasm_index, fn->name, NULL }, "%s (reached from entry '%s': %s)",
						    fn->refusal, en->export_name, chain);
				else
					diag_report(d, DIAG_ERROR, &(struct diag_loc){ fn->refusal_offset,
						    fn->wasm_index, fn->name, NULL }, "%s (entry '%s')",
						    fn->refusal, en->export_name);
				free(chain);
				ok = false;
				break;
			}
			if (iter[sp - 1] < calls[f].n) {
				const struct callee *c = &calls[f].v[iter[sp - 1]++];

				if (state[c->func] == 1) {
					uint32_t from = 0;
					char *chain;

					while (path[from] != c->func)
						from++;
					chain = chain_text(m, path, from, sp - 1, c->func);
					diag_report(d, DIAG_ERROR, &(struct diag_loc){ c->offset,
						    fn->wasm_index, fn->name, NULL },
						    "recursion is not supported (eBPF has no recursive calls): %s",
						    chain);
					free(chain);
					ok = false;
					break;
				}
				if (state[c->func] == 0) {
					state[c->func] = 1;
					path[sp] = c->func;
					iter[sp++] = 0;
				}
				continue;
			}
			/* all callees done: its depth is known (a callback
			 * loop's body is a frame below f's) */
			depth[f] = 1 + calls[f].loops;
			for (uint32_t k = 0; k < calls[f].n; k++) {
				const struct callee *c = &calls[f].v[k];

				if (depth[c->func] + 1 + c->loops > depth[f])
					depth[f] = depth[c->func] + 1 + c->loops;
			}
			good[f] = 1;
			state[f] = 2;
			sp--;
		}
		/* the entry's wrapper is one more frame */
		if (ok && depth[en->func] + 1 > max_depth) {
			const struct ir_func *fn = &m->funcs[en->func];

			diag_report(d, DIAG_ERROR, &(struct diag_loc){ fn->offset, fn->wasm_index, fn->name, NULL },
				    "call chain too deep: entry '%s' needs %u stack frames, the kernel allows %u%s",
				    en->export_name, depth[en->func] + 1, max_depth,
				    loops_are_frames ? " (each loop is a bpf_loop callback, a frame of its own; "
				    "with --target-kernel 6.4 or later loops are iterators, no frames)" : "");
			ok = false;
		}
		if (entry_ok)
			entry_ok[e] = ok;
		if (!ok) {
			err = -EINVAL;
			continue;
		}
		/* mark what this entry reaches */
		sp = 0;
		if (!m->funcs[en->func].reachable) {
			m->funcs[en->func].reachable = true;
			path[sp++] = en->func;
		}
		while (sp) {
			uint32_t f = path[--sp];

			m->funcs[f].call_depth = depth[f];
			for (uint32_t k = 0; k < calls[f].n; k++) {
				uint32_t c = calls[f].v[k].func;

				/* marked when pushed, so each is pushed once */
				if (!m->funcs[c].reachable) {
					m->funcs[c].reachable = true;
					path[sp++] = c;
				}
			}
		}
	}

	for (uint32_t k = 0; k < nf; k++)
		free(calls[k].v);
	free(calls);
	free(state);
	free(depth);
	free(good);
	free(path);
	free(iter);
	return err;
}

/* --- may_trap ---------------------------------------------------------- */

struct trap_scan {
	const struct ir_module *m;
	bool traps;
};

static void scan_traps(struct ir_inst *i, void *user)
{
	struct trap_scan *s = user;

	switch ((enum ir_kind)i->kind) {
	case IR_TRAP:
	case IR_TRAP_IF:
	case IR_LOAD:		/* out of bounds */
	case IR_STORE:
	case IR_MEMORY_COPY:
	case IR_MEMORY_FILL:
		s->traps = true;
		break;
	case IR_LOOP:
		if (i->u.scope.loop.lowering != IR_LOOP_PLAIN)
			s->traps = true;	/* fuel runs out */
		break;
	case IR_CALL:
		if (s->m->funcs[i->u.call.func].may_trap)
			s->traps = true;
		break;
	default:
		break;
	}
}

void ir_compute_may_trap(struct ir_module *m)
{
	/* The reachable graph is acyclic: iterate to a fixed point, at most
	 * the longest chain's length of rounds. */
	bool changed = true;

	while (changed) {
		changed = false;
		for (uint32_t k = 0; k < m->nfuncs; k++) {
			struct ir_func *f = &m->funcs[k];
			struct trap_scan s = { m, false };

			if (!f->reachable || f->may_trap)
				continue;
			ir_walk_insts(&f->body, scan_traps, &s);
			if (s.traps) {
				f->may_trap = true;
				changed = true;
			}
		}
	}
}
