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
 *     ir_bound_recursion() has made every cycle an entry reaches into
 *     nested copies already, so this is a safety net (the cycle is
 *     printed);
 * (The kernel's limit of 8 frames is checked on the optimised code, after
 * LLVM's inliner and with the loop callbacks: backend-bpf/emit_frames.c.)
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
};

struct callees {
	struct callee *v;
	uint32_t n, cap;
};

struct collect {
	struct callees *c;
};

static void collect_call(struct ir_inst *i, void *user)
{
	struct callees *c = user;

	if (i->kind != IR_CALL)
		return;
	for (uint32_t k = 0; k < c->n; k++)
		if (c->v[k].func == i->u.call.func)
			return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			abort();
	}
	c->v[c->n++] = (struct callee){ i->u.call.func, i->offset };
}

/* The chain path[from..to], then `last` if it is not UINT32_MAX (the
 * call that closes a cycle). malloc'd. */
static char *chain_text(const struct ir_module *m, const uint32_t *path, uint32_t from,
			uint32_t to, uint32_t last)
{
	uint32_t n = to - from + 1, *v = malloc((n + 1) * sizeof(*v));
	char *s;

	if (!v)
		abort();
	memcpy(v, path + from, n * sizeof(*v));
	if (last != UINT32_MAX)
		v[n++] = last;
	s = ir_chain_text(m, v, n);
	free(v);
	return s;
}

int ir_analyze_calls(struct ir_module *m, struct diag_sink *d, bool *entry_ok)
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
			ir_walk_insts(&m->funcs[k].body, collect_call, &calls[k]);
	}

	if (m->has_start && m->start_imported) {
		diag_report(d, DIAG_ERROR, &(struct diag_loc){ m->start_offset, DIAG_NO_FUNC, NULL, NULL },
			    "the start function, func[%u], is an import: an instance runs its start "
			    "function before its first entry, and only a function defined in the "
			    "module can run there", m->start);
		if (entry_ok)
			memset(entry_ok, 0, m->nentries * sizeof(*entry_ok));
		err = -EINVAL;
	}
	/* the roots: every entry, then the start function, which every
	 * entry runs (a root named "(start)" in the messages) */
	for (uint32_t e = 0; e < m->nentries + (m->has_start && !m->start_imported ? 1 : 0); e++) {
		static const struct ir_entry start_root = { .export_name = "(start)" };
		const struct ir_entry *en = e < m->nentries ? &m->entries[e] : &start_root;
		uint32_t root = e < m->nentries ? en->func : m->start;
		uint32_t sp = 0;
		bool ok = true;

		memset(state, 0, nf);
		path[sp] = root;
		iter[sp++] = 0;
		state[root] = 1;
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
			/* all callees done: its depth is known */
			depth[f] = 1;
			for (uint32_t k = 0; k < calls[f].n; k++)
				if (depth[calls[f].v[k].func] + 1 > depth[f])
					depth[f] = depth[calls[f].v[k].func] + 1;
			good[f] = 1;
			state[f] = 2;
			sp--;
		}
		if (entry_ok && e < m->nentries)
			entry_ok[e] = ok;
		else if (entry_ok && !ok)	/* no entry runs without the start */
			memset(entry_ok, 0, m->nentries * sizeof(*entry_ok));
		if (!ok) {
			err = -EINVAL;
			continue;
		}
		/* mark what this entry reaches */
		sp = 0;
		if (!m->funcs[root].reachable) {
			m->funcs[root].reachable = true;
			path[sp++] = root;
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
		if (i->u.mem.region != IR_MEM_FRAME)	/* in its frame: never */
			s->traps = true;
		break;
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
