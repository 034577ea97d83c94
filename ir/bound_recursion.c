/*
 * bound_recursion.c — recursion as a fixed number of nested copies.
 *
 * eBPF has no recursion: the verifier refuses a program whose calls form
 * a cycle. Wasm has it, and real code carries cycles even where it never
 * recurses at run time: a Rust debug build's core::fmt::Arguments::new_v1
 * panics, on a path no call takes, through a panic that calls new_v1. A
 * Wasm engine may run out of stack at any depth ("call stack exhausted"
 * is the spec's trap for it), so the depth is ours to choose, and we
 * choose it at compile time:
 *
 * every strongly connected component of the call graph that has a cycle
 * (and that an entry reaches) becomes D copies of its functions, levels
 * 0 to D-1. A call from one of its functions to another (or to itself)
 * at level k goes to the copy at level k + 1; at level D-1 it traps
 * CALL_STACK_EXHAUSTED instead (the rest of its region is dead and is
 * dropped). Calls from outside the component reach level 0, the
 * original. So at most D activations of the component's functions nest,
 * the call graph is acyclic, and ir_analyze_calls() and the backend see
 * ordinary functions. Each component an entry reaches gets a note with
 * its cycle and the depth it got.
 *
 * D is --max-recursion-depth (default W2B_DEFAULT_MAX_RECURSION_DEPTH),
 * lowered where the copies would grow too big: when a call chain is over
 * the kernel's 8 frames, the backend inlines every function
 * (emit_frames.c), and a component whose functions each make c calls
 * into it then becomes 1 + c + ... + c^(D-1) copies of itself at every
 * place it is called from. D is the largest depth whose copies stay
 * within MAX_INLINED_INSTS IR instructions (1 at least: a call into the
 * cycle traps at once). And when the program then needs more frames or
 * stack than the kernel allows (a loop whose body is a frame, around the
 * recursive call, nests one per level), w2b_compile() compiles it again
 * with half the depth, down to 1 (`reduced`: the note says why).
 */
#include "ir.h"

#include <stdlib.h>
#include <string.h>

#include "common/diag.h"

/* What one component's inlined copies may add up to, in IR
 * instructions (a 1,000-instruction function nested 8 deep is 8,000). */
#define MAX_INLINED_INSTS 100000u

struct callees {
	uint32_t *v;
	uint32_t n, cap;
};

static void add_callee(struct ir_inst *i, void *user)
{
	struct callees *c = user;

	if (i->kind != IR_CALL)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		if (!c->v)
			abort();
	}
	c->v[c->n++] = i->u.call.func;
}

/* --- strongly connected components (Tarjan's, with an explicit stack) ---- */

struct sccs {
	uint32_t *comp;		/* per function: its component */
	uint32_t ncomps;
};

static void find_sccs(const struct ir_module *m, const struct callees *calls, struct sccs *out)
{
	uint32_t nf = m->nfuncs, next = 0, sp = 0, cs = 0;
	uint32_t *index = malloc((nf + 1) * sizeof(*index));
	uint32_t *low = malloc((nf + 1) * sizeof(*low));
	uint32_t *stack = malloc((nf + 1) * sizeof(*stack));	/* Tarjan's */
	uint32_t *call_f = malloc((nf + 1) * sizeof(*call_f));	/* the DFS */
	uint32_t *call_i = malloc((nf + 1) * sizeof(*call_i));
	bool *on = calloc(nf + 1, 1);

	if (!index || !low || !stack || !call_f || !call_i || !on)
		abort();
	out->comp = malloc((nf + 1) * sizeof(*out->comp));
	if (!out->comp)
		abort();
	out->ncomps = 0;
	for (uint32_t k = 0; k < nf; k++)
		index[k] = UINT32_MAX;
	for (uint32_t root = 0; root < nf; root++) {
		if (index[root] != UINT32_MAX)
			continue;
		index[root] = low[root] = next++;
		stack[sp++] = root;
		on[root] = true;
		call_f[cs] = root;
		call_i[cs++] = 0;
		while (cs) {
			uint32_t f = call_f[cs - 1];

			if (call_i[cs - 1] < calls[f].n) {
				uint32_t g = calls[f].v[call_i[cs - 1]++];

				if (index[g] == UINT32_MAX) {
					index[g] = low[g] = next++;
					stack[sp++] = g;
					on[g] = true;
					call_f[cs] = g;
					call_i[cs++] = 0;
				} else if (on[g] && index[g] < low[f]) {
					low[f] = index[g];
				}
				continue;
			}
			/* f is done */
			if (low[f] == index[f]) {
				uint32_t g;

				do {
					g = stack[--sp];
					on[g] = false;
					out->comp[g] = out->ncomps;
				} while (g != f);
				out->ncomps++;
			}
			cs--;
			if (cs && low[f] < low[call_f[cs - 1]])
				low[call_f[cs - 1]] = low[f];
		}
	}
	free(index);
	free(low);
	free(stack);
	free(call_f);
	free(call_i);
	free(on);
}

/* --- copying a function ---------------------------------------------------- */

static uint32_t *copy_u32s(struct arena *a, const uint32_t *v, uint32_t n)
{
	uint32_t *c;

	if (!v || !n)
		return NULL;
	c = arena_array(a, n, sizeof(*c));
	memcpy(c, v, n * sizeof(*c));
	return c;
}

static uint8_t *copy_bytes(struct arena *a, const uint8_t *v, size_t n, size_t cap)
{
	uint8_t *c = arena_alloc(a, cap ? cap : 1);

	if (v && n)
		memcpy(c, v, n);
	return c;
}

struct copy_frame {
	const struct ir_region *from;
	struct ir_region *to;
};

/* `to` becomes a copy of `from`, with labels of its own (the same ids). */
static void copy_body(struct arena *a, const struct ir_func *from, struct ir_func *to)
{
	struct ir_label **labels = calloc(from->nlabels + 1, sizeof(*labels));
	struct copy_frame *st = NULL;
	size_t n = 0, cap = 0;

	if (!labels)
		abort();
#define PUSH(f, t) do { \
		if (n == cap) { \
			cap = cap ? 2 * cap : 32; \
			st = realloc(st, cap * sizeof(*st)); \
			if (!st) \
				abort(); \
		} \
		st[n++] = (struct copy_frame){ (f), (t) }; \
	} while (0)
#define LABEL(l) ((l) ? labels[(l)->id] : NULL)

	memset(&to->body, 0, sizeof(to->body));
	PUSH(&from->body, &to->body);
	while (n) {
		struct copy_frame fr = st[--n];

		for (uint32_t k = 0; k < fr.from->n; k++) {
			const struct ir_inst *s = fr.from->insts[k];
			struct ir_inst *i = arena_alloc(a, sizeof(*i));

			*i = *s;
			switch ((enum ir_kind)s->kind) {
			case IR_BLOCK:
			case IR_LOOP:
			case IR_IF:
				i->u.scope.label = arena_alloc(a, sizeof(*i->u.scope.label));
				*i->u.scope.label = *s->u.scope.label;
				i->u.scope.label->owner = i;
				labels[s->u.scope.label->id] = i->u.scope.label;
				memset(&i->u.scope.body, 0, sizeof(i->u.scope.body));
				memset(&i->u.scope.else_body, 0, sizeof(i->u.scope.else_body));
				i->u.scope.loop.laundered = copy_u32s(a, s->u.scope.loop.laundered,
								      s->u.scope.loop.nlaundered);
				i->u.scope.loop.used = copy_u32s(a, s->u.scope.loop.used,
								 s->u.scope.loop.nused);
				/* the labels a body branches to are its own
				 * scopes' or enclosing ones', made before it is
				 * copied (regions are copied outside in) */
				PUSH(&s->u.scope.body, &i->u.scope.body);
				if (s->kind == IR_IF)
					PUSH(&s->u.scope.else_body, &i->u.scope.else_body);
				break;
			case IR_BR:
			case IR_BR_IF:
				i->u.target = LABEL(s->u.target);
				break;
			case IR_BR_TABLE:
				i->u.table.targets = arena_array(a, s->u.table.ntargets + 1,
								 sizeof(*i->u.table.targets));
				for (uint32_t t = 0; t < s->u.table.ntargets; t++)
					i->u.table.targets[t] = LABEL(s->u.table.targets[t]);
				i->u.table.dflt = LABEL(s->u.table.dflt);
				break;
			case IR_CALL:
			case IR_HELPER_CALL:
				i->u.call.args = copy_u32s(a, s->u.call.args, s->u.call.nargs);
				i->u.call.results = copy_u32s(a, s->u.call.results, s->u.call.nresults);
				break;
			case IR_RETURN:
				i->u.ret.vals = copy_u32s(a, s->u.ret.vals, s->u.ret.nvals);
				break;
			default:
				break;
			}
			ir_region_append(a, fr.to, i);
		}
	}
#undef LABEL
#undef PUSH
	free(st);
	free(labels);
}

/* vreg_types' capacity as ir_new_vreg() keeps it: a power of two, 8 at
 * least, so that the copy grows on its own. */
static size_t vreg_cap(uint32_t n)
{
	size_t c = 8;

	while (c < n)
		c *= 2;
	return c;
}

/* A new function at the end of m->funcs, a copy of funcs[orig] named for
 * its level (w<index>r<level>_<name>: "w<digit>" symbols are the
 * compiler's, never an export's). Returns its index. */
static uint32_t add_copy(struct ir_module *m, uint32_t orig, uint32_t level)
{
	struct arena *a = m->arena;
	struct ir_func *f, *o;
	const char *under;

	m->funcs = arena_grow(a, m->funcs, m->nfuncs, m->nfuncs + 1, sizeof(*m->funcs));
	o = &m->funcs[orig];
	f = &m->funcs[m->nfuncs];
	*f = *o;
	under = strchr(o->symbol, '_');
	f->symbol = arena_printf(a, "%.*sr%u%s", under ? (int)(under - o->symbol) : 0, o->symbol,
				 level, under ? under : o->symbol);
	f->results = copy_bytes(a, o->results, o->nresults, o->nresults);
	f->local_types = copy_bytes(a, o->local_types, o->nlocals, o->nlocals);
	f->vreg_types = copy_bytes(a, o->vreg_types, o->nvregs, vreg_cap(o->nvregs));
	copy_body(a, o, f);
	return m->nfuncs++;
}

/* --- the rewrite -------------------------------------------------------- */

struct retarget {
	const uint32_t *comp;	/* per original function: its component */
	uint32_t c;		/* the one being rewritten */
	const uint32_t *next;	/* per original function: its copy one level
				 * deeper, or NULL at the deepest level */
	uint32_t norig;		/* functions before the copies */
	uint32_t offset;	/* of the deepest level's first trap */
};

/* In one region of a copy: calls into the component go one level deeper,
 * or, at the deepest level, trap (and the region ends there). */
static void retarget_region(struct ir_region *r, void *user)
{
	struct retarget *rt = user;

	for (uint32_t k = 0; k < r->n; k++) {
		struct ir_inst *i = r->insts[k];
		uint32_t g;

		if (i->kind != IR_CALL)
			continue;
		g = i->u.call.func;
		if (g >= rt->norig || rt->comp[g] != rt->c)
			continue;
		if (rt->next) {
			i->u.call.func = rt->next[g];
			continue;
		}
		i->kind = IR_TRAP;
		i->type = IR_VOID;
		i->dst = IR_NOVAL;
		i->a = i->b = i->c = IR_NOVAL;
		i->u.trap = W2B_TRAP_CALL_STACK_EXHAUSTED;
		r->n = k + 1;
		return;
	}
}

/* "func[3] 'a' -> func[4] 'b' -> func[3] 'a'": a cycle through f inside
 * its component (a path back to f along callees in it). malloc'd. */
static char *cycle_text(const struct ir_module *m, const struct callees *calls,
			const uint32_t *comp, uint32_t f)
{
	uint32_t nf = m->nfuncs, *prev = malloc((nf + 1) * sizeof(*prev));
	uint32_t *queue = malloc((nf + 1) * sizeof(*queue)), qh = 0, qt = 0, last = UINT32_MAX;
	uint32_t *path = malloc((nf + 2) * sizeof(*path)), np = 0;
	char *s;

	if (!prev || !queue || !path)
		abort();
	/* breadth first from f: the shortest way back */
	for (uint32_t k = 0; k < nf; k++)
		prev[k] = UINT32_MAX;
	queue[qt++] = f;
	while (qh < qt && last == UINT32_MAX) {
		uint32_t g = queue[qh++];

		for (uint32_t k = 0; k < calls[g].n; k++) {
			uint32_t h = calls[g].v[k];

			if (comp[h] != comp[f])
				continue;
			if (h == f) {
				last = g;
				break;
			}
			if (prev[h] == UINT32_MAX) {
				prev[h] = g;
				queue[qt++] = h;
			}
		}
	}
	/* f, the way back from `last` to f reversed, f again */
	path[np++] = f;
	for (uint32_t g = last; g != f && g != UINT32_MAX; g = prev[g])
		path[np++] = g;
	for (uint32_t a = 1, z = np - 1; a < z; a++, z--) {
		uint32_t t = path[a];

		path[a] = path[z];
		path[z] = t;
	}
	path[np++] = f;
	s = ir_chain_text(m, path, np);
	free(prev);
	free(queue);
	free(path);
	return s;
}

struct reach {
	const struct ir_func *base;
	bool *seen;
};

static void mark_reached(struct ir_func *f, void *user)
{
	struct reach *r = user;

	r->seen[f - r->base] = true;
}

/* The instructions D nested levels of a component add where it is
 * called, once inlined: size * (1 + c + ... + c^(D-1)), saturated. */
static uint64_t inlined_insts(uint64_t size, uint64_t c, uint32_t depth)
{
	uint64_t total = 0, copies = 1;

	for (uint32_t k = 0; k < depth; k++) {
		total += copies * size;
		if (total > MAX_INLINED_INSTS)
			return UINT64_MAX;
		copies *= c;
	}
	return total;
}

static uint32_t bound_component(struct ir_module *m, const struct callees *calls,
				const uint32_t *comp, uint32_t c, const uint32_t *members,
				uint32_t nmembers, uint32_t max_depth, bool reduced,
				struct diag_sink *d)
{
	uint32_t norig = m->nfuncs, depth = max_depth, cmax = 0;
	uint64_t size = 0;
	uint32_t *level = malloc((size_t)nmembers * max_depth * sizeof(*level));
	uint32_t *next = malloc((norig + 1) * sizeof(*next));
	const struct ir_func *first;
	char *cycle;

	if (!level || !next)
		abort();
	for (uint32_t j = 0; j < nmembers; j++) {
		uint32_t f = members[j], in = 0;

		size += ir_count_insts(&m->funcs[f].body);
		for (uint32_t k = 0; k < calls[f].n; k++)
			in += comp[calls[f].v[k]] == c;
		if (in > cmax)
			cmax = in;
	}
	while (depth > 1 && inlined_insts(size, cmax, depth) > MAX_INLINED_INSTS)
		depth--;

	/* the copies, all made from the originals before any is rewritten */
	for (uint32_t j = 0; j < nmembers; j++)
		level[j] = members[j];
	for (uint32_t k = 1; k < depth; k++)
		for (uint32_t j = 0; j < nmembers; j++)
			level[k * nmembers + j] = add_copy(m, members[j], k);
	for (uint32_t k = 0; k < depth; k++) {
		struct retarget rt = { comp, c, k + 1 < depth ? next : NULL, norig };

		for (uint32_t j = 0; k + 1 < depth && j < nmembers; j++)
			next[members[j]] = level[(k + 1) * nmembers + j];
		for (uint32_t j = 0; j < nmembers; j++)
			ir_walk_regions(&m->funcs[level[k * nmembers + j]].body, retarget_region, &rt);
	}

	first = &m->funcs[members[0]];
	cycle = cycle_text(m, calls, comp, members[0]);
	diag_report(d, DIAG_NOTE, &(struct diag_loc){ first->offset, first->wasm_index, first->name, NULL },
		    "recursive (%s): eBPF has no recursion, so its calls are compiled as %u nested "
		    "copies, and a call %u deep traps \"call stack exhausted\"%s",
		    cycle, depth, depth + 1,
		    depth < max_depth ? " (fewer than --max-recursion-depth: deeper copies would "
		    "grow past 100,000 instructions where they are inlined)" :
		    reduced ? " (fewer than --max-recursion-depth: with more, a chain of calls "
		    "did not fit the kernel's 8 frames and 512 bytes of stack)" : "");
	free(cycle);
	free(level);
	free(next);
	return depth;
}

uint32_t ir_bound_recursion(struct ir_module *m, uint32_t max_depth, bool reduced,
			    struct diag_sink *d)
{
	uint32_t nf = m->nfuncs;
	struct callees *calls = calloc(nf + 1, sizeof(*calls));
	bool *reached = calloc(nf + 1, 1);
	uint32_t *order = malloc((nf + 1) * sizeof(*order)), *start;
	struct reach r = { m->funcs, reached };
	struct sccs sc;
	uint32_t deepest = 0;

	if (!calls || !reached || !order)
		abort();
	for (uint32_t k = 0; k < nf; k++)
		if (!m->funcs[k].refusal)
			ir_walk_insts(&m->funcs[k].body, add_callee, &calls[k]);
	find_sccs(m, calls, &sc);
	for (uint32_t e = 0; e < m->nentries; e++)
		ir_walk_reached(m, m->entries[e].func, mark_reached, &r);

	/* the functions grouped by component (a counting sort) */
	start = calloc(sc.ncomps + 2, sizeof(*start));
	if (!start)
		abort();
	for (uint32_t k = 0; k < nf; k++)
		start[sc.comp[k] + 2]++;
	for (uint32_t c = 0; c < sc.ncomps; c++)
		start[c + 2] += start[c + 1];
	for (uint32_t k = 0; k < nf; k++)
		order[start[sc.comp[k] + 1]++] = k;
	/* now component c is order[start[c] .. start[c + 1]) */
	for (uint32_t c = 0; c < sc.ncomps; c++) {
		const uint32_t *members = &order[start[c]];
		uint32_t n = start[c + 1] - start[c];
		bool cyclic = n > 1, any = false;

		for (uint32_t j = 0; j < n; j++) {
			any |= reached[members[j]];
			for (uint32_t k = 0; n == 1 && k < calls[members[j]].n; k++)
				cyclic |= calls[members[j]].v[k] == members[j];
		}
		if (cyclic && any) {
			uint32_t depth = bound_component(m, calls, sc.comp, c, members, n, max_depth,
							 reduced, d);

			if (depth > deepest)
				deepest = depth;
		}
	}
	for (uint32_t k = 0; k < nf; k++)
		free(calls[k].v);
	free(calls);
	free(reached);
	free(order);
	free(start);
	free(sc.comp);
	return deepest;
}
