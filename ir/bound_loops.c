/*
 * bound_loops.c — give every loop a bound the verifier can see, in a form
 * the target kernel's verifier accepts.
 *
 * The kernel verifier walks an ordinary loop one iteration at a time, so
 * its cost grows with the trip count (a million iterations are rejected as
 * "program too large"). A loop no branch ever targets runs its body once:
 * it is a block (PLAIN). Every other loop gets the best lowering the target
 * kernel (--target-kernel, common/kernel.h) has:
 *
 *   ITER      6.4+, GPL-compatible license (kfuncs are GPL-only): an
 *             open-coded bpf_iter_num iterator. The verifier treats its
 *             `next` as a checkpoint and stops once the state at the loop
 *             head repeats, so the cost is per distinct state, not per
 *             iteration. But that state is the whole function's frame:
 *             every register and stack slot LLVM keeps across a long body
 *             must repeat too, and in a body of thousands of instructions
 *             (Rust debug builds, with every helper inlined) they take
 *             dozens of passes to, each a walk of the whole body (tests/
 *             loops: Rust hexdec at opt-level 0, past the million). A loop
 *             heavier than ITER_MAX_PASS_INSNS per pass gets CALLBACK
 *             instead, whose frame starts fresh each pass, and which
 *             splits a body too long for BPF's 16-bit jumps out of its
 *             function; at that size a call per iteration costs nothing
 *             measurable. Loops inside it stay ITER if they are light.
 *   CALLBACK  5.17+: the body is a bpf_loop() callback; the verifier checks
 *             it once per distinct state as well (6.1 once, full stop).
 *   GLOBAL    older kernels (5.6+): the body is a global function, which
 *             the verifier checks once on its own, called from an ordinary
 *             counted loop whose passes cost it a few instructions each.
 *             A global function gets only the program's context, so the
 *             function holding the loop must be reached from entries of one
 *             program type only (its context's type), not from the start
 *             function, and hold no map value it looked up (a pointer it
 *             could not pass); else its loops are
 *   COUNTED   an ordinary loop with a counter the verifier knows exactly,
 *             so it walks every iteration up to the bound and no further,
 *             once: the laundered locals (below) make every path through
 *             the body arrive at the head in one state.
 * The bound of COUNTED and GLOBAL loops is what the verifier's budget
 * allows (below), at least COUNTED_MIN_ITERS; each loop's bound is stated
 * in a note, and a nest that cannot fit is refused.
 *
 * ITER, CALLBACK and GLOBAL loops also count down the run's fuel (the env
 * value's fuel slot, set to --max-loop-iters when an entry starts), shared by every
 * loop of the run, so nested loops do not multiply: a run traps "loop
 * iteration limit exceeded" after that many iterations in all. COUNTED
 * loops need no fuel: the verifier walked every iteration they can make,
 * so a run is never longer than what it processed (at most 1M insns).
 *
 * For the ITER and CALLBACK states to repeat, values the verifier knows
 * exactly must not be carried around the loop: a counter that starts at
 * the constant 0 would be 0, 1, 2, ... to the verifier, a new state each
 * time. So the locals an ITER, CALLBACK or GLOBAL loop carries (`used`)
 * live in the function's loop state in per-CPU map memory, which the
 * verifier does not track: they are unknown scalars at the head, whatever
 * the last iteration left (emit_loops.c). For CALLBACK on 6.1, which
 * checks the body once with the state of the first iteration, this is
 * also what makes that one check hold for every iteration. A COUNTED
 * loop's carried locals (written, and read before they are written) are
 * "laundered" at its head instead: passed through per-CPU scratch memory
 * the same way, so the paths through the body meet at the head in states
 * that differ only in the counter, and the walk is one pass per
 * iteration, not one per path.
 *
 * The budget (COUNTED and GLOBAL). Each entry is verified on its own, up to 1M
 * processed instructions and 8192 pending branch states (the "sequence of
 * jumps" limit). For each loop L: W(L), the instructions and undecided
 * branches of one pass through its body (inner loops once, callees' bodies
 * included), and depth(L), the deepest nest of loops in it (through
 * calls). A loop that gets a fraction b of the budget takes the largest N
 * with N^depth * W <= b (both counts), and leaves b / N to the loops and
 * calls inside it, split evenly among them; a function's loops share the
 * smallest fraction any of its call sites leaves. A GLOBAL loop is walked
 * without its body: W is the call, depth 1, and what is inside it (checked
 * once) shares half of b while the loop's own passes take the other half. The weights below are
 * estimates of what the verifier processes per IR instruction after LLVM,
 * measured on the loop corpus (tests/loops), with room to spare.
 *
 * Functions, loops and nesting come from the input, so the walks keep
 * explicit stacks; functions are visited in call-depth order (callees
 * before callers, then callers before callees), which the acyclic call
 * graph makes well defined.
 */
#include "ir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/kernel.h"

/* What one entry may spend on COUNTED loops, of the verifier's 1M
 * processed instructions and 8192 pending states; the rest is for the
 * code around the loops and the paths that leave them, and for what the
 * estimate misses. Measured on 5.10 (tests/loops' 60 objects, in qemu):
 * at 600000 and 7000 the kernel rejected 14 for "sequence of 8193 jumps"
 * and 9 for 1M instructions; at 450000 and 4000, none for jumps and 6 to
 * 11 for 1M, a count small changes to the code move. The estimate is per
 * IR instruction, and the verifier's real walk of a nest is 1.4 to over 5
 * times it (the 64 x 64 nest of tests/run/loop-packet.wat: estimated at
 * 377k, processed 513k; tests/loops' nested64 at -O2 over 4x). */
#define COUNTED_BUDGET_INSNS 450000.0
#define COUNTED_BUDGET_BRANCHES 4000.0
/* The heaviest loop (estimated processed instructions per pass, W below)
 * that gets ITER on a target that has it. Measured with tests/loops'
 * Rust debug builds on 6.18: search's heaviest loop, ~9,200, verifies as
 * an iterator; hexdec's, ~20,700, runs past the million (49k processed as
 * a callback), http_headers', ~81,000, does not fit BPF's jumps. */
#define ITER_MAX_PASS_INSNS 16384.0
/* Fewer iterations than this is not a loop worth compiling: refused. */
#define COUNTED_MIN_ITERS 8u
/* The counter test and decrement of one COUNTED iteration. */
#define COUNTED_ITER_INSNS 3.0
/* One GLOBAL iteration as its caller's walk sees it: the counter, the
 * call (the verifier does not enter a global function, it takes its
 * result as unknown), the test of the result and the way out, which is
 * pruned at once after the first (it only differs in the counter, which
 * is dead there): about 8 processed instructions, measured on 5.10. The
 * test leaves nothing pending: the way out is followed to its end first
 * (emit_loops.c lays it out so). */
#define GLOBAL_ITER_INSNS 16.0
#define GLOBAL_ITER_BRANCHES 0.0

/* Estimated instructions the verifier processes for i per pass: its own,
 * and the paths it opens that end elsewhere. A trap is explored where it
 * is tested, to the end of the program (~12: the code, the trap count,
 * the exit); a branch out of the loop or a return, to wherever the
 * program goes on from there (~40, a guess measured on samples/auth:
 * 680 processed instructions per iteration of its scan loop). */
#define TRAP_PATH 12.0
#define EXIT_PATH 40.0

static double inst_insns(const struct ir_module *m, const struct ir_inst *i)
{
	switch ((enum ir_kind)i->kind) {
	case IR_CONST:
	case IR_LOCAL_GET:
	case IR_BLOCK:
	case IR_LOOP:
		return 0;
	case IR_LOCAL_SET:
	case IR_IF:
	case IR_SELECT:
		return 1;
	case IR_NUM:
		return 2;
	case IR_BR:
	case IR_BR_IF:
		return 1 + (i->u.target->kind == IR_LABEL_LOOP ? 0 : EXIT_PATH);
	case IR_BR_TABLE:
		return 2 + i->u.table.ntargets * (1 + EXIT_PATH);
	case IR_RETURN:
		return 3 + EXIT_PATH;
	case IR_TRAP:
	case IR_TRAP_IF:
		return 3 + TRAP_PATH;
	case IR_CORE:
		/* per "->": the address, a helper call and its argument set-up */
		return 8 * i->u.core->nsteps;
	case IR_CTX_GET:
	case IR_CTX_SET:
	case IR_GLOBAL_GET:
	case IR_GLOBAL_SET:
		return 3;
	case IR_LOAD:
	case IR_STORE:
		/* instance memory: one bounds check; elsewhere two */
		return i->u.mem.region == IR_MEM_INSTANCE ? 6 + TRAP_PATH : 12 + 2 * TRAP_PATH;
	case IR_ATOMIC_RMW:
	case IR_ATOMIC_CMPXCHG:
		return 10 + 2 * TRAP_PATH;
	case IR_HELPER_CALL:
		return 8;
	case IR_CALL:
		return 8 + TRAP_PATH;
	case IR_MEMORY_COPY:
	case IR_MEMORY_FILL:
		/* the verifier walks the copy loop over the whole memory,
		 * 8 bytes a step, about 8 instructions each */
		return 10 + (double)m->memory.size;
	}
	return 4;
}

/* Undecided jumps of the module's own control flow: the verifier may keep
 * one pending per pass. Not counted: a trap's test (on these kernels the
 * backend lays the trap out as the fall-through, explored and done at
 * once), and a loop's branch back to its own head (collect_nodes(): the
 * verifier explores the way out first, and pops the next pass when that
 * path ends). */
static double inst_branches(const struct ir_inst *i)
{
	switch ((enum ir_kind)i->kind) {
	case IR_BR_IF:
	case IR_IF:
	case IR_CALL:		/* the unwind test after it */
		return 1;
	case IR_BR_TABLE:
		return i->u.table.ntargets;
	default:
		return 0;
	}
}

/* A loop with a back edge, or a call, in a function's pre-order. */
struct node {
	struct ir_inst *in;
	int32_t parent;		/* enclosing loop node, or -1: the function */
	double insns, branches;	/* W: one pass, inner loops once */
	uint32_t depth;		/* loops nested in it, itself included */
	uint32_t nheavy;	/* children with loops in them */
	double frac;		/* fraction of the budget its children share */
	bool global;		/* a GLOBAL loop: its body is checked apart */
};

struct nodes {
	struct node *v;
	uint32_t n, cap;
};

struct func_cost {
	double insns, branches;	/* one call, every loop once */
	uint32_t depth;		/* deepest loop nest, through calls */
	double share;		/* fraction of the budget (top-down) */
	struct nodes nodes;
};

struct bound_ctx {
	struct ir_module *m;
	struct ir_func *f;		/* the function at hand */
	const struct ir_loop_opts *opts;
	struct diag_sink *d;
	/* per local of the function at hand: loop_locals()'s answers, the
	 * union bound_loop() builds, and reads in the whole function */
	uint8_t *exposed, *written, *ctx;
	uint32_t *reads_in, *reads_all;
	bool *targeted;			/* per label */
	struct func_cost *fc;		/* per function (COUNTED, GLOBAL and ITER targets) */
	bool *heavy;			/* per label: an ITER target's loop made CALLBACK */
	bool has_global;		/* the function at hand has GLOBAL loops */
	int err;
};

static void *grow(void *p, uint32_t *cap, size_t size)
{
	*cap = *cap ? 2 * *cap : 16;
	p = realloc(p, *cap * size);
	if (!p)
		abort();
	return p;
}

/* --- which loops branch back, and which locals they touch ----------------- */

static void mark_targets(struct ir_inst *i, void *user)
{
	bool *targeted = user;

	switch ((enum ir_kind)i->kind) {
	case IR_BR:
	case IR_BR_IF:
		targeted[i->u.target->id] = true;
		break;
	case IR_BR_TABLE:
		for (uint32_t k = 0; k < i->u.table.ntargets; k++)
			targeted[i->u.table.targets[k]->id] = true;
		targeted[i->u.table.dflt->id] = true;
		break;
	default:
		break;
	}
}

static bool branches_back(const struct bound_ctx *c, const struct ir_inst *loop)
{
	return c->targeted[loop->u.scope.label->id];
}

/* Which locals a loop carries. The body's locals fall in three kinds:
 * those it reads before writing them on some path from its head (exposed:
 * their value comes from the last iteration, or from before the loop),
 * those it writes and the function reads after it, and temporaries,
 * written before every read in the same pass (clang at -O0 has hundreds
 * of those). Only the first two are loop state: the first is laundered,
 * and a CALLBACK loop's context carries both; temporaries stay in the
 * callback's own stack. "Before every read" is decided on the structure:
 * a write covers the reads after it in its own region and in the regions
 * nested there, not those after the region ends (an if's branch may not
 * run). */
static void loop_locals(struct bound_ctx *c, const struct ir_inst *loop)
{
	uint32_t nl = c->f->nlocals ? c->f->nlocals : 1;
	struct frame { const struct ir_region *r; uint32_t i; uint8_t *def; } *st;
	uint32_t n = 0, cap = 16;

	memset(c->exposed, 0, nl);
	memset(c->written, 0, nl);
	memset(c->reads_in, 0, nl * sizeof(uint32_t));
	st = malloc(cap * sizeof(*st));
	if (!st)
		abort();
	st[n++] = (struct frame){ &loop->u.scope.body, 0, calloc(nl, 1) };
	while (n) {
		struct frame *fr = &st[n - 1];
		const struct ir_inst *in;
		uint8_t *def = fr->def;

		if (!def)
			abort();
		if (fr->i == fr->r->n) {
			free(def);
			n--;
			continue;
		}
		in = fr->r->insts[fr->i++];
		if (in->kind == IR_LOCAL_GET) {
			c->reads_in[in->u.local]++;
			if (!def[in->u.local])
				c->exposed[in->u.local] = 1;
		} else if (in->kind == IR_LOCAL_SET) {
			c->written[in->u.local] = 1;
			def[in->u.local] = 1;
		}
		if (in->kind != IR_BLOCK && in->kind != IR_LOOP && in->kind != IR_IF)
			continue;
		if (n + 2 > cap)
			st = grow(st, &cap, sizeof(*st));
		st[n++] = (struct frame){ &in->u.scope.body, 0, memcpy(malloc(nl), def, nl) };
		if (in->kind == IR_IF)
			st[n++] = (struct frame){ &in->u.scope.else_body, 0,
						  memcpy(malloc(nl), def, nl) };
	}
	free(st);
}

static void count_reads(struct ir_inst *i, void *user)
{
	struct bound_ctx *c = user;

	if (i->kind == IR_LOCAL_GET)
		c->reads_all[i->u.local]++;
}

/* Adds to c->ctx what loop carries: exposed locals, and those it writes
 * that are read outside it. */
static void add_carried(struct bound_ctx *c, const struct ir_inst *loop)
{
	loop_locals(c, loop);
	for (uint32_t k = 0; k < c->f->nlocals; k++)
		if (c->exposed[k] || (c->written[k] && c->reads_all[k] > c->reads_in[k]))
			c->ctx[k] = 1;
}

static void add_nested_carried(struct ir_inst *i, void *user)
{
	struct bound_ctx *c = user;

	if (i->kind == IR_LOOP && c->targeted[i->u.scope.label->id])
		add_carried(c, i);
}

static uint32_t *local_list(struct arena *a, const uint8_t *set, const uint8_t *and_set,
			    uint32_t nlocals, uint32_t *n)
{
	uint32_t *v, k, cnt = 0;

	for (k = 0; k < nlocals; k++)
		cnt += set[k] && (!and_set || and_set[k]);
	v = arena_array(a, cnt ? cnt : 1, sizeof(uint32_t));
	*n = 0;
	for (k = 0; k < nlocals; k++)
		if (set[k] && (!and_set || and_set[k]))
			v[(*n)++] = k;
	return v;
}

enum ir_loop_lowering ir_loop_lowering_for(uint32_t kernel, bool gpl)
{
	if (w2b_kernel_has(kernel, W2B_KF_ITER_NUM) && gpl)
		return IR_LOOP_ITER;
	if (w2b_kernel_has(kernel, W2B_KF_BPF_LOOP))
		return IR_LOOP_CALLBACK;
	if (w2b_kernel_has(kernel, W2B_KF_GLOBAL_FUNC))
		return IR_LOOP_GLOBAL;
	return IR_LOOP_COUNTED;
}

/* The lowering f's loops get: the target's, except that a GLOBAL body
 * can get no pointer but the program's context (before 5.12 a global
 * function takes nothing else; it finds the instance again through the
 * maps and the packet through the context), so f's loops are COUNTED if
 * f holds map values it looked up (their pointers cannot be passed) or if
 * no single program type's context reaches it (entries of several types,
 * or the start function, which runs with no packet). */
static enum ir_loop_lowering func_lowering(const struct bound_ctx *c, const struct ir_func *f)
{
	enum ir_loop_lowering l = ir_loop_lowering_for(c->opts->kernel, c->opts->kfuncs_allowed);

	if (l == IR_LOOP_GLOBAL &&
	    (f->nsites || f->entry_kind >= IR_PROG_COUNT || !ir_prog_info[f->entry_kind].packet))
		return IR_LOOP_COUNTED;
	return l;
}

static void lower_loop(struct bound_ctx *c, struct ir_inst *loop)
{
	struct ir_func *f = c->f;
	struct ir_loop_info *li = &loop->u.scope.loop;
	struct arena *a = c->m->arena;

	if (!branches_back(c, loop)) {
		li->lowering = IR_LOOP_PLAIN;
		li->max_iters = 1;
		return;
	}
	li->lowering = c->heavy[loop->u.scope.label->id] ? IR_LOOP_CALLBACK : func_lowering(c, f);
	/* passes through the body, the first included; the run's fuel ends
	 * the loop first (COUNTED, GLOBAL: set by fit_loop) */
	li->max_iters = c->opts->max_loop_iters;
	/* a nested loop's callback shares this one's context (emit_loops.c):
	 * it carries what the loops inside carry too */
	memset(c->ctx, 0, f->nlocals ? f->nlocals : 1);
	if (li->lowering == IR_LOOP_CALLBACK || li->lowering == IR_LOOP_GLOBAL)
		ir_walk_insts(&loop->u.scope.body, add_nested_carried, c);
	add_carried(c, loop);
	/* the carried locals of the others live in the loop state, map
	 * memory the verifier does not track: nothing to launder (they
	 * include these: what is exposed is carried) */
	if (li->lowering == IR_LOOP_COUNTED)
		li->laundered = local_list(a, c->written, c->exposed, f->nlocals, &li->nlaundered);
	if (li->lowering == IR_LOOP_CALLBACK || li->lowering == IR_LOOP_GLOBAL ||
	    li->lowering == IR_LOOP_ITER)
		li->used = local_list(a, c->ctx, NULL, f->nlocals, &li->nused);
	if (li->lowering == IR_LOOP_GLOBAL)
		c->has_global = true;
}

static void visit_loop(struct ir_inst *i, void *user)
{
	struct bound_ctx *c = user;

	if (i->kind == IR_LOOP)
		lower_loop(c, i);
}

/* --- nests the kernel can never take --------------------------------------- */

/* Nests the kernel can never take, refused here, at the loop that
 * crosses the line, instead of after a compile that grows with the cube
 * of the depth (100 nested ITER loops: 10 s; 200: minutes; 1,000 nested
 * callbacks: 13 s). Each live bpf_iter_num iterator is 8 bytes of the
 * program's 512-byte stack, and an ITER loop's iterator lives while any
 * loop nested in it runs: past 64 nested ITER loops the function cannot
 * fit, whatever else it holds. Each CALLBACK loop is a stack frame, and
 * the kernel allows 8 with the program's own: past 7 nested callbacks no
 * inlining helps (emit_frames.c checks the exact count after LLVM). */
#define ITER_MAX_NEST 64u
#define CALLBACK_MAX_NEST 7u

/* Before the loops are lowered (which, for nested callbacks, walks each
 * loop's nest again: cubic in the depth); every loop of f with a back
 * edge gets `lowering`. */
static void check_nest_depth(struct bound_ctx *c, struct ir_func *f, enum ir_loop_lowering lowering)
{
	struct frame { const struct ir_region *r; uint32_t i, depth; } *st;
	uint32_t n = 0, cap = 16;
	uint32_t max = lowering == IR_LOOP_CALLBACK || lowering == IR_LOOP_GLOBAL ?
		       CALLBACK_MAX_NEST : lowering == IR_LOOP_ITER ? ITER_MAX_NEST : 0;

	if (!max)	/* COUNTED: fit_loop() refuses what its budget cannot hold */
		return;
	st = malloc(cap * sizeof(*st));
	if (!st)
		abort();
	st[n++] = (struct frame){ &f->body, 0, 0 };
	while (n) {
		struct frame *fr = &st[n - 1];
		const struct ir_inst *in;
		uint32_t depth;

		if (fr->i == fr->r->n) {
			n--;
			continue;
		}
		in = fr->r->insts[fr->i++];
		if (in->kind != IR_BLOCK && in->kind != IR_LOOP && in->kind != IR_IF)
			continue;
		depth = fr->depth;
		if (in->kind == IR_LOOP && branches_back(c, in) && ++depth > max) {
			/* frames are the kernel's limit (--no-precheck: its to
			 * judge); iterators past 64 deep, the compiler's */
			bool warn = c->opts->kernel_limits_warn && lowering != IR_LOOP_ITER;

			diag_report(c->d, warn ? DIAG_WARNING : DIAG_ERROR, &(struct diag_loc){ in->offset, f->wasm_index,
				    f->name, NULL }, lowering == IR_LOOP_CALLBACK ?
				    "loops nested more than %u deep: each nested loop is a bpf_loop "
				    "callback, a stack frame, and the kernel allows 8 with the program's "
				    "own; --target-kernel 6.4 or later makes loops iterators, which are no "
				    "frames, or nest fewer loops" : lowering == IR_LOOP_GLOBAL ?
				    "loops nested more than %u deep: on this kernel each nested loop's body "
				    "is a global function, a stack frame, and the kernel allows 8 with the "
				    "program's own; --target-kernel 6.4 or later makes loops iterators, "
				    "which are no frames, or nest fewer loops" :
				    "loops nested more than %u deep: each nested loop is a bpf_iter_num "
				    "iterator, 8 bytes of the kernel's 512-byte BPF stack while the loops "
				    "inside it run; nest fewer loops", max);
			if (!warn)
				c->err = -EINVAL;
			break;
		}
		if (n + 2 > cap)
			st = grow(st, &cap, sizeof(*st));
		st[n++] = (struct frame){ &in->u.scope.body, 0, depth };
		if (in->kind == IR_IF)
			st[n++] = (struct frame){ &in->u.scope.else_body, 0, depth };
	}
	free(st);
}

/* --- the COUNTED budget ----------------------------------------------------- */

/* Walks f's body in pre-order with an explicit stack, recording loops
 * with a back edge and calls as nodes, each instruction's weight added to
 * its innermost loop node (or the function). */
static void collect_nodes(struct bound_ctx *c, struct ir_func *f, struct func_cost *fc)
{
	struct frame { const struct ir_region *r; uint32_t i; int32_t parent; } *st;
	uint32_t n = 0, cap = 16;

	st = malloc(cap * sizeof(*st));
	if (!st)
		abort();
	st[n++] = (struct frame){ &f->body, 0, -1 };
	while (n) {
		struct frame *fr = &st[n - 1];
		struct ir_inst *in;
		int32_t parent = fr->parent;
		double w, b;

		if (fr->i == fr->r->n) {
			n--;
			continue;
		}
		in = fr->r->insts[fr->i++];
		w = inst_insns(c->m, in);
		b = inst_branches(in);
		if (in->kind == IR_BR_IF && parent >= 0 &&
		    in->u.target == fc->nodes.v[parent].in->u.scope.label)
			b = 0;
		if (parent < 0) {
			fc->insns += w;
			fc->branches += b;
		} else if (!fc->nodes.v[parent].global) {
			fc->nodes.v[parent].insns += w;
			fc->nodes.v[parent].branches += b;
		}
		if (in->kind == IR_CALL || (in->kind == IR_LOOP && branches_back(c, in))) {
			struct nodes *ns = &fc->nodes;

			if (ns->n == ns->cap)
				ns->v = grow(ns->v, &ns->cap, sizeof(*ns->v));
			ns->v[ns->n] = (struct node){ .in = in, .parent = parent };
			if (in->kind == IR_LOOP && in->u.scope.loop.lowering == IR_LOOP_GLOBAL) {
				ns->v[ns->n].insns = GLOBAL_ITER_INSNS;
				ns->v[ns->n].branches = GLOBAL_ITER_BRANCHES;
				ns->v[ns->n].global = true;
				parent = (int32_t)ns->n;
			} else if (in->kind == IR_LOOP) {
				ns->v[ns->n].insns = COUNTED_ITER_INSNS;
				parent = (int32_t)ns->n;
			} else {
				const struct func_cost *callee = &c->fc[in->u.call.func];

				ns->v[ns->n].insns = callee->insns;
				ns->v[ns->n].branches = callee->branches;
				ns->v[ns->n].depth = callee->depth;
			}
			ns->n++;
		}
		if (in->kind != IR_BLOCK && in->kind != IR_LOOP && in->kind != IR_IF)
			continue;
		if (n + 2 > cap)
			st = grow(st, &cap, sizeof(*st));
		st[n++] = (struct frame){ &in->u.scope.body, 0, parent };
		if (in->kind == IR_IF)
			st[n++] = (struct frame){ &in->u.scope.else_body, 0, parent };
	}
	free(st);
}

/* Bottom-up: a node's W includes its children's, its depth is one more
 * than theirs (a loop) or theirs (a call). A GLOBAL loop's children are
 * checked once, in its body's own walk: its W is the call in the loop,
 * its depth 1. */
static void sum_nodes(struct func_cost *fc)
{
	for (uint32_t k = fc->nodes.n; k-- > 0;) {
		struct node *nd = &fc->nodes.v[k];
		uint32_t d = nd->in->kind == IR_LOOP ? nd->depth + 1 : nd->depth;
		struct node *up = nd->parent < 0 ? NULL : &fc->nodes.v[nd->parent];

		if (nd->global)
			d = 1;
		nd->depth = d;
		if (d && up)
			up->nheavy++;
		if (up && up->global)
			continue;
		*(up ? &up->insns : &fc->insns) += nd->insns;
		*(up ? &up->branches : &fc->branches) += nd->branches;
		if (d > *(up ? &up->depth : &fc->depth))
			*(up ? &up->depth : &fc->depth) = d;
	}
}

/* The largest N <= limit with N^depth * w <= budget (1 if none). */
static uint32_t fit(double budget, double w, uint32_t depth, uint32_t limit)
{
	uint32_t lo = 1, hi = limit;

	if (w < 1)
		w = 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		double cost = w;

		for (uint32_t k = 0; k < depth && cost <= budget; k++)
			cost *= mid;
		if (cost <= budget)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static void fit_loop(struct bound_ctx *c, struct ir_func *f, struct node *nd, double frac)
{
	struct ir_loop_info *li = &nd->in->u.scope.loop;
	/* a GLOBAL loop's iterations and its body's loops, checked once,
	 * share its fraction */
	double own = nd->global ? frac / 2 : frac;
	uint32_t limit = c->opts->max_loop_iters;
	uint32_t n = fit(COUNTED_BUDGET_INSNS * own, nd->insns, nd->depth, limit);
	uint32_t nb = nd->branches ? fit(COUNTED_BUDGET_BRANCHES * own, nd->branches, nd->depth,
					 limit) : limit;
	struct diag_loc loc = { nd->in->offset, f->wasm_index, f->name, NULL };
	char kv[8];

	if (nb < n)
		n = nb;
	if (n < COUNTED_MIN_ITERS) {
		double cost = nd->insns;

		for (uint32_t k = 0; k < nd->depth; k++)
			cost *= COUNTED_MIN_ITERS;
		diag_report(c->d, DIAG_ERROR, &loc,
			    "this loop nest does not fit the verifier of kernel %s, which has no bpf_loop "
			    "and walks every iteration: %u nested loop%s of ~%.0f instructions per pass "
			    "leave%s %u iteration%s per loop (%u each would cost ~%.0f of its 1000000 "
			    "instructions); use --target-kernel 5.17 or later (bpf_loop), nest fewer "
			    "loops, or move work out of the loop body",
			    w2b_kernel_format(c->opts->kernel, kv), nd->depth, nd->depth == 1 ? "" : "s",
			    nd->insns, nd->depth == 1 ? "s" : "", n, n == 1 ? "" : "s",
			    COUNTED_MIN_ITERS, cost);
		c->err = -EINVAL;
		return;
	}
	li->max_iters = n;
	if (nd->global) {
		nd->frac = frac / 2;
		diag_report(c->d, DIAG_NOTE, &loc,
			    "loop runs at most %u iterations per entry (kernel %s has no bpf_loop: its "
			    "body is a global function the verifier checks once, called from a loop it "
			    "walks)", n, w2b_kernel_format(c->opts->kernel, kv));
		return;
	}
	nd->frac = frac / n;
	diag_report(c->d, DIAG_NOTE, &loc,
		    "loop runs at most %u iterations per entry (kernel %s has no bpf_loop: the "
		    "verifier walks every iteration; ~%.0f instructions per iteration, %u nested)",
		    n, w2b_kernel_format(c->opts->kernel, kv), nd->insns, nd->depth);
}

/* Top-down through f with its share of the budget. */
static void fit_counted(struct bound_ctx *c, struct ir_func *f, struct func_cost *fc)
{
	uint32_t top_heavy = 0;

	for (uint32_t k = 0; k < fc->nodes.n; k++)
		if (fc->nodes.v[k].parent < 0 && fc->nodes.v[k].depth)
			top_heavy++;
	for (uint32_t k = 0; k < fc->nodes.n && !c->err; k++) {
		struct node *nd = &fc->nodes.v[k];
		double frac;

		if (!nd->depth)
			continue;	/* a call with no loop below: in W */
		frac = nd->parent < 0 ? fc->share / top_heavy :
			fc->nodes.v[nd->parent].frac / fc->nodes.v[nd->parent].nheavy;
		if (nd->in->kind == IR_LOOP) {
			fit_loop(c, f, nd, frac);
		} else {
			struct func_cost *callee = &c->fc[nd->in->u.call.func];

			if (frac < callee->share)
				callee->share = frac;
		}
	}
}

static int by_call_depth(const void *a, const void *b, void *m)
{
	const struct ir_func *fa = &((struct ir_module *)m)->funcs[*(const uint32_t *)a];
	const struct ir_func *fb = &((struct ir_module *)m)->funcs[*(const uint32_t *)b];

	return fa->call_depth < fb->call_depth ? -1 : fa->call_depth > fb->call_depth;
}

/* Every reachable function's loop nodes with their W (collect_nodes(),
 * sum_nodes()), callees first; returns that order (malloc'd), *n long. */
static uint32_t *weigh_loops(struct bound_ctx *c, uint32_t *n)
{
	struct ir_module *m = c->m;
	uint32_t *order = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(*order));

	if (!order)
		abort();
	*n = 0;
	for (uint32_t k = 0; k < m->nfuncs; k++)
		if (m->funcs[k].reachable)
			order[(*n)++] = k;
	qsort_r(order, *n, sizeof(*order), by_call_depth, m);
	for (uint32_t k = 0; k < *n; k++) {
		struct ir_func *f = &m->funcs[order[k]];

		memset(c->targeted, 0, f->nlabels ? f->nlabels : 1);
		ir_walk_insts(&f->body, mark_targets, c->targeted);
		collect_nodes(c, f, &c->fc[order[k]]);
		sum_nodes(&c->fc[order[k]]);
	}
	return order;
}

static void budget_counted(struct bound_ctx *c)
{
	struct ir_module *m = c->m;
	uint32_t n, *order;

	for (uint32_t k = 0; k < m->nfuncs; k++)
		c->fc[k].share = 2;	/* above any real share: not called yet */
	for (uint32_t e = 0; e < m->nentries; e++)
		c->fc[m->entries[e].func].share = 1;
	order = weigh_loops(c, &n);
	for (uint32_t k = n; k-- > 0 && !c->err;)
		fit_counted(c, &m->funcs[order[k]], &c->fc[order[k]]);
	for (uint32_t k = 0; k < m->nfuncs; k++)
		free(c->fc[k].nodes.v);
	free(order);
}

/* --- heavy loops on ITER targets ------------------------------------------- */

/* Marks in c->heavy the loops of f too heavy for ITER (the comment at the
 * top), each with a note: the user sees why this loop is a callback. */
static void mark_heavy(struct bound_ctx *c, struct ir_func *f, const struct func_cost *fc)
{
	memset(c->heavy, 0, (f->nlabels ? f->nlabels : 1) * sizeof(bool));
	if (!fc)
		return;
	for (uint32_t k = 0; k < fc->nodes.n; k++) {
		const struct node *nd = &fc->nodes.v[k];
		struct diag_loc loc = { nd->in->offset, f->wasm_index, f->name, NULL };

		if (nd->in->kind != IR_LOOP || nd->insns <= ITER_MAX_PASS_INSNS)
			continue;
		c->heavy[nd->in->u.scope.label->id] = true;
		diag_report(c->d, DIAG_NOTE, &loc,
			    "loop body of ~%.0f instructions per pass: a bpf_loop callback rather than "
			    "an iterator, which the verifier would walk pass after pass until every "
			    "register and stack slot of the function repeats (more than %.0f)",
			    nd->insns, ITER_MAX_PASS_INSNS);
	}
}

/* --- GLOBAL loops and the program's context ------------------------------- */

static void mark_kind(struct ir_func *f, void *user)
{
	uint8_t kind = *(const uint8_t *)user;

	if (f->entry_kind == UINT8_MAX)
		f->entry_kind = kind;
	else if (f->entry_kind != kind)
		f->entry_kind = IR_PROG_COUNT;
}

/* ir_func.entry_kind of every function. */
static void find_entry_kinds(struct ir_module *m)
{
	uint8_t mixed = IR_PROG_COUNT;

	for (uint32_t k = 0; k < m->nfuncs; k++)
		m->funcs[k].entry_kind = UINT8_MAX;
	for (uint32_t e = 0; e < m->nentries; e++)
		ir_walk_reached(m, m->entries[e].func, mark_kind, &m->entries[e].kind);
	if (m->has_start && !m->start_imported)
		ir_walk_reached(m, m->start, mark_kind, &mixed);
	for (uint32_t k = 0; k < m->nfuncs; k++)
		if (m->funcs[k].entry_kind == UINT8_MAX)
			m->funcs[k].entry_kind = IR_PROG_COUNT;
}

/* A function with GLOBAL loops passes the program's context to their
 * bodies: it gets it in the packet's struct (ir_func.ctx), as functions
 * that read context fields do, and its callers pass it on
 * (ir_propagate_packet()). How it reads the packet is its program type's
 * (one type reaches it: func_lowering()). */
static void read_packet_as_entry(struct ir_func *f)
{
	f->load_bytes = ir_prog_info[f->entry_kind].load_bytes;
	f->beyond_linear = ir_prog_info[f->entry_kind].beyond_linear;
}

static void give_context(struct ir_func *f)
{
	if (!f->packet)
		read_packet_as_entry(f);
	f->packet = f->ctx = true;
}

int ir_bound_loops(struct ir_module *m, const struct ir_loop_opts *opts, struct diag_sink *d)
{
	struct bound_ctx c = { .m = m, .opts = opts, .d = d };
	uint32_t maxl = 1, maxlab = 1;
	enum ir_loop_lowering target = ir_loop_lowering_for(opts->kernel, opts->kfuncs_allowed);
	bool global = target == IR_LOOP_GLOBAL;

	for (uint32_t k = 0; k < m->nfuncs; k++) {
		if (m->funcs[k].nlocals > maxl)
			maxl = m->funcs[k].nlocals;
		if (m->funcs[k].nlabels > maxlab)
			maxlab = m->funcs[k].nlabels;
	}
	c.exposed = malloc(maxl);
	c.written = malloc(maxl);
	c.ctx = malloc(maxl);
	c.reads_in = malloc(maxl * sizeof(uint32_t));
	c.reads_all = malloc(maxl * sizeof(uint32_t));
	c.targeted = malloc(maxlab);
	c.heavy = malloc(maxlab * sizeof(bool));
	if (!c.exposed || !c.written || !c.ctx || !c.reads_in || !c.reads_all || !c.targeted ||
	    !c.heavy)
		abort();
	if (global)
		find_entry_kinds(m);
	if (target == IR_LOOP_ITER) {
		uint32_t n;

		c.fc = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(*c.fc));
		if (!c.fc)
			abort();
		free(weigh_loops(&c, &n));
	}
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		struct ir_func *f = &m->funcs[k];

		if (!f->reachable)
			continue;
		c.f = f;
		memset(c.targeted, 0, f->nlabels ? f->nlabels : 1);
		memset(c.reads_all, 0, (f->nlocals ? f->nlocals : 1) * sizeof(uint32_t));
		ir_walk_insts(&f->body, mark_targets, c.targeted);
		check_nest_depth(&c, f, func_lowering(&c, f));
		if (c.err)
			break;
		mark_heavy(&c, f, c.fc ? &c.fc[k] : NULL);
		ir_walk_insts(&f->body, count_reads, &c);
		c.has_global = false;
		ir_walk_insts(&f->body, visit_loop, &c);
		if (c.has_global)
			give_context(f);
	}
	if (!c.err && global) {
		/* callers of functions that have the context now get it too;
		 * the entries that reach one reach its callee, so one program
		 * type reaches it, and its packet is read that type's way */
		uint8_t *had = calloc(m->nfuncs ? m->nfuncs : 1, 1);

		if (!had)
			abort();
		for (uint32_t k = 0; k < m->nfuncs; k++)
			had[k] = m->funcs[k].packet;
		ir_propagate_packet(m);
		for (uint32_t k = 0; k < m->nfuncs; k++)
			if (m->funcs[k].packet && !had[k] && m->funcs[k].entry_kind < IR_PROG_COUNT)
				read_packet_as_entry(&m->funcs[k]);
		free(had);
	}
	if (c.fc) {
		for (uint32_t k = 0; k < m->nfuncs; k++)
			free(c.fc[k].nodes.v);
		free(c.fc);
		c.fc = NULL;
	}
	if (!c.err && (global || target == IR_LOOP_COUNTED)) {
		c.fc = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(*c.fc));
		if (!c.fc)
			abort();
		budget_counted(&c);
		free(c.fc);
	}
	free(c.exposed);
	free(c.written);
	free(c.ctx);
	free(c.reads_in);
	free(c.reads_all);
	free(c.targeted);
	free(c.heavy);
	return c.err;
}
