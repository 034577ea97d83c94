/*
 * build_ir.c — from Wasm stack code to IR, validating as it goes.
 *
 * The algorithm is the validation algorithm of the Wasm spec's appendix: an
 * operand stack of typed values and a stack of control frames. Each operand
 * stack entry carries, next to its type, the vreg that holds its value, so
 * simulating the stack *is* the translation: an instruction pops the vregs of
 * its operands and pushes the vreg it defines. Instructions are emitted in
 * Wasm order, so evaluation order and side effects stay exactly as written.
 *
 * Values that cross a scope boundary go through locals (see ir.h): a block's
 * or if's results and a loop's parameters ("label locals", what a branch to
 * the label carries) are stored before the branch or the `end` and reloaded
 * after it. Block and if parameters need no locals: their vregs are defined
 * before the scope and so dominate it. br_table with values branches to one
 * trampoline block per distinct target, each of which stores the values into
 * that target's label locals.
 *
 * Code after an unconditional branch is validated with the spec's polymorphic
 * stack but not emitted ("dead" frames).
 *
 * A function that uses something outside the subset (floating point, memory
 * before the memory stage, tables, ...) stops being translated at the first
 * such instruction and gets ir_func.refusal instead: whether that is an error
 * depends on whether an entry reaches it, which ir_analyze_calls() decides.
 * A genuine type error is reported at once and fails the module.
 *
 * Nesting depth comes from the input, so both stacks are explicit arrays and
 * nothing here recurses.
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/diag.h"
#include "common/section.h"
#include "common/suggest.h"
#include "ir/ir.h"

#define T_UNKNOWN 0	/* a value of the polymorphic stack after a branch */

struct opnd {
	uint8_t type;	/* enum fe_valtype, or T_UNKNOWN */
	uint32_t vreg;	/* IR_NOVAL in dead code */
};

struct ctl {
	uint16_t op;			/* FE_OP_BLOCK, _LOOP, _IF; FE_OP_END for the function */
	uint32_t nparams, nresults;
	const uint8_t *params, *results;
	uint32_t height;		/* operand stack height below the params */
	bool unreachable;		/* validation: stack is polymorphic */
	bool dead;			/* emission: nothing here runs */
	bool seen_else;
	struct ir_inst *scope;		/* the IR block/loop/if, NULL for the function */
	struct ir_region *region;	/* where emitted instructions go */
	uint32_t *label_locals;		/* branch arity values: loop params or results */
	uint32_t *result_locals;	/* values at `end` */
	struct opnd *if_params;		/* IF: params, pushed again at `else` */
};

struct builder {
	const struct fe_module *wm;
	struct arena *a;
	struct diag_sink *d;
	struct ir_module *m;
	struct ir_func *f;
	const struct fe_func *wf;
	uint32_t fidx;			/* Wasm function index */
	const struct fe_instr *cur;	/* instruction being translated */

	struct opnd *stk;
	uint32_t nstk, capstk;
	struct ctl *ctls;
	uint32_t nctl, capctl;

	bool refused;			/* f->refusal set: stop translating */
	bool invalid;			/* a type error was reported */
	uint32_t *global_ir;		/* Wasm global index -> ir_module.globals, or NO_GLOBAL */
	struct fe_static_table *tables;	/* per table: its contents (static_tables.c) */
	struct fe_global_values gv;	/* globals' values known when compiling */
	const char *btf_path;		/* --btf (NULL: the running kernel's) */
	struct fe_core *core;		/* opened at the first "core" import */
	const char *core_err;		/* why it could not be */
	bool grow_noted;		/* the note on memory.grow was given */
	uint8_t *declared;		/* per function: may a body's ref.func name it */
};

#define NO_GLOBAL UINT32_MAX

static const char *valtype_name(uint8_t t)
{
	switch (t) {
	case FE_I32: return "i32";
	case FE_I64: return "i64";
	case FE_F32: return "f32";
	case FE_F64: return "f64";
	case FE_V128: return "v128";
	case FE_FUNCREF: return "funcref";
	case FE_EXTERNREF: return "externref";
	case T_UNKNOWN: return "any";
	}
	return "?";
}

static enum ir_type ir_type_of(uint8_t t)
{
	return t == FE_I32 ? IR_I32 : t == FE_I64 ? IR_I64 : IR_VOID;
}

static bool is_int(uint8_t t)
{
	return t == FE_I32 || t == FE_I64;
}

static const char *type_reason(uint8_t t)
{
	return fe_support_reason(t == FE_F32 || t == FE_F64 ? FE_SUPPORT_FLOAT :
				 t == FE_V128 ? FE_SUPPORT_SIMD : FE_SUPPORT_REF);
}

/* --- errors ------------------------------------------------------------- */

static void refuse(struct builder *b, uint32_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse(struct builder *b, uint32_t offset, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (b->refused || b->invalid)
		return;	/* the first reason is the one reported */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	b->f->refusal = arena_strdup(b->a, buf);
	b->f->refusal_offset = offset;
	b->refused = true;
}

static void invalid(struct builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void invalid(struct builder *b, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (b->invalid)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	diag_report(b->d, DIAG_ERROR, &(struct diag_loc){ b->cur ? b->cur->offset : b->wf->body_offset,
			b->fidx, b->f->name, NULL }, "invalid module: %s", buf);
	b->invalid = true;
}

/* Translation stops at a type error. A refusal only stops emission: the
 * rest of the function is still validated, because binaryen 108 is no
 * reliable validator (it cannot read block parameters and tolerates
 * leftover stack values), so this is the module's validation. */
static bool stopped(const struct builder *b)
{
	return b->invalid;
}

/* --- the two stacks ----------------------------------------------------- */

static void push(struct builder *b, uint8_t type, uint32_t vreg)
{
	if (b->nstk == b->capstk) {
		b->capstk = b->capstk ? b->capstk * 2 : 64;
		b->stk = realloc(b->stk, b->capstk * sizeof(*b->stk));
		if (!b->stk)
			abort();
	}
	b->stk[b->nstk++] = (struct opnd){ type, vreg };
}

static struct ctl *top(struct builder *b)
{
	return &b->ctls[b->nctl - 1];
}

static struct opnd pop(struct builder *b)
{
	struct ctl *c = top(b);

	if (b->nstk == c->height) {
		if (!c->unreachable)
			invalid(b, "type mismatch: operand stack is empty in %s",
				fe_opinfo[b->cur->op].name);
		return (struct opnd){ T_UNKNOWN, IR_NOVAL };
	}
	return b->stk[--b->nstk];
}

static struct opnd pop_expect(struct builder *b, uint8_t type)
{
	struct opnd o = pop(b);

	if (o.type != type && o.type != T_UNKNOWN && type != T_UNKNOWN)
		invalid(b, "type mismatch in %s: expected %s, got %s",
			fe_opinfo[b->cur->op].name, valtype_name(type), valtype_name(o.type));
	return o;
}

/* Pops n values of the given types (last type on top) into out. */
static void pop_types(struct builder *b, uint32_t n, const uint8_t *types, struct opnd *out)
{
	for (uint32_t k = n; k-- > 0;) {
		struct opnd o = pop_expect(b, types[k]);

		if (out)
			out[k] = o;
	}
}

/* --- emission ----------------------------------------------------------- */

static bool emitting(struct builder *b)
{
	return !b->invalid && !b->refused && !top(b)->dead;
}

static struct ir_inst *emit(struct builder *b, enum ir_kind kind)
{
	struct ir_inst *i = ir_new_inst(b->a, kind, b->cur ? b->cur->offset : b->wf->body_offset);

	ir_region_append(b->a, top(b)->region, i);
	return i;
}

static uint32_t emit_def(struct builder *b, struct ir_inst *i, uint8_t type)
{
	i->type = (uint8_t)ir_type_of(type);
	i->dst = ir_new_vreg(b->a, b->f, ir_type_of(type));
	return i->dst;
}

static void emit_local_set(struct builder *b, uint32_t local, uint32_t vreg)
{
	struct ir_inst *i = emit(b, IR_LOCAL_SET);

	i->u.local = local;
	i->a = vreg;
}

static uint32_t emit_local_get(struct builder *b, uint32_t local, uint8_t type)
{
	struct ir_inst *i = emit(b, IR_LOCAL_GET);

	i->u.local = local;
	return emit_def(b, i, type);
}

static uint32_t *new_locals(struct builder *b, uint32_t n, const uint8_t *types)
{
	uint32_t *l;

	if (!n)
		return NULL;
	l = arena_array(b->a, n, sizeof(*l));
	for (uint32_t k = 0; k < n; k++)
		l[k] = ir_new_local(b->a, b->f, ir_type_of(types[k]));
	return l;
}

/* Label arity of frame c: what a branch to it carries. */
static uint32_t label_arity(const struct ctl *c, const uint8_t **types)
{
	if (c->op == FE_OP_LOOP) {
		*types = c->params;
		return c->nparams;
	}
	*types = c->results;
	return c->nresults;
}

/* Stores the top n stack values (not popped) into locals. */
static void store_top(struct builder *b, uint32_t n, const uint32_t *locals)
{
	for (uint32_t k = 0; k < n; k++)
		emit_local_set(b, locals[k], b->stk[b->nstk - n + k].vreg);
}

/* --- control ------------------------------------------------------------ */

static void push_ctl(struct builder *b, uint16_t op, uint32_t np, const uint8_t *params,
		     uint32_t nr, const uint8_t *results, struct ir_inst *scope,
		     struct ir_region *region, bool dead)
{
	struct ctl *c;

	if (b->nctl == b->capctl) {
		b->capctl = b->capctl ? b->capctl * 2 : 16;
		b->ctls = realloc(b->ctls, b->capctl * sizeof(*b->ctls));
		if (!b->ctls)
			abort();
	}
	c = &b->ctls[b->nctl++];
	memset(c, 0, sizeof(*c));
	c->op = op;
	c->nparams = np;
	c->params = params;
	c->nresults = nr;
	c->results = results;
	c->height = b->nstk - np;
	c->scope = scope;
	c->region = region;
	c->dead = dead;
}

static void set_unreachable(struct builder *b)
{
	struct ctl *c = top(b);

	b->nstk = c->height;
	c->unreachable = true;
	c->dead = true;
}

/* Decodes a block type into params/results; false (reported) if unusable. */
static bool block_type(struct builder *b, const struct fe_instr *in, uint32_t *np,
		       const uint8_t **params, uint32_t *nr, const uint8_t **results)
{
	static const uint8_t one[256] = {
		[FE_I32] = FE_I32, [FE_I64] = FE_I64, [FE_F32] = FE_F32, [FE_F64] = FE_F64,
		[FE_V128] = FE_V128, [FE_FUNCREF] = FE_FUNCREF, [FE_EXTERNREF] = FE_EXTERNREF,
	};

	*np = *nr = 0;
	*params = *results = NULL;
	switch (in->u.block.kind) {
	case FE_BT_EMPTY:
		break;
	case FE_BT_VALTYPE:
		*nr = 1;
		*results = &one[in->u.block.valtype];
		break;
	case FE_BT_TYPEIDX: {
		const struct fe_functype *t;

		if (in->u.block.typeidx >= b->wm->ntypes) {
			invalid(b, "unknown type %u", in->u.block.typeidx);
			return false;
		}
		t = &b->wm->types[in->u.block.typeidx];
		*np = t->nparams;
		*params = t->params;
		*nr = t->nresults;
		*results = t->results;
		break;
	}
	}
	for (uint32_t k = 0; k < *np; k++)
		if (!is_int((*params)[k]))
			refuse(b, in->offset, "%s with a %s parameter is not supported (%s)",
			       fe_opinfo[in->op].name, valtype_name((*params)[k]),
			       type_reason((*params)[k]));
	for (uint32_t k = 0; k < *nr; k++)
		if (!is_int((*results)[k]))
			refuse(b, in->offset, "%s with a %s result is not supported (%s)",
			       fe_opinfo[in->op].name, valtype_name((*results)[k]),
			       type_reason((*results)[k]));
	return true;
}

static void do_block(struct builder *b, const struct fe_instr *in)
{
	uint32_t np, nr;
	const uint8_t *params, *results;
	struct opnd *pv;
	bool dead = !emitting(b);
	struct ir_inst *scope = NULL;
	struct ir_region *region = top(b)->region;
	enum ir_label_kind lk = in->op == FE_OP_LOOP ? IR_LABEL_LOOP :
				in->op == FE_OP_IF ? IR_LABEL_IF : IR_LABEL_BLOCK;
	uint32_t cond = IR_NOVAL;

	if (!block_type(b, in, &np, &params, &nr, &results))
		return;
	if (in->op == FE_OP_IF)
		cond = pop_expect(b, FE_I32).vreg;
	pv = np ? arena_array(b->a, np, sizeof(*pv)) : NULL;
	pop_types(b, np, params, pv);
	if (stopped(b))
		return;
	if (!dead) {
		scope = emit(b, in->op == FE_OP_LOOP ? IR_LOOP : in->op == FE_OP_IF ? IR_IF : IR_BLOCK);
		scope->u.scope.label = ir_new_label(b->a, b->f, lk, scope);
		scope->a = cond;
		region = &scope->u.scope.body;
	}
	/* Params go back on the stack, inside the new frame. */
	for (uint32_t k = 0; k < np; k++)
		push(b, pv[k].type, pv[k].vreg);
	push_ctl(b, in->op, np, params, nr, results, scope, region, dead);
	top(b)->if_params = pv;
	if (dead)
		return;
	top(b)->result_locals = new_locals(b, nr, results);
	if (in->op == FE_OP_LOOP && np) {
		/* A loop's params are what a branch to it carries: keep them in
		 * locals, set before the loop and reloaded at its head. */
		uint32_t *pl = new_locals(b, np, params);
		struct ctl *c = top(b);

		c->label_locals = pl;
		for (uint32_t k = 0; k < np; k++) {
			struct ir_inst *set = ir_new_inst(b->a, IR_LOCAL_SET, in->offset);

			set->u.local = pl[k];
			set->a = pv[k].vreg;
			/* before the loop instruction itself */
			b->ctls[b->nctl - 2].region->insts[b->ctls[b->nctl - 2].region->n - 1] = set;
			ir_region_append(b->a, b->ctls[b->nctl - 2].region, scope);
		}
		b->nstk -= np;
		for (uint32_t k = 0; k < np; k++)
			push(b, params[k], emit_local_get(b, pl[k], params[k]));
	} else {
		top(b)->label_locals = top(b)->result_locals;
	}
}

/* Leaves the current frame's region at `end` or `else`: values on the
 * stack go to the result locals. */
static void close_region(struct builder *b)
{
	struct ctl *c = top(b);

	pop_types(b, c->nresults, c->results, NULL);
	if (b->nstk != c->height)
		invalid(b, "type mismatch: %u values left on the stack at the end of a block",
			b->nstk - c->height);
	if (emitting(b) && c->nresults && c->result_locals) {
		/* pop_types() lowered nstk; the values are still in the array */
		b->nstk += c->nresults;
		store_top(b, c->nresults, c->result_locals);
		b->nstk -= c->nresults;
	}
}

static void do_else(struct builder *b)
{
	struct ctl *c = top(b);

	if (c->op != FE_OP_IF || c->seen_else) {
		invalid(b, "else without if");
		return;
	}
	close_region(b);
	c->seen_else = true;
	c->unreachable = false;
	c->dead = b->ctls[b->nctl - 2].dead;
	if (c->scope)
		c->region = &c->scope->u.scope.else_body;
	b->nstk = c->height;
	for (uint32_t k = 0; k < c->nparams; k++)
		push(b, c->if_params[k].type, c->if_params[k].vreg);
}

/* Returns true when the function's final `end` was reached. */
static bool do_end(struct builder *b)
{
	struct ctl *c = top(b);
	struct ctl saved;

	if (c->op == FE_OP_IF && !c->seen_else) {
		/* An if without else passes its params through as results. */
		if (c->nparams != c->nresults ||
		    (c->nparams && memcmp(c->params, c->results, c->nparams))) {
			invalid(b, "type mismatch: if without else must have matching params and results");
			return false;
		}
		close_region(b);
		if (c->scope && c->nresults) {
			b->nstk = c->height;
			c->region = &c->scope->u.scope.else_body;
			for (uint32_t k = 0; k < c->nparams; k++)
				emit_local_set(b, c->result_locals[k], c->if_params[k].vreg);
		}
	} else {
		close_region(b);
	}
	if (stopped(b))
		return false;
	saved = *c;
	b->nctl--;
	b->nstk = saved.height;
	if (saved.op == FE_OP_END) {
		/* the function body: falling off its end returns the results */
		if (!saved.dead) {
			struct ir_inst *r;

			b->nctl++;
			r = emit(b, IR_RETURN);
			b->nctl--;
			r->u.ret.nvals = saved.nresults;
			r->u.ret.vals = arena_array(b->a, saved.nresults ? saved.nresults : 1,
						    sizeof(uint32_t));
			for (uint32_t k = 0; k < saved.nresults; k++)
				r->u.ret.vals[k] = b->stk[saved.height + k].vreg;
		}
		return true;
	}
	for (uint32_t k = 0; k < saved.nresults; k++)
		push(b, saved.results[k],
		     saved.scope ? emit_local_get(b, saved.result_locals[k], saved.results[k]) : IR_NOVAL);
	return false;
}

/* Frame targeted by a branch of depth `depth`, or NULL (reported). */
static struct ctl *branch_target(struct builder *b, uint32_t depth)
{
	if (depth >= b->nctl) {
		invalid(b, "unknown label %u", depth);
		return NULL;
	}
	return &b->ctls[b->nctl - 1 - depth];
}

/* Checks the top values against the label's types without popping. With
 * `retype` (br_if), the label's values are on the stack afterwards, all of
 * them and as the label's types, as the spec's algorithm has it (pop_vals,
 * then push_vals of the label types): after an unreachable, `br_if` leaves
 * values of known types above the polymorphic rest, and what follows must
 * take them as they are. */
static void check_label_values(struct builder *b, struct ctl *t, bool retype)
{
	const uint8_t *types;
	uint32_t n = label_arity(t, &types);
	struct opnd *saved = n ? malloc(n * sizeof(*saved)) : NULL;
	uint32_t got = 0;

	if (n && !saved)
		abort();
	for (uint32_t k = n; k-- > 0;) {
		uint32_t before = b->nstk;

		saved[k] = pop_expect(b, types[k]);
		if (b->nstk < before)
			got++;
	}
	/* push back what was really there (the polymorphic rest is implicit),
	 * or, for br_if, the label's values */
	for (uint32_t k = retype ? 0 : n - got; k < n; k++)
		push(b, retype || saved[k].type == T_UNKNOWN ? types[k] : saved[k].type,
		     saved[k].vreg);
	free(saved);
}

/* The IR for a branch to frame t, with the carried values on the stack top.
 * A branch to the function frame is a return. */
static void emit_branch(struct builder *b, struct ctl *t, uint32_t cond)
{
	const uint8_t *types;
	uint32_t n = label_arity(t, &types);
	struct ir_inst *i;

	if (t->op == FE_OP_END) {
		struct ir_region *outer = top(b)->region;

		if (cond != IR_NOVAL) {
			/* br_if out of the function: if cond { return vals } */
			struct ir_inst *ifi = emit(b, IR_IF);

			ifi->a = cond;
			ifi->u.scope.label = ir_new_label(b->a, b->f, IR_LABEL_IF, ifi);
			top(b)->region = &ifi->u.scope.body;
		}
		i = emit(b, IR_RETURN);
		i->u.ret.nvals = n;
		i->u.ret.vals = arena_array(b->a, n ? n : 1, sizeof(uint32_t));
		for (uint32_t k = 0; k < n; k++)
			i->u.ret.vals[k] = b->stk[b->nstk - n + k].vreg;
		top(b)->region = outer;
		return;
	}
	store_top(b, n, t->label_locals);
	i = emit(b, cond == IR_NOVAL ? IR_BR : IR_BR_IF);
	i->a = cond;
	i->u.target = t->scope->u.scope.label;
}

static void do_br(struct builder *b, const struct fe_instr *in, bool conditional)
{
	uint32_t cond = IR_NOVAL;
	struct ctl *t;

	if (conditional)
		cond = pop_expect(b, FE_I32).vreg;
	t = branch_target(b, in->u.index);
	if (!t)
		return;
	check_label_values(b, t, conditional);
	if (emitting(b) && (t->scope || t->op == FE_OP_END))
		emit_branch(b, t, cond);
	if (!conditional)
		set_unreachable(b);
}

static void do_br_table(struct builder *b, const struct fe_instr *in)
{
	uint32_t idx = pop_expect(b, FE_I32).vreg;
	uint32_t n = in->u.br_table.count;
	struct ctl *dflt = branch_target(b, in->u.br_table.dflt);
	const uint8_t *dtypes;
	uint32_t arity;

	if (!dflt)
		return;
	arity = label_arity(dflt, &dtypes);
	for (uint32_t k = 0; k < n; k++) {
		struct ctl *t = branch_target(b, in->u.br_table.targets[k]);
		const uint8_t *types;

		if (!t)
			return;
		if (label_arity(t, &types) != arity) {
			invalid(b, "type mismatch: br_table targets have different arities");
			return;
		}
		check_label_values(b, t, false);
	}
	check_label_values(b, dflt, false);
	if (stopped(b))
		return;
	if (emitting(b)) {
		/* Targets are given as depths; each distinct one (and returns)
		 * needs the values stored into its own label locals, so with
		 * values the table jumps to one trampoline block per distinct
		 * target. Without values it jumps to the targets directly. */
		uint32_t *depths = arena_array(b->a, n + 1, sizeof(*depths));
		uint32_t ndistinct = 0, *distinct = arena_array(b->a, n + 1, sizeof(*distinct));
		uint32_t *slot = arena_array(b->a, n + 1, sizeof(*slot));
		bool direct = arity == 0;

		memcpy(depths, in->u.br_table.targets, n * sizeof(*depths));
		depths[n] = in->u.br_table.dflt;
		for (uint32_t k = 0; k <= n; k++) {
			uint32_t j;

			if (branch_target(b, depths[k])->op == FE_OP_END)
				direct = false;	/* a return needs a trampoline too */
			for (j = 0; j < ndistinct && distinct[j] != depths[k]; j++)
				;
			if (j == ndistinct)
				distinct[ndistinct++] = depths[k];
			slot[k] = j;
		}
		if (direct) {
			struct ir_inst *i = emit(b, IR_BR_TABLE);

			i->a = idx;
			i->u.table.ntargets = n;
			i->u.table.targets = arena_array(b->a, n ? n : 1, sizeof(struct ir_label *));
			for (uint32_t k = 0; k < n; k++)
				i->u.table.targets[k] = branch_target(b, depths[k])->scope->u.scope.label;
			i->u.table.dflt = dflt->scope->u.scope.label;
		} else {
			/* block T_{d-1} ... block T_0 { br_table } ; tramp 0 ; ... */
			struct ir_region *outer = top(b)->region;
			struct ir_inst **tramp = arena_array(b->a, ndistinct, sizeof(*tramp));
			struct ir_region *r = outer;
			struct ir_inst *bt;

			for (uint32_t j = ndistinct; j-- > 0;) {
				tramp[j] = ir_new_inst(b->a, IR_BLOCK, in->offset);
				tramp[j]->u.scope.label = ir_new_label(b->a, b->f, IR_LABEL_BLOCK, tramp[j]);
				ir_region_append(b->a, r, tramp[j]);
				r = &tramp[j]->u.scope.body;
			}
			bt = ir_new_inst(b->a, IR_BR_TABLE, in->offset);
			bt->a = idx;
			bt->u.table.ntargets = n;
			bt->u.table.targets = arena_array(b->a, n ? n : 1, sizeof(struct ir_label *));
			for (uint32_t k = 0; k < n; k++)
				bt->u.table.targets[k] = tramp[slot[k]]->u.scope.label;
			bt->u.table.dflt = tramp[slot[n]]->u.scope.label;
			ir_region_append(b->a, r, bt);
			/* after block T_j ends: branch on to target j */
			for (uint32_t j = 0; j < ndistinct; j++) {
				top(b)->region = j + 1 < ndistinct ? &tramp[j + 1]->u.scope.body : outer;
				emit_branch(b, branch_target(b, distinct[j]), IR_NOVAL);
			}
			top(b)->region = outer;
		}
	}
	set_unreachable(b);
}

static void do_return(struct builder *b)
{
	struct ctl *fn = &b->ctls[0];

	check_label_values(b, fn, false);
	if (emitting(b))
		emit_branch(b, fn, IR_NOVAL);
	set_unreachable(b);
}

static bool memory_usable(struct builder *b, const struct fe_instr *in);
static uint8_t type_letter(char c);

/* "ktime_get_ns, get_prandom_u32, ..." for the refusal of an unknown import. */
/* The helpers nearest to a misspelt name: "; did you mean 'a'?" or "". */
static const char *near_helpers(struct arena *a, const char *name)
{
	struct w2b_near nr = { { NULL }, { 0 } };
	char buf[160];

	for (uint32_t k = 0; k < ir_nhelpers; k++)
		w2b_near_consider(&nr, name, ir_helpers[k].name);
	return arena_printf(a, "%s", w2b_near_text(&nr, buf, sizeof(buf)));
}

/* "(i32, i64) -> i64" for a "iI:I" type column. */
static const char *signature_text(struct arena *a, const char *type)
{
	char *s = "(";
	bool first = true;

	for (const char *p = type; *p; p++) {
		if (*p == ':') {
			s = arena_printf(a, "%s) -> (", s);
			first = true;
			continue;
		}
		s = arena_printf(a, "%s%s%s", s, first ? "" : ", ", valtype_name(type_letter(*p)));
		first = false;
	}
	return arena_printf(a, "%s)", s);
}

/* A call of an import from module "bpf": a kernel helper. */
static bool do_helper_call(struct builder *b, const struct fe_instr *in,
			   const struct fe_import *im, const struct fe_functype *t)
{
	const struct ir_helper_info *h;
	uint32_t hi;
	const char *colon;
	uint32_t np, nr;
	struct opnd args[5];
	struct ir_inst *i;

	if (strcmp(im->module, "bpf"))
		return false;
	h = ir_helper_named(im->name);
	if (!h) {
		refuse(b, in->offset, "unknown import 'bpf.%s': not a helper wasm2bpf knows (docs/sdk.md lists those it does)%s",
		       im->name, near_helpers(b->a, im->name));
		goto refused;
	}
	hi = (uint32_t)(h - ir_helpers);
	colon = strchr(h->type, ':');
	np = (uint32_t)(colon - h->type);
	nr = (uint32_t)strlen(colon + 1);
	if (np != t->nparams || nr != t->nresults)
		goto wrong_type;
	for (uint32_t k = 0; k < np; k++)
		if (t->params[k] != type_letter(h->type[k]))
			goto wrong_type;
	for (uint32_t k = 0; k < nr; k++)
		if (t->results[k] != type_letter(colon[1 + k]))
			goto wrong_type;
	pop_types(b, t->nparams, t->params, args);
	if (!emitting(b)) {
		for (uint32_t k = 0; k < t->nresults; k++)
			push(b, t->results[k], IR_NOVAL);
		return true;
	}
	i = emit(b, IR_HELPER_CALL);
	i->u.call.func = hi;
	i->u.call.map = IR_NOVAL;
	i->u.call.site = IR_NOVAL;
	i->u.call.nargs = t->nparams;
	i->u.call.args = arena_array(b->a, np ? np : 1, sizeof(uint32_t));
	for (uint32_t k = 0; k < np; k++)
		i->u.call.args[k] = args[k].vreg;
	i->u.call.nresults = nr;
	if (nr) {
		push(b, t->results[0], emit_def(b, i, t->results[0]));
		i->u.call.results = arena_array(b->a, 1, sizeof(uint32_t));
		i->u.call.results[0] = i->dst;
	}
	return true;

wrong_type:
	refuse(b, in->offset, "import 'bpf.%s' has the wrong type: the helper's is %s",
	       im->name, signature_text(b->a, h->type));
refused:
	/* the stack as the import's own type says, for validation to go on */
	pop_types(b, t->nparams, t->params, NULL);
	for (uint32_t k = 0; k < t->nresults; k++)
		push(b, t->results[k], IR_NOVAL);
	return true;
}

/* "len, pkt_type, mark, ..." for the refusal of an unknown ctx import. */
static const char *ctx_field_names(struct arena *a)
{
	char *s = "";

	for (uint32_t k = 0; k < ir_nctx_fields; k++) {
		bool dup = false;

		for (uint32_t j = 0; j < k; j++)
			dup |= !strcmp(ir_ctx_fields[j].name, ir_ctx_fields[k].name);
		if (!dup)
			s = arena_printf(a, "%s%s%s", s, k ? ", " : "", ir_ctx_fields[k].name);
	}
	return s;
}

/* A call of an import from module "ctx": `NAME` () -> i32 reads the
 * context field NAME, `set_NAME` (i32) -> () writes it. Which struct (and
 * so which offset) is the entry's to say: ir_lower_imports(). */
static bool do_ctx_field(struct builder *b, const struct fe_instr *in,
			 const struct fe_import *im, const struct fe_functype *t)
{
	bool set = !strncmp(im->name, "set_", 4);
	const char *name = set ? im->name + 4 : im->name;
	uint32_t row = ir_nctx_fields;

	if (strcmp(im->module, "ctx"))
		return false;
	for (uint32_t k = 0; k < ir_nctx_fields && row == ir_nctx_fields; k++)
		if (!strcmp(ir_ctx_fields[k].name, name))
			row = k;
	if (row == ir_nctx_fields) {
		refuse(b, in->offset, "unknown import 'ctx.%s': the context fields are: %s (read as ctx.NAME, written as ctx.set_NAME)",
		       im->name, ctx_field_names(b->a));
	} else if (set ? (t->nparams != 1 || t->params[0] != FE_I32 || t->nresults) :
			 (t->nparams || t->nresults != 1 || t->results[0] != FE_I32)) {
		refuse(b, in->offset, "import 'ctx.%s' has the wrong type: it is %s", im->name,
		       set ? "(i32) -> ()" : "() -> (i32)");
	} else {
		struct opnd v = set ? pop_expect(b, FE_I32) : (struct opnd){ 0, IR_NOVAL };
		struct ir_inst *i;

		if (!emitting(b)) {
			if (!set)
				push(b, FE_I32, IR_NOVAL);
			return true;
		}
		i = emit(b, set ? IR_CTX_SET : IR_CTX_GET);
		i->a = v.vreg;
		i->u.ctx.field = row;
		i->u.ctx.offset = IR_NOVAL;
		if (!set)
			push(b, FE_I32, emit_def(b, i, FE_I32));
		return true;
	}
	/* refused: the stack as the import's own type says */
	pop_types(b, t->nparams, t->params, NULL);
	for (uint32_t k = 0; k < t->nresults; k++)
		push(b, t->results[k], IR_NOVAL);
	return true;
}

/* A call of an import from module "core": a kernel field by name
 * (core_access.c resolves it; ir.h, struct ir_core_access). */
static bool do_core_access(struct builder *b, const struct fe_instr *in,
			   const struct fe_import *im, const struct fe_functype *t)
{
	const struct ir_core_access *acc = NULL;
	bool bad_type = t->nresults != 1 || (t->nparams == 1 && t->params[0] != FE_I64);
	char err[512];

	if (strcmp(im->module, "core"))
		return false;
	if (!b->core && !b->core_err) {
		b->core = fe_core_open(b->btf_path, err, sizeof(err));
		if (!b->core)
			b->core_err = arena_strdup(b->a, err);
	}
	if (!b->core)
		refuse(b, in->offset, "import 'core.%s': %s", im->name, b->core_err);
	else if (bad_type)
		refuse(b, in->offset, "a core import takes an i64 kernel pointer (read) or nothing, "
		       "and returns one value");
	else if (!(acc = fe_core_resolve(b->core, b->a, im->name, t->results[0] == FE_I64,
					 t->nparams, err, sizeof(err))))
		refuse(b, in->offset, "%s", err);
	if (acc) {
		struct opnd p = t->nparams ? pop_expect(b, FE_I64) : (struct opnd){ 0, IR_NOVAL };
		struct ir_inst *i;

		if (!emitting(b)) {
			push(b, t->results[0], IR_NOVAL);
			return true;
		}
		i = emit(b, IR_CORE);
		i->a = p.vreg;
		i->u.core = acc;
		push(b, t->results[0], emit_def(b, i, t->results[0]));
		return true;
	}
	pop_types(b, t->nparams, t->params, NULL);
	for (uint32_t k = 0; k < t->nresults; k++)
		push(b, t->results[k], IR_NOVAL);
	return true;
}

/*
 * C's memcpy/memmove/memset, when the module imports them from "env" (what
 * clang and wasm-ld leave behind without -mbulk-memory and without a libc:
 * `-Wl,--allow-undefined`), are memory.copy/memory.fill on the instance
 * memory, returning their first argument. Returns true if it handled the
 * call.
 */
static bool do_libc_memory_call(struct builder *b, const struct fe_instr *in,
				const struct fe_import *im, const struct fe_functype *t)
{
	static const uint8_t sig[3] = { FE_I32, FE_I32, FE_I32 };
	bool copy = !strcmp(im->name, "memcpy") || !strcmp(im->name, "memmove");
	struct opnd len, x, dst;
	struct ir_inst *i;

	if (strcmp(im->module, "env") || (!copy && strcmp(im->name, "memset")) ||
	    t->nparams != 3 || memcmp(t->params, sig, 3) || t->nresults != 1 ||
	    t->results[0] != FE_I32 || !b->wm->nmemories)
		return false;
	if (!memory_usable(b, in))
		return true;
	len = pop_expect(b, FE_I32);
	x = pop_expect(b, FE_I32);
	dst = pop_expect(b, FE_I32);
	if (!emitting(b)) {
		push(b, FE_I32, IR_NOVAL);
		return true;
	}
	i = emit(b, copy ? IR_MEMORY_COPY : IR_MEMORY_FILL);
	i->a = dst.vreg;
	i->b = x.vreg;
	i->c = len.vreg;
	push(b, FE_I32, dst.vreg);
	return true;
}

/* AssemblyScript's runtime calls env.abort(message, file, line, column)
 * when an assertion or a bounds check fails; its JavaScript loader
 * throws, ending the call. wasm2bpf is the host: the run ends with the
 * trap `unreachable` would give. Wasm says nothing after a call that
 * does not return, so the code after it is not reached. */
static bool do_abort_call(struct builder *b, const struct fe_instr *in,
			  const struct fe_import *im, const struct fe_functype *t)
{
	static const uint8_t sig[4] = { FE_I32, FE_I32, FE_I32, FE_I32 };
	struct opnd args[4];

	if (strcmp(im->module, "env") || strcmp(im->name, "abort") || t->nparams != 4 ||
	    memcmp(t->params, sig, 4) || t->nresults != 0)
		return false;
	pop_types(b, 4, t->params, args);
	if (emitting(b))
		emit(b, IR_TRAP)->u.trap = W2B_TRAP_UNREACHABLE;
	set_unreachable(b);
	return true;
}

/* Makes i a call of defined function `callee` (Wasm index) of type t
 * with args, its results new vregs (i->dst the first if it has one). */
static void fill_call(struct builder *b, struct ir_inst *i, uint32_t callee,
		      const struct fe_functype *t, const struct opnd *args)
{
	i->u.call.func = callee - b->wm->nimported_funcs;
	i->u.call.nargs = t->nparams;
	i->u.call.args = arena_array(b->a, t->nparams ? t->nparams : 1, sizeof(uint32_t));
	for (uint32_t k = 0; k < t->nparams; k++)
		i->u.call.args[k] = args[k].vreg;
	i->u.call.nresults = t->nresults;
	i->u.call.results = arena_array(b->a, t->nresults ? t->nresults : 1, sizeof(uint32_t));
	for (uint32_t k = 0; k < t->nresults; k++)
		i->u.call.results[k] = ir_new_vreg(b->a, b->f, ir_type_of(t->results[k]));
	if (t->nresults == 1) {
		i->type = (uint8_t)ir_type_of(t->results[0]);
		i->dst = i->u.call.results[0];
	}
}

static void do_call(struct builder *b, const struct fe_instr *in)
{
	const struct fe_module *wm = b->wm;
	const struct fe_functype *t;
	struct opnd *args;
	uint32_t callee = in->u.index;

	if (callee >= wm->nfuncs) {
		invalid(b, "unknown function %u", callee);
		return;
	}
	t = &wm->types[wm->funcs[callee].type_index];
	for (uint32_t k = 0; k < t->nparams; k++)
		if (!is_int(t->params[k]))
			refuse(b, in->offset, "call to func[%u] with a %s parameter is not supported (%s)",
			       callee, valtype_name(t->params[k]), type_reason(t->params[k]));
	for (uint32_t k = 0; k < t->nresults; k++)
		if (!is_int(t->results[k]))
			refuse(b, in->offset, "call to func[%u] with a %s result is not supported (%s)",
			       callee, valtype_name(t->results[k]), type_reason(t->results[k]));
	if (wm->funcs[callee].imported) {
		const struct fe_import *im = &wm->imports[wm->funcs[callee].import_index];

		if (do_libc_memory_call(b, in, im, t))
			return;
		if (do_helper_call(b, in, im, t))
			return;
		if (do_ctx_field(b, in, im, t))
			return;
		if (do_core_access(b, in, im, t))
			return;
		if (do_abort_call(b, in, im, t))
			return;
		refuse(b, in->offset, "call to imported function '%s.%s' is not supported (imports are not implemented yet)",
		       im->module, im->name);
	}
	args = arena_array(b->a, t->nparams ? t->nparams : 1, sizeof(*args));
	pop_types(b, t->nparams, t->params, args);
	if (emitting(b)) {
		struct ir_inst *i = emit(b, IR_CALL);

		fill_call(b, i, callee, t, args);
		for (uint32_t k = 0; k < t->nresults; k++)
			push(b, t->results[k], i->u.call.results[k]);
	} else {
		for (uint32_t k = 0; k < t->nresults; k++)
			push(b, t->results[k], IR_NOVAL);
	}
}

/* --- call_indirect -------------------------------------------------------- */

static uint8_t table_type(struct builder *b, uint32_t idx);

static bool same_functype(const struct fe_functype *x, const struct fe_functype *y)
{
	return x->nparams == y->nparams && x->nresults == y->nresults &&
	       (!x->nparams || !memcmp(x->params, y->params, x->nparams)) &&
	       (!x->nresults || !memcmp(x->results, y->results, x->nresults));
}

/* Appends an instruction of `kind` to region r (emit() appends to the
 * current frame's). */
static struct ir_inst *emit_in(struct builder *b, struct ir_region *r, enum ir_kind kind)
{
	struct ir_region *cur = top(b)->region;
	struct ir_inst *i;

	top(b)->region = r;
	i = emit(b, kind);
	top(b)->region = cur;
	return i;
}

static struct ir_inst *emit_block_in(struct builder *b, struct ir_region *r)
{
	struct ir_inst *i = emit_in(b, r, IR_BLOCK);

	i->u.scope.label = ir_new_label(b->a, b->f, IR_LABEL_BLOCK, i);
	return i;
}

/*
 * call_indirect (type t) (table T) over T's contents after instantiation
 * (static_tables.c), a dispatch on the index:
 *
 *   block $done
 *     block $mismatch
 *       block $empty
 *         block $case[n-1] ... block $case[0]
 *           br_table (element k: $case of its function if its type is t,
 *                     $empty if null, $mismatch if not) default $empty
 *         end  results = call f0(args); br $done
 *         ...
 *         end  results = call f[n-1](args); br $done
 *       end  trap_if (idx >= size) "undefined element"
 *            trap "uninitialized element"
 *     end  trap "indirect call type mismatch"
 *   end  push results (through locals)
 *
 * Each function the table holds with type t is one direct call, so the
 * call graph sees every possible target (recursion through a table is
 * bounded like any other: ir/bound_recursion.c).
 */
static void do_call_indirect(struct builder *b, const struct fe_instr *in)
{
	const struct fe_module *wm = b->wm;
	uint32_t ti = in->u.call_indirect.table, tyi = in->u.call_indirect.typeidx;
	const struct fe_functype *t;
	const struct fe_static_table *tab;
	struct opnd *args;
	uint32_t idx, *results, *cases, ncases = 0, *targets;
	struct ir_inst *done, *mismatch, *empty, **blocks, *i;
	struct ir_region *r;
	uint8_t tt = table_type(b, ti);

	if (tt != FE_FUNCREF && tt != T_UNKNOWN)
		invalid(b, "type mismatch: call_indirect through a table of %s", valtype_name(tt));
	if (tyi >= wm->ntypes) {
		invalid(b, "unknown type %u", tyi);
		return;
	}
	t = &wm->types[tyi];
	for (uint32_t k = 0; k < t->nparams; k++)
		if (!is_int(t->params[k]))
			refuse(b, in->offset, "call_indirect with a %s parameter is not supported (%s)",
			       valtype_name(t->params[k]), type_reason(t->params[k]));
	for (uint32_t k = 0; k < t->nresults; k++)
		if (!is_int(t->results[k]))
			refuse(b, in->offset, "call_indirect with a %s result is not supported (%s)",
			       valtype_name(t->results[k]), type_reason(t->results[k]));
	tab = ti < wm->ntables ? &b->tables[ti] : NULL;
	if (tab && tab->imported)
		refuse(b, in->offset, "call_indirect through an imported table is not supported "
		       "(its contents are not known when compiling)");
	else if (tab && tab->unknown)
		refuse(b, in->offset, "call_indirect through table %u is not supported: an element "
		       "segment's offset or element is not a constant", ti);
	for (uint32_t k = 0; tab && !tab->imported && !tab->unknown && k < tab->used; k++) {
		uint32_t fi = tab->funcs[k];

		if (fi != FE_TABLE_NULL && fi < wm->nfuncs && wm->funcs[fi].imported &&
		    same_functype(&wm->types[wm->funcs[fi].type_index], t)) {
			const struct fe_import *im = &wm->imports[wm->funcs[fi].import_index];

			refuse(b, in->offset, "call_indirect: element %u of table %u is the imported "
			       "function '%s.%s': only the module's own functions can be called "
			       "through a table", k, ti, im->module, im->name);
			break;
		}
	}
	idx = pop_expect(b, FE_I32).vreg;
	args = arena_array(b->a, t->nparams ? t->nparams : 1, sizeof(*args));
	pop_types(b, t->nparams, t->params, args);
	if (!emitting(b)) {
		for (uint32_t k = 0; k < t->nresults; k++)
			push(b, t->results[k], IR_NOVAL);
		return;
	}

	/* the distinct functions of type t, in the order the table has them */
	cases = arena_array(b->a, tab->used + 1, sizeof(*cases));
	targets = arena_array(b->a, tab->used + 1, sizeof(*targets));
	for (uint32_t k = 0; k < tab->used; k++) {
		uint32_t fi = tab->funcs[k], c;

		if (fi == FE_TABLE_NULL) {
			targets[k] = UINT32_MAX;		/* $empty */
			continue;
		}
		if (!same_functype(&wm->types[wm->funcs[fi].type_index], t)) {
			targets[k] = UINT32_MAX - 1;		/* $mismatch */
			continue;
		}
		for (c = 0; c < ncases && cases[c] != fi; c++)
			;
		if (c == ncases)
			cases[ncases++] = fi;
		targets[k] = c;
	}
	results = new_locals(b, t->nresults, t->results);
	done = emit(b, IR_BLOCK);
	done->u.scope.label = ir_new_label(b->a, b->f, IR_LABEL_BLOCK, done);
	mismatch = emit_block_in(b, &done->u.scope.body);
	empty = emit_block_in(b, &mismatch->u.scope.body);
	blocks = arena_array(b->a, ncases + 1, sizeof(*blocks));
	r = &empty->u.scope.body;
	for (uint32_t c = ncases; c-- > 0;) {
		blocks[c] = emit_block_in(b, r);
		r = &blocks[c]->u.scope.body;
	}
	i = emit_in(b, r, IR_BR_TABLE);
	i->a = idx;
	i->u.table.ntargets = tab->used;
	i->u.table.targets = arena_array(b->a, tab->used + 1, sizeof(struct ir_label *));
	for (uint32_t k = 0; k < tab->used; k++)
		i->u.table.targets[k] = targets[k] == UINT32_MAX ? empty->u.scope.label :
					targets[k] == UINT32_MAX - 1 ? mismatch->u.scope.label :
					blocks[targets[k]]->u.scope.label;
	i->u.table.dflt = empty->u.scope.label;

	/* after block $case[c], in its parent: the call */
	for (uint32_t c = 0; c < ncases; c++) {
		struct ir_region *after = c + 1 < ncases ? &blocks[c + 1]->u.scope.body :
					  &empty->u.scope.body;
		struct ir_inst *call = emit_in(b, after, IR_CALL);

		fill_call(b, call, cases[c], t, args);
		for (uint32_t k = 0; k < t->nresults; k++) {
			struct ir_inst *set = emit_in(b, after, IR_LOCAL_SET);

			set->u.local = results[k];
			set->a = call->u.call.results[k];
		}
		emit_in(b, after, IR_BR)->u.target = done->u.scope.label;
	}
	/* after $empty: out of range, or null */
	{
		struct ir_region *after = &mismatch->u.scope.body;
		struct ir_inst *size = emit_in(b, after, IR_CONST), *ge, *trap;

		size->type = IR_I32;
		size->dst = ir_new_vreg(b->a, b->f, IR_I32);
		size->u.imm = (int32_t)tab->size;
		ge = emit_in(b, after, IR_NUM);
		ge->u.numop = IR_I32_GE_U;
		ge->a = idx;
		ge->b = size->dst;
		ge->type = IR_I32;
		ge->dst = ir_new_vreg(b->a, b->f, IR_I32);
		trap = emit_in(b, after, IR_TRAP_IF);
		trap->a = ge->dst;
		trap->u.trap = W2B_TRAP_UNDEFINED_ELEMENT;
		emit_in(b, after, IR_TRAP)->u.trap = W2B_TRAP_UNINITIALIZED_ELEMENT;
	}
	emit_in(b, &done->u.scope.body, IR_TRAP)->u.trap = W2B_TRAP_INDIRECT_CALL_TYPE;
	for (uint32_t k = 0; k < t->nresults; k++)
		push(b, t->results[k], emit_local_get(b, results[k], t->results[k]));
}

/* --- locals and globals --------------------------------------------------- */

static uint8_t local_type(struct builder *b, uint32_t idx)
{
	const struct fe_functype *t = &b->wm->types[b->wf->type_index];

	if (idx < t->nparams)
		return t->params[idx];
	idx -= t->nparams;
	if (idx < b->wf->nlocals)
		return b->wf->local_types[idx];
	return 0;
}

static void do_local(struct builder *b, const struct fe_instr *in)
{
	uint8_t t = local_type(b, in->u.index);

	if (!t) {
		invalid(b, "unknown local %u", in->u.index);
		return;
	}
	if (!is_int(t))
		refuse(b, in->offset, "%s of a %s local is not supported (%s)",
		       fe_opinfo[in->op].name, valtype_name(t), type_reason(t));
	switch (in->op) {
	case FE_OP_LOCAL_GET:
		push(b, t, emitting(b) ? emit_local_get(b, in->u.index, t) : IR_NOVAL);
		break;
	case FE_OP_LOCAL_SET: {
		struct opnd v = pop_expect(b, t);

		if (emitting(b))
			emit_local_set(b, in->u.index, v.vreg);
		break;
	}
	case FE_OP_LOCAL_TEE: {
		struct opnd v = pop_expect(b, t);

		if (emitting(b))
			emit_local_set(b, in->u.index, v.vreg);
		push(b, t, v.vreg);
		break;
	}
	}
}

static void do_global_get(struct builder *b, const struct fe_instr *in)
{
	const struct fe_global *g;

	if (in->u.index >= b->wm->nglobals) {
		invalid(b, "unknown global %u", in->u.index);
		return;
	}
	g = &b->wm->globals[in->u.index];
	if (!is_int(g->type.valtype))
		refuse(b, in->offset, "global.get of a %s global is not supported (%s)",
		       valtype_name(g->type.valtype), type_reason(g->type.valtype));
	else if (g->imported)
		refuse(b, in->offset, "global.get of an imported global is not supported (imports are not implemented yet)");
	else if (!b->gv.known[in->u.index])
		refuse(b, in->offset, "global.get of a global whose initial value reads an imported global is not supported");
	if (emitting(b) && b->global_ir[in->u.index] != NO_GLOBAL) {
		/* instance state, or a .rodata value a loader may set */
		struct ir_inst *i = emit(b, IR_GLOBAL_GET);

		i->u.global = b->global_ir[in->u.index];
		push(b, g->type.valtype, emit_def(b, i, g->type.valtype));
	} else if (emitting(b)) {
		struct ir_inst *i = emit(b, IR_CONST);

		i->u.imm = b->gv.values[in->u.index];
		push(b, g->type.valtype, emit_def(b, i, g->type.valtype));
	} else {
		push(b, g->type.valtype, IR_NOVAL);
	}
}

/* --- numeric ------------------------------------------------------------ */

/* Maps a Wasm numeric opcode to its IR op; -1 if it is not one. */
static int numop_of(uint16_t op)
{
	switch (op) {
#define X(id, text, nops, rtype, otype, address) case FE_OP_##id: return IR_##id;
#include "ir/ir_ops.def"
#undef X
	}
	return -1;
}

static void do_numeric(struct builder *b, const struct fe_instr *in, int numop)
{
	const struct ir_numop_info *info = &ir_numop_info[numop];
	uint8_t opt = info->operand == IR_I32 ? FE_I32 : FE_I64;
	uint8_t rt = info->result == IR_I32 ? FE_I32 : FE_I64;
	struct opnd x = { 0, IR_NOVAL }, y = { 0, IR_NOVAL };

	if (info->nops == 2)
		y = pop_expect(b, opt);
	x = pop_expect(b, opt);
	if (emitting(b)) {
		struct ir_inst *i = emit(b, IR_NUM);

		i->u.numop = (uint32_t)numop;
		i->a = x.vreg;
		i->b = y.vreg;
		push(b, rt, emit_def(b, i, rt));
	} else {
		push(b, rt, IR_NOVAL);
	}
}

static void do_select(struct builder *b, const struct fe_instr *in)
{
	struct opnd c, y, x;
	uint8_t t;

	if (in->op == FE_OP_SELECT_T) {
		if (in->u.select_t.count != 1) {
			invalid(b, "invalid result arity of select");
			return;
		}
		t = in->u.select_t.types[0];
		if (!is_int(t))
			refuse(b, in->offset, "select of %s is not supported (%s)",
			       valtype_name(t), type_reason(t));
	} else {
		t = T_UNKNOWN;
	}
	c = pop_expect(b, FE_I32);
	y = pop_expect(b, t);
	x = pop_expect(b, t);
	if (t == T_UNKNOWN) {
		t = x.type != T_UNKNOWN ? x.type : y.type;
		if (x.type != T_UNKNOWN && y.type != T_UNKNOWN && x.type != y.type) {
			invalid(b, "type mismatch in select: %s and %s",
				valtype_name(x.type), valtype_name(y.type));
			return;
		}
		if (t != T_UNKNOWN && !is_int(t)) {
			if (t == FE_F32 || t == FE_F64 || t == FE_V128) {
				refuse(b, in->offset, "select of %s is not supported (%s)",
				       valtype_name(t), type_reason(t));
			} else {
				invalid(b, "type mismatch: select without a type needs numeric operands");
				return;
			}
		}
	}
	if (emitting(b) && is_int(t)) {
		struct ir_inst *i = emit(b, IR_SELECT);

		i->a = c.vreg;
		i->b = x.vreg;
		i->c = y.vreg;
		push(b, t, emit_def(b, i, t));
	} else {
		push(b, t, IR_NOVAL);
	}
}

/* --- validation of what is not translated ---------------------------------- */

static uint8_t type_letter(char c)
{
	switch (c) {
	case 'i': return FE_I32;
	case 'I': return FE_I64;
	case 'f': return FE_F32;
	case 'F': return FE_F64;
	}
	return T_UNKNOWN;
}

/* Natural alignment (log2) of a load or store, from its name. */
static uint32_t natural_align(const char *name)
{
	if (strstr(name, "rmw8"))
		return 0;
	if (strstr(name, "rmw16"))
		return 1;
	if (strstr(name, "rmw32"))
		return 2;
	if (strstr(name, "8"))
		return strstr(name, "load8") || strstr(name, "store8") ? 0 : 3;
	if (strstr(name, "16"))
		return 1;
	if (strstr(name, "32_") || strstr(name, "store32"))
		return 2;
	return name[1] == '6' ? 3 : 2;	/* i64/f64 : i32/f32 */
}

static void check_memory(struct builder *b, const struct fe_instr *in)
{
	const struct fe_opinfo *info = &fe_opinfo[in->op];

	if (b->wm->nmemories == 0) {
		invalid(b, "unknown memory 0");
		return;
	}
	if (info->imm == FE_IMM_MEMARG && in->u.mem.align > natural_align(info->name))
		invalid(b, "alignment must not be larger than natural");
	else if (info->prefix == 0xfe && info->imm == FE_IMM_MEMARG &&
		 in->u.mem.align != natural_align(info->name))
		invalid(b, "alignment must be equal to natural");
	if ((in->op == FE_OP_MEMORY_INIT || in->op == FE_OP_DATA_DROP) &&
	    (in->op == FE_OP_MEMORY_INIT ? in->u.pair.a : in->u.index) >=
	    (b->wm->has_datacount ? b->wm->datacount : b->wm->ndatas))
		invalid(b, "unknown data segment");
}

/* Instructions whose typing is their "PARAMS:RESULTS" column. */
static void validate_by_type(struct builder *b, const struct fe_instr *in)
{
	const struct fe_opinfo *info = &fe_opinfo[in->op];
	const char *colon = strchr(info->type, ':');

	if (info->imm == FE_IMM_MEMARG || info->imm == FE_IMM_MEMIDX ||
	    info->imm == FE_IMM_MEMORY_COPY || info->imm == FE_IMM_MEMORY_INIT ||
	    info->imm == FE_IMM_DATA)
		check_memory(b, in);
	for (const char *p = colon; p-- > info->type;)
		pop_expect(b, type_letter(*p));
	for (const char *p = colon + 1; *p; p++)
		push(b, type_letter(*p), IR_NOVAL);
}

static bool is_ref(uint8_t t)
{
	return t == FE_FUNCREF || t == FE_EXTERNREF || t == T_UNKNOWN;
}

static uint8_t table_type(struct builder *b, uint32_t idx)
{
	if (idx >= b->wm->ntables) {
		invalid(b, "unknown table %u", idx);
		return T_UNKNOWN;
	}
	return b->wm->tables[idx].reftype;
}

/* Instructions outside the subset whose typing depends on immediates. */
static void validate_special(struct builder *b, const struct fe_instr *in)
{
	const struct fe_module *wm = b->wm;
	const struct fe_functype *t;
	uint8_t tt;

	switch (in->op) {
	case FE_OP_CALL_INDIRECT:
	case FE_OP_RETURN_CALL_INDIRECT:
		tt = table_type(b, in->u.call_indirect.table);
		if (tt != FE_FUNCREF && tt != T_UNKNOWN)
			invalid(b, "type mismatch: %s through a table of %s", fe_opinfo[in->op].name,
				valtype_name(tt));
		if (in->u.call_indirect.typeidx >= wm->ntypes) {
			invalid(b, "unknown type %u", in->u.call_indirect.typeidx);
			return;
		}
		t = &wm->types[in->u.call_indirect.typeidx];
		pop_expect(b, FE_I32);
		goto call;
	case FE_OP_RETURN_CALL:
		if (in->u.index >= wm->nfuncs) {
			invalid(b, "unknown function %u", in->u.index);
			return;
		}
		t = &wm->types[wm->funcs[in->u.index].type_index];
	call:
		pop_types(b, t->nparams, t->params, NULL);
		if (in->op == FE_OP_CALL_INDIRECT) {
			for (uint32_t k = 0; k < t->nresults; k++)
				push(b, t->results[k], IR_NOVAL);
		} else {
			const struct fe_functype *ft = &wm->types[b->wf->type_index];

			if (t->nresults != ft->nresults ||
			    (t->nresults && memcmp(t->results, ft->results, t->nresults)))
				invalid(b, "type mismatch: tail call results differ from the function's");
			set_unreachable(b);
		}
		break;
	case FE_OP_REF_NULL:
		push(b, (uint8_t)in->u.index, IR_NOVAL);
		break;
	case FE_OP_REF_IS_NULL: {
		struct opnd o = pop(b);

		if (!is_ref(o.type))
			invalid(b, "type mismatch: ref.is_null needs a reference");
		push(b, FE_I32, IR_NOVAL);
		break;
	}
	case FE_OP_REF_FUNC:
		if (in->u.index >= wm->nfuncs)
			invalid(b, "unknown function %u", in->u.index);
		else if (!b->declared[in->u.index])
			invalid(b, "undeclared function reference: func[%u] is in no element "
				"segment, export or global initializer", in->u.index);
		push(b, FE_FUNCREF, IR_NOVAL);
		break;
	case FE_OP_TABLE_GET:
		tt = table_type(b, in->u.index);
		pop_expect(b, FE_I32);
		push(b, tt, IR_NOVAL);
		break;
	case FE_OP_TABLE_SET:
		tt = table_type(b, in->u.index);
		pop_expect(b, tt);
		pop_expect(b, FE_I32);
		break;
	case FE_OP_TABLE_SIZE:
		table_type(b, in->u.index);
		push(b, FE_I32, IR_NOVAL);
		break;
	case FE_OP_TABLE_GROW:
		tt = table_type(b, in->u.index);
		pop_expect(b, FE_I32);
		pop_expect(b, tt);
		push(b, FE_I32, IR_NOVAL);
		break;
	case FE_OP_TABLE_FILL:
		tt = table_type(b, in->u.index);
		pop_expect(b, FE_I32);
		pop_expect(b, tt);
		pop_expect(b, FE_I32);
		break;
	case FE_OP_TABLE_COPY:
		if (table_type(b, in->u.pair.a) != table_type(b, in->u.pair.b))
			invalid(b, "type mismatch: table.copy between tables of different types");
		goto three_i32;
	case FE_OP_TABLE_INIT:
		tt = table_type(b, in->u.pair.b);
		if (in->u.pair.a >= wm->nelems)
			invalid(b, "unknown elem segment %u", in->u.pair.a);
		else if (tt != T_UNKNOWN && wm->elems[in->u.pair.a].reftype != tt)
			invalid(b, "type mismatch: table.init of a %s table from a %s segment",
				valtype_name(tt), valtype_name(wm->elems[in->u.pair.a].reftype));
	three_i32:
		pop_expect(b, FE_I32);
		pop_expect(b, FE_I32);
		pop_expect(b, FE_I32);
		break;
	case FE_OP_ELEM_DROP:
		if (in->u.index >= wm->nelems)
			invalid(b, "unknown elem segment %u", in->u.index);
		break;
	default:
		invalid(b, "%s cannot be validated", fe_opinfo[in->op].name);
		break;
	}
}

/* --- linear memory -------------------------------------------------------- */

static bool memory_usable(struct builder *b, const struct fe_instr *in)
{
	check_memory(b, in);
	if (!stopped(b) && b->wm->memories[0].imported)
		refuse(b, in->offset, "%s on an imported memory is not supported (the instance owns its memory)",
		       fe_opinfo[in->op].name);
	return !stopped(b);
}

/* i32/i64 loads and stores: the typing is the "type" column, the width
 * the natural alignment. */
static void do_load_store(struct builder *b, const struct fe_instr *in)
{
	const struct fe_opinfo *info = &fe_opinfo[in->op];
	bool store = strstr(info->name, "store") != NULL;
	uint8_t vt = info->name[1] == '3' ? FE_I32 : FE_I64;
	struct opnd addr, val = { 0, IR_NOVAL };
	struct ir_inst *i;

	if (!memory_usable(b, in))
		return;
	if (store)
		val = pop_expect(b, vt);
	addr = pop_expect(b, FE_I32);
	if (!emitting(b)) {
		if (!store)
			push(b, vt, IR_NOVAL);
		return;
	}
	i = emit(b, store ? IR_STORE : IR_LOAD);
	i->a = addr.vreg;
	i->b = val.vreg;
	i->u.mem.offset = in->u.mem.offset;
	i->u.mem.width = (uint8_t)(1u << natural_align(info->name));
	i->u.mem.align = (uint8_t)in->u.mem.align;
	if (!store) {
		size_t n = strlen(info->name);

		if (n > 2 && !strcmp(info->name + n - 2, "_s"))
			i->flags |= IR_F_SIGNED;
		push(b, vt, emit_def(b, i, vt));
	}
}

/* Atomic read-modify-write and compare-exchange (threads proposal, clang
 * -matomics): 32- and 64-bit wide, what BPF's atomic instructions do.
 * Atomic loads and stores are do_load_store()'s: an aligned BPF load or
 * store is single-copy atomic already. */
static void do_atomic_rmw(struct builder *b, const struct fe_instr *in)
{
	const struct fe_opinfo *info = &fe_opinfo[in->op];
	static const char *const ops[] = { ".add", ".sub", ".and", ".or", ".xor", ".xchg" };
	bool cmpxchg = strstr(info->name, "cmpxchg") != NULL;
	uint8_t vt = info->name[1] == '3' ? FE_I32 : FE_I64;
	uint32_t width = 1u << natural_align(info->name);
	struct opnd addr, val, repl = { 0, IR_NOVAL };
	struct ir_inst *i;

	if (!memory_usable(b, in))
		return;
	if (width < 4)
		refuse(b, in->offset, "%s is not supported (BPF atomics are 32 or 64 bits wide)",
		       info->name);
	if (cmpxchg)
		repl = pop_expect(b, vt);
	val = pop_expect(b, vt);
	addr = pop_expect(b, FE_I32);
	if (!emitting(b)) {
		push(b, vt, IR_NOVAL);
		return;
	}
	i = emit(b, cmpxchg ? IR_ATOMIC_CMPXCHG : IR_ATOMIC_RMW);
	i->a = addr.vreg;
	i->b = val.vreg;
	i->c = repl.vreg;
	i->u.mem.offset = in->u.mem.offset;
	i->u.mem.width = (uint8_t)width;
	i->u.mem.align = (uint8_t)in->u.mem.align;
	for (uint8_t k = 0; !cmpxchg && k < 6; k++)
		if (strstr(info->name, ops[k]))
			i->u.mem.rmw = k;
	push(b, vt, emit_def(b, i, vt));
}

static void do_memory_op(struct builder *b, const struct fe_instr *in)
{
	struct opnd len, x, dst;
	struct ir_inst *i;

	if (!memory_usable(b, in))
		return;
	if (in->op == FE_OP_MEMORY_SIZE) {
		if (emitting(b)) {
			i = emit(b, IR_CONST);
			/* the declared size: the instance never grows */
			i->u.imm = (int64_t)b->wm->memories[0].limits.min;
			push(b, FE_I32, emit_def(b, i, FE_I32));
		} else {
			push(b, FE_I32, IR_NOVAL);
		}
		return;
	}
	if (in->op == FE_OP_MEMORY_GROW) {
		/* The memory's size is fixed (map memory, allocated before
		 * the program runs), and Wasm lets memory.grow fail, -1, at
		 * any time: delta == 0 ? the size : -1, as V8 answers a
		 * grow by nothing (an allocator's way of asking the size). */
		x = pop_expect(b, FE_I32);
		if (emitting(b) && !b->grow_noted) {
			b->grow_noted = true;
			diag_report(b->d, DIAG_NOTE, &(struct diag_loc){ in->offset, b->fidx, b->f->name, NULL },
				    "memory.grow always fails here (it answers -1: the instance's memory is a map, its size fixed at load), so an allocator runs out at the module's initial memory (AssemblyScript: new, arrays and strings made at run time then abort; use static buffers, memory.data<T>([...]), and size the memory with --initialMemory)");
		}
		if (emitting(b)) {
			struct ir_inst *z = emit(b, IR_NUM), *size, *fail;
			uint32_t vz, vsize, vfail;

			z->u.numop = IR_I32_EQZ;
			z->a = x.vreg;
			vz = emit_def(b, z, FE_I32);
			size = emit(b, IR_CONST);
			size->u.imm = (int64_t)b->wm->memories[0].limits.min;
			vsize = emit_def(b, size, FE_I32);
			fail = emit(b, IR_CONST);
			fail->u.imm = -1;
			vfail = emit_def(b, fail, FE_I32);
			i = emit(b, IR_SELECT);
			i->a = vz;
			i->b = vsize;
			i->c = vfail;
			push(b, FE_I32, emit_def(b, i, FE_I32));
		} else {
			push(b, FE_I32, IR_NOVAL);
		}
		return;
	}
	len = pop_expect(b, FE_I32);
	x = pop_expect(b, FE_I32);
	dst = pop_expect(b, FE_I32);
	if (!emitting(b))
		return;
	i = emit(b, in->op == FE_OP_MEMORY_COPY ? IR_MEMORY_COPY : IR_MEMORY_FILL);
	i->a = dst.vreg;
	i->b = x.vreg;
	i->c = len.vreg;
}

/* --- one instruction ------------------------------------------------------ */

/* Returns true at the function's final end. */
static bool translate(struct builder *b, const struct fe_instr *in)
{
	const struct fe_opinfo *info = &fe_opinfo[in->op];
	int numop;

	b->cur = in;
	if (info->support != FE_SUPPORT_OK)
		refuse(b, in->offset, "%s is not supported (%s)", info->name,
		       fe_support_reason(info->support));
	numop = numop_of(in->op);
	if (numop >= 0) {
		do_numeric(b, in, numop);
		return false;
	}
	switch (in->op) {
	case FE_OP_UNREACHABLE:
		if (emitting(b))
			emit(b, IR_TRAP)->u.trap = W2B_TRAP_UNREACHABLE;
		set_unreachable(b);
		break;
	case FE_OP_NOP:
		break;
	case FE_OP_BLOCK:
	case FE_OP_LOOP:
	case FE_OP_IF:
		do_block(b, in);
		break;
	case FE_OP_ELSE:
		do_else(b);
		break;
	case FE_OP_END:
		return do_end(b);
	case FE_OP_BR:
		do_br(b, in, false);
		break;
	case FE_OP_BR_IF:
		do_br(b, in, true);
		break;
	case FE_OP_BR_TABLE:
		do_br_table(b, in);
		break;
	case FE_OP_RETURN:
		do_return(b);
		break;
	case FE_OP_CALL:
		do_call(b, in);
		break;
	case FE_OP_CALL_INDIRECT:
		do_call_indirect(b, in);
		break;
	case FE_OP_DROP:
		pop(b);
		break;
	case FE_OP_SELECT:
	case FE_OP_SELECT_T:
		do_select(b, in);
		break;
	case FE_OP_LOCAL_GET:
	case FE_OP_LOCAL_SET:
	case FE_OP_LOCAL_TEE:
		do_local(b, in);
		break;
	case FE_OP_GLOBAL_GET:
		do_global_get(b, in);
		break;
	case FE_OP_GLOBAL_SET:
		if (in->u.index >= b->wm->nglobals) {
			invalid(b, "unknown global %u", in->u.index);
		} else if (!b->wm->globals[in->u.index].type.mutable_) {
			invalid(b, "global is immutable");
		} else {
			uint32_t gi = b->global_ir[in->u.index];
			struct opnd v = pop_expect(b, b->wm->globals[in->u.index].type.valtype);

			if (gi == NO_GLOBAL)
				refuse(b, in->offset, "global.set of this global is not supported (%s)",
				       b->wm->globals[in->u.index].imported ? "imports are not implemented yet" :
				       type_reason(b->wm->globals[in->u.index].type.valtype));
			if (emitting(b)) {
				struct ir_inst *i = emit(b, IR_GLOBAL_SET);

				i->u.global = gi;
				i->a = v.vreg;
			}
		}
		break;
	case FE_OP_I32_LOAD: case FE_OP_I64_LOAD:
	case FE_OP_I32_LOAD8_S: case FE_OP_I32_LOAD8_U: case FE_OP_I32_LOAD16_S: case FE_OP_I32_LOAD16_U:
	case FE_OP_I64_LOAD8_S: case FE_OP_I64_LOAD8_U: case FE_OP_I64_LOAD16_S: case FE_OP_I64_LOAD16_U:
	case FE_OP_I64_LOAD32_S: case FE_OP_I64_LOAD32_U:
	case FE_OP_I32_STORE: case FE_OP_I64_STORE: case FE_OP_I32_STORE8: case FE_OP_I32_STORE16:
	case FE_OP_I64_STORE8: case FE_OP_I64_STORE16: case FE_OP_I64_STORE32:
		do_load_store(b, in);
		break;
	case FE_OP_MEMORY_SIZE:
	case FE_OP_MEMORY_GROW:
	case FE_OP_MEMORY_COPY:
	case FE_OP_MEMORY_FILL:
		do_memory_op(b, in);
		break;
	case FE_OP_ATOMIC_FENCE:
		break;	/* one instance per CPU: nothing to order against */
	case FE_OP_I32_ATOMIC_LOAD: case FE_OP_I64_ATOMIC_LOAD: case FE_OP_I32_ATOMIC_LOAD8_U:
	case FE_OP_I32_ATOMIC_LOAD16_U: case FE_OP_I64_ATOMIC_LOAD8_U: case FE_OP_I64_ATOMIC_LOAD16_U:
	case FE_OP_I64_ATOMIC_LOAD32_U: case FE_OP_I32_ATOMIC_STORE: case FE_OP_I64_ATOMIC_STORE:
	case FE_OP_I32_ATOMIC_STORE8: case FE_OP_I32_ATOMIC_STORE16: case FE_OP_I64_ATOMIC_STORE8:
	case FE_OP_I64_ATOMIC_STORE16: case FE_OP_I64_ATOMIC_STORE32:
		do_load_store(b, in);
		break;
	case FE_OP_I32_CONST:
	case FE_OP_I64_CONST: {
		uint8_t t = in->op == FE_OP_I32_CONST ? FE_I32 : FE_I64;

		if (emitting(b)) {
			struct ir_inst *i = emit(b, IR_CONST);

			i->u.imm = in->u.i64;
			push(b, t, emit_def(b, i, t));
		} else {
			push(b, t, IR_NOVAL);
		}
		break;
	}
	default:
		if (in->op >= FE_OP_I32_ATOMIC_RMW_ADD && in->op <= FE_OP_I64_ATOMIC_RMW32_CMPXCHG_U) {
			do_atomic_rmw(b, in);
			break;
		}
		/* outside the subset: refused above, validated here */
		if (info->type[0] != '*')
			validate_by_type(b, in);
		else
			validate_special(b, in);
		break;
	}
	return false;
}

/* --- functions and the module ------------------------------------------- */

/* The name diagnostics and symbols use: the name section's, unless it is
 * just the index (binaryen writes those for unnamed functions), else the
 * first export's. */
static const char *display_name(const struct fe_module *wm, uint32_t fidx)
{
	const char *n = wm->funcs[fidx].name;
	bool numeric = n && *n;

	for (const char *p = n; numeric && *p; p++)
		numeric = *p >= '0' && *p <= '9';
	if (n && !numeric)
		return n;
	for (uint32_t k = 0; k < wm->nexports; k++)
		if (wm->exports[k].kind == FE_EXT_FUNC && wm->exports[k].index == fidx)
			return wm->exports[k].name;
	return NULL;
}

static void build_func(struct builder *b, uint32_t fidx)
{
	const struct fe_module *wm = b->wm;
	const struct fe_func *wf = &wm->funcs[fidx];
	const struct fe_functype *t = &wm->types[wf->type_index];
	struct ir_func *f = &b->m->funcs[fidx - wm->nimported_funcs];
	bool done = false;

	b->f = f;
	b->wf = wf;
	b->fidx = fidx;
	b->cur = NULL;
	b->nstk = b->nctl = 0;
	b->refused = false;

	f->name = display_name(wm, fidx);
	f->wasm_index = fidx;
	f->offset = wf->body_start;	/* where wasm-objdump places the function */
	f->nparams = t->nparams;
	f->nresults = t->nresults;
	f->results = arena_array(b->a, t->nresults ? t->nresults : 1, 1);
	for (uint32_t k = 0; k < t->nresults; k++) {
		if (!is_int(t->results[k]))
			refuse(b, wf->body_offset, "a %s result is not supported (%s)",
			       valtype_name(t->results[k]), type_reason(t->results[k]));
		f->results[k] = is_int(t->results[k]) ? (uint8_t)ir_type_of(t->results[k]) : IR_I64;
	}
	f->nlocals = t->nparams + wf->nlocals;
	f->local_types = arena_array(b->a, f->nlocals ? f->nlocals : 1, 1);
	for (uint32_t k = 0; k < t->nparams; k++) {
		if (!is_int(t->params[k]))
			refuse(b, wf->body_offset, "a %s parameter is not supported (%s)",
			       valtype_name(t->params[k]), type_reason(t->params[k]));
		f->local_types[k] = is_int(t->params[k]) ? (uint8_t)ir_type_of(t->params[k]) : IR_I64;
	}
	/* Locals of other types get a placeholder slot: using one is refused
	 * at the instruction that does, so an unused one costs nothing. */
	for (uint32_t k = 0; k < wf->nlocals; k++)
		f->local_types[t->nparams + k] = is_int(wf->local_types[k]) ?
			(uint8_t)ir_type_of(wf->local_types[k]) : (uint8_t)IR_I64;

	push_ctl(b, FE_OP_END, 0, NULL, t->nresults, t->results, NULL, &f->body, false);
	for (uint32_t k = 0; k < wf->ninstrs && !stopped(b) && !done; k++)
		done = translate(b, &wf->instrs[k]);
	if (stopped(b))
		return;
	if (wf->refused != FE_SUPPORT_OK) {
		/* the reader stopped decoding here: nothing after it to validate */
		refuse(b, wf->refused_offset, "%s are not supported (%s)",
		       fe_support_family(wf->refused), fe_support_reason(wf->refused));
		return;
	}
	if (!done)
		invalid(b, "function body does not end with end");
}

/* A C identifier made of `name`, for ELF and BTF: other bytes become '_'. */
static char *c_identifier(struct arena *a, const char *prefix, const char *name)
{
	size_t pl = strlen(prefix), nl = strlen(name);
	char *s;

	if (nl > 100)
		nl = 100;
	s = arena_alloc(a, pl + nl + 2);
	memcpy(s, prefix, pl);
	for (size_t k = 0; k < nl; k++) {
		char c = name[k];

		s[pl + k] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '_' ? c : '_';
	}
	if (!pl && (s[0] == '\0' || (s[0] >= '0' && s[0] <= '9'))) {
		memmove(s + 1, s, nl + 1);
		s[0] = '_';
	}
	return s;
}

/* --- module-level validation --------------------------------------------- */

static bool check_limits(struct diag_sink *d, uint32_t off, const struct fe_limits *l,
			 uint64_t most, const char *what)
{
	if (l->has_max && l->min > l->max) {
		diag_error_at(d, off, "invalid module: size minimum must not be greater than maximum");
		return false;
	}
	if (l->min > most || (l->has_max && l->max > most)) {
		diag_error_at(d, off, "invalid module: %s size must be at most %llu", what,
			      (unsigned long long)most);
		return false;
	}
	return true;
}

/* A constant expression of the given type: constants, ref.null/ref.func,
 * global.get of an immutable global below `nvisible` (an initializer sees
 * the globals before it; a segment offset sees them all), and the extended
 * constant expressions' i32/i64 add, sub and mul. */
static bool check_const(struct diag_sink *d, const struct fe_module *wm,
			const struct fe_constexpr *e, uint8_t type, uint32_t nvisible)
{
	uint8_t stack[16];
	uint32_t n = 0;

	for (uint32_t k = 0; k < e->ninstrs; k++) {
		const struct fe_instr *in = &e->instrs[k];
		uint8_t t;

		switch (in->op) {
		case FE_OP_I32_CONST: t = FE_I32; break;
		case FE_OP_I64_CONST: t = FE_I64; break;
		case FE_OP_F32_CONST: t = FE_F32; break;
		case FE_OP_F64_CONST: t = FE_F64; break;
		case FE_OP_REF_NULL: t = (uint8_t)in->u.index; break;
		case FE_OP_REF_FUNC:
			if (in->u.index >= wm->nfuncs) {
				diag_error_at(d, in->offset, "invalid module: unknown function %u", in->u.index);
				return false;
			}
			t = FE_FUNCREF;
			break;
		case FE_OP_GLOBAL_GET:
			if (in->u.index >= nvisible) {
				diag_error_at(d, in->offset, "invalid module: unknown global %u", in->u.index);
				return false;
			}
			if (wm->globals[in->u.index].type.mutable_) {
				diag_error_at(d, in->offset, "invalid module: constant expression required");
				return false;
			}
			t = wm->globals[in->u.index].type.valtype;
			break;
		case FE_OP_I32_ADD: case FE_OP_I32_SUB: case FE_OP_I32_MUL:
		case FE_OP_I64_ADD: case FE_OP_I64_SUB: case FE_OP_I64_MUL:
			t = fe_opinfo[in->op].name[1] == '3' ? FE_I32 : FE_I64;
			if (n < 2 || stack[n - 1] != t || stack[n - 2] != t) {
				diag_error_at(d, in->offset, "invalid module: type mismatch in constant expression");
				return false;
			}
			n -= 2;
			break;
		default:
			diag_error_at(d, in->offset, "invalid module: constant expression required");
			return false;
		}
		if (n == sizeof(stack)) {
			diag_error_at(d, in->offset, "constant expression too deep (more than %zu values)", sizeof(stack));
			return false;
		}
		stack[n++] = t;
	}
	if (n != 1 || stack[0] != type) {
		diag_error_at(d, e->offset, "invalid module: type mismatch in constant expression: expected one %s",
			      valtype_name(type));
		return false;
	}
	return true;
}

/* What the function bodies do not show: index spaces, limits, exports,
 * the start function, initializers and segments. */
static bool validate_module(const struct fe_module *wm, struct diag_sink *d)
{
	bool ok = true;

	for (uint32_t k = 0; k < wm->nfuncs; k++)
		if (wm->funcs[k].type_index >= wm->ntypes) {
			diag_error_at(d, wm->funcs[k].imported ? wm->imports[wm->funcs[k].import_index].offset
							       : wm->funcs[k].decl_offset,
				      "invalid module: func[%u]: unknown type %u", k, wm->funcs[k].type_index);
			return false;	/* nothing below can look at its signature */
		}
	if (wm->nmemories > 1) {
		diag_error_at(d, wm->memories[1].offset, "invalid module: multiple memories");
		ok = false;
	}
	for (uint32_t k = 0; k < wm->nmemories; k++) {
		const struct fe_limits *l = &wm->memories[k].limits;

		/* a 64-bit memory's addresses are i64: every access would
		 * validate by other rules, and the subset has none */
		if (l->is64) {
			diag_error_at(d, wm->memories[k].offset, "a 64-bit memory is not supported "
				      "(only 32-bit memories: no memory64)");
			ok = false;
			continue;
		}
		if (l->shared && !l->has_max) {
			diag_error_at(d, wm->memories[k].offset,
				      "invalid module: shared memory must have maximum");
			ok = false;
		}
		ok &= check_limits(d, wm->memories[k].offset, l, 65536, "memory");
	}
	for (uint32_t k = 0; k < wm->ntables; k++) {
		if (wm->tables[k].limits.is64) {
			diag_error_at(d, wm->tables[k].offset, "a 64-bit table is not supported "
				      "(only 32-bit tables: no table64)");
			ok = false;
			continue;
		}
		ok &= check_limits(d, wm->tables[k].offset, &wm->tables[k].limits, UINT32_MAX, "table");
	}
	for (uint32_t k = 0; k < wm->nglobals; k++) {
		if (wm->globals[k].imported)
			continue;
		/* the reader skips v128.const (decode_expr): its initializer
		 * is not there to check */
		if (wm->globals[k].type.valtype == FE_V128) {
			diag_error_at(d, wm->globals[k].offset, "a v128 global is not supported (%s)",
				      fe_support_reason(FE_SUPPORT_SIMD));
			ok = false;
			continue;
		}
		ok &= check_const(d, wm, &wm->globals[k].init, wm->globals[k].type.valtype, k);
	}
	for (uint32_t k = 0; k < wm->nexports; k++) {
		const struct fe_export *ex = &wm->exports[k];
		uint32_t n = ex->kind == FE_EXT_FUNC ? wm->nfuncs : ex->kind == FE_EXT_TABLE ? wm->ntables :
			     ex->kind == FE_EXT_MEMORY ? wm->nmemories : wm->nglobals;

		if (ex->index >= n) {
			diag_error_at(d, ex->offset, "invalid module: export '%s' names an unknown index %u",
				      ex->name, ex->index);
			ok = false;
		}
		for (uint32_t j = 0; j < k; j++)
			if (!strcmp(wm->exports[j].name, ex->name)) {
				diag_error_at(d, ex->offset, "invalid module: duplicate export name '%s'", ex->name);
				ok = false;
				break;
			}
	}
	if (wm->has_start) {
		if (wm->start >= wm->nfuncs) {
			diag_error_at(d, wm->start_offset, "invalid module: unknown function %u", wm->start);
			ok = false;
		} else {
			const struct fe_functype *t = &wm->types[wm->funcs[wm->start].type_index];

			if (t->nparams || t->nresults) {
				diag_error_at(d, wm->start_offset, "invalid module: start function must have type [] -> []");
				ok = false;
			}
		}
	}
	for (uint32_t k = 0; k < wm->nelems; k++) {
		const struct fe_elem *e = &wm->elems[k];

		if (e->mode == FE_SEG_ACTIVE) {
			if (e->table >= wm->ntables) {
				diag_error_at(d, e->offset, "invalid module: unknown table %u", e->table);
				ok = false;
			} else if (e->reftype != wm->tables[e->table].reftype) {
				diag_error_at(d, e->offset, "invalid module: type mismatch: elem segment %u "
					      "of %s elements for a table of %s", k, valtype_name(e->reftype),
					      valtype_name(wm->tables[e->table].reftype));
				ok = false;
			} else {
				ok &= check_const(d, wm, &e->table_offset, FE_I32, wm->nglobals);
			}
		}
		for (uint32_t j = 0; e->func_indices && j < e->count; j++)
			if (e->func_indices[j] >= wm->nfuncs) {
				diag_error_at(d, e->offset, "invalid module: unknown function %u", e->func_indices[j]);
				ok = false;
				break;
			}
		for (uint32_t j = 0; e->exprs && j < e->count; j++)
			ok &= check_const(d, wm, &e->exprs[j], e->reftype, wm->nglobals);
	}
	for (uint32_t k = 0; k < wm->ndatas; k++) {
		const struct fe_data *s = &wm->datas[k];

		if (s->mode != FE_SEG_ACTIVE)
			continue;
		if (s->memory >= wm->nmemories) {
			diag_error_at(d, s->offset, "invalid module: unknown memory %u", s->memory);
			ok = false;
		} else {
			ok &= check_const(d, wm, &s->mem_offset, FE_I32, wm->nglobals);
		}
	}
	return ok;
}

/* Marks in v the functions a constant expression's ref.func names. */
static void declare_in(const struct fe_module *wm, const struct fe_constexpr *e, uint8_t *v)
{
	for (uint32_t k = 0; k < e->ninstrs; k++)
		if (e->instrs[k].op == FE_OP_REF_FUNC && e->instrs[k].u.index < wm->nfuncs)
			v[e->instrs[k].u.index] = 1;
}

/* The functions a body's ref.func may name, one byte each: the spec's
 * C.refs, those the module names outside function bodies (element
 * segments, exports, global initializers). The rule lets an engine know
 * every function that can become a reference before it reads any code. */
static uint8_t *declared_funcs(const struct fe_module *wm, struct arena *a)
{
	uint8_t *v = arena_alloc(a, wm->nfuncs ? wm->nfuncs : 1);

	memset(v, 0, wm->nfuncs ? wm->nfuncs : 1);
	for (uint32_t k = 0; k < wm->nelems; k++) {
		const struct fe_elem *e = &wm->elems[k];

		for (uint32_t j = 0; e->func_indices && j < e->count; j++)
			if (e->func_indices[j] < wm->nfuncs)
				v[e->func_indices[j]] = 1;
		for (uint32_t j = 0; e->exprs && j < e->count; j++)
			declare_in(wm, &e->exprs[j], v);
	}
	for (uint32_t k = 0; k < wm->nexports; k++)
		if (wm->exports[k].kind == FE_EXT_FUNC && wm->exports[k].index < wm->nfuncs)
			v[wm->exports[k].index] = 1;
	for (uint32_t k = 0; k < wm->nglobals; k++)
		if (!wm->globals[k].imported)
			declare_in(wm, &wm->globals[k].init, v);
	return v;
}

/* An ELF symbol for an exported name: a C identifier, unique among the
 * entries and .rodata globals, and never one of the names wasm2bpf
 * itself uses (internal functions "w<index>_...", maps "w2b_...",
 * LICENSE): those get a leading underscore. */
static char *fresh_symbol(const struct ir_module *m, struct arena *a, const char *name)
{
	char *base = c_identifier(a, "", name), *sym;

	if (!strcmp(base, "LICENSE") || !strncmp(base, "w2b_", 4) ||
	    (base[0] == 'w' && base[1] >= '0' && base[1] <= '9'))
		base = arena_printf(a, "_%s", base);
	sym = base;
	for (uint32_t n = 2; ir_symbol_taken(m, sym); n++)
		sym = arena_printf(a, "%s_%u", base, n);
	return sym;
}

static const char *export_name_of(const struct fe_module *wm, uint8_t kind, uint32_t index)
{
	for (uint32_t k = 0; k < wm->nexports; k++)
		if (wm->exports[k].kind == kind && wm->exports[k].index == index)
			return wm->exports[k].name;
	return NULL;
}

/* The globals the IR reads at run time (ir.h, struct ir_global): mutable
 * ones, and exported immutable ones (.rodata). Returns the map from Wasm
 * global index to IR global index. */
static uint32_t *collect_globals(struct ir_module *m, const struct fe_module *wm, struct arena *a,
				 const struct fe_global_values *gv)
{
	uint32_t *map = arena_array(a, wm->nglobals ? wm->nglobals : 1, sizeof(*map));

	for (uint32_t k = 0; k < wm->nglobals; k++) {
		const struct fe_global *g = &wm->globals[k];
		const char *exported = export_name_of(wm, FE_EXT_GLOBAL, k);
		struct ir_global *ig;

		map[k] = NO_GLOBAL;
		if (!gv->known[k])
			continue;
		if (!g->type.mutable_ && !exported)
			continue;	/* folded into constants */
		m->globals = arena_grow(a, m->globals, m->nglobals, m->nglobals + 1, sizeof(*m->globals));
		ig = &m->globals[m->nglobals];
		ig->type = (uint8_t)ir_type_of(g->type.valtype);
		ig->mutable_ = g->type.mutable_;
		ig->init = gv->values[k];
		ig->wasm_index = k;
		ig->name = exported;
		map[k] = m->nglobals++;
		if (exported)
			ig->symbol = fresh_symbol(m, a, exported);
	}
	return map;
}

static struct ir_module *build_ir(const struct fe_module *wm, const char *file,
				  const char *btf_path, bool validating, struct arena *a,
				  struct diag_sink *d)
{
	struct builder b = { .wm = wm, .a = a, .d = d, .btf_path = btf_path };
	struct ir_module *m = arena_alloc(a, sizeof(*m));
	bool invalid_module = !validate_module(wm, d);

	if (invalid_module)
		return NULL;
	m->stack_pointer = IR_NOVAL;	/* fe_layout_memory() finds it */
	b.declared = declared_funcs(wm, a);
	fe_eval_globals(wm, a, &b.gv);
	b.global_ir = collect_globals(m, wm, a, &b.gv);
	if (fe_static_tables(wm, &b.gv, validating, a, d, &b.tables))
		return NULL;

	m->arena = a;
	m->file = file;
	m->nfuncs = wm->nfuncs - wm->nimported_funcs;
	m->funcs = arena_array(a, m->nfuncs ? m->nfuncs : 1, sizeof(*m->funcs));
	b.m = m;
	for (uint32_t k = wm->nimported_funcs; k < wm->nfuncs; k++) {
		struct ir_func *f = &m->funcs[k - wm->nimported_funcs];

		b.invalid = false;
		build_func(&b, k);
		invalid_module |= b.invalid;
		/* Internal symbols are "w<index>_<name>", so they can never
		 * clash with each other or with entry symbols (see fe_add_entry). */
		f->symbol = c_identifier(a, arena_printf(a, "w%u_", k), f->name ? f->name : "f");
		if (f->refusal)
			f->body = (struct ir_region){ 0 };
	}
	free(b.stk);
	free(b.ctls);
	if (wm->has_start) {
		/* an imported one is valid Wasm; compiling refuses it
		 * (ir_analyze_calls) */
		m->has_start = true;
		m->start_imported = wm->start < wm->nimported_funcs;
		m->start = m->start_imported ? wm->start : wm->start - wm->nimported_funcs;
		m->start_offset = wm->start_offset;
	}
	fe_core_close(b.core);
	return invalid_module ? NULL : m;
}

struct ir_module *fe_build_ir(const struct fe_module *wm, const char *file, const char *btf_path,
			      struct arena *a, struct diag_sink *d)
{
	return build_ir(wm, file, btf_path, false, a, d);
}

int fe_validate(const struct fe_module *wm, const char *file, const char *btf_path,
		struct arena *a, struct diag_sink *d)
{
	int err = 0;

	if (!build_ir(wm, file, btf_path, true, a, d))
		return -EINVAL;
	for (uint32_t k = wm->nimported_funcs; k < wm->nfuncs; k++) {
		const struct fe_func *wf = &wm->funcs[k];

		if (wf->refused == FE_SUPPORT_OK)
			continue;
		diag_report(d, DIAG_ERROR, &(struct diag_loc){ wf->refused_offset, k,
				display_name(wm, k), NULL },
			    "%s are not supported (%s): the function cannot be validated",
			    fe_support_family(wf->refused), fe_support_reason(wf->refused));
		err = -EINVAL;
	}
	return err;
}

/* --- entries ------------------------------------------------------------ */


/* The program kind of a section name, or IR_PROG_COUNT
 * (common/section.h). */
static enum ir_prog_kind prog_kind(const char *section)
{
	for (int k = 0; k < IR_PROG_COUNT; k++)
		if (w2b_section_matches(ir_prog_info[k].section, section))
			return (enum ir_prog_kind)k;
	return IR_PROG_COUNT;
}

static const char *supported_sections(struct arena *a)
{
	char *s = "";

	for (int k = 0; k < IR_PROG_COUNT; k++) {
		const char *sec = ir_prog_info[k].section;

		s = arena_printf(a, "%s%s%s%s", s, k ? ", " : "", sec,
				 w2b_section_is_prefix(sec) ? "TARGET" : "");
	}
	return s;
}

/* The most parameters an entry of these params may have: the kernel's
 * 12 arguments of a traced function (MAX_BPF_FUNC_ARGS), pt_regs' 5
 * argument registers that wasm2bpf reads. */
static uint32_t max_entry_params(uint8_t params)
{
	return params == IR_PARAMS_REGS ? 5 : params == IR_PARAMS_CTX || params == IR_PARAMS_RET ? 1 :
	       params == IR_PARAMS_SLOTS ? UINT32_MAX : 12;
}

static int add_entry(struct ir_module *m, const struct fe_module *wm, const char *export_name,
		     const char *section, const char *origin, uint32_t at, struct diag_sink *d);

int fe_add_entry(struct ir_module *m, const struct fe_module *wm,
		 const char *export_name, const char *section, struct diag_sink *d)
{
	return add_entry(m, wm, export_name, section, "--entry", UINT32_MAX, d);
}

int fe_add_recorded_entry(struct ir_module *m, const struct fe_module *wm,
			  const char *export_name, const char *section, uint32_t record,
			  struct diag_sink *d)
{
	int err = add_entry(m, wm, export_name, section, "wasm2bpf.entries", record, d);

	/* a record naming no export is the module's fault (exit 1), not a
	 * command line's */
	return err == -ENOENT ? -EINVAL : err;
}

/* origin: where the request came from, for the messages; at: the offset
 * of its record in the module, or UINT32_MAX (the command line) */
static int add_entry(struct ir_module *m, const struct fe_module *wm, const char *export_name,
		     const char *section, const char *origin, uint32_t at, struct diag_sink *d)
{
	const struct fe_export *ex = NULL;
	enum ir_prog_kind kind;
	struct ir_entry *e;
	char *sym;

	for (uint32_t k = 0; k < wm->nexports; k++)
		if (strcmp(wm->exports[k].name, export_name) == 0) {
			ex = &wm->exports[k];
			break;
		}
	if (!ex) {
		if (at == UINT32_MAX)
			diag_report(d, DIAG_ERROR, NULL, "%s: no export named '%s'", origin, export_name);
		else
			diag_error_at(d, at, "%s: no export named '%s'", origin, export_name);
		return -ENOENT;
	}
	if (ex->kind != FE_EXT_FUNC) {
		diag_error_at(d, ex->offset, "%s: export '%s' is not a function", origin, export_name);
		return -EINVAL;
	}
	if (wm->funcs[ex->index].imported) {
		diag_error_at(d, ex->offset, "%s: export '%s' is an imported function", origin, export_name);
		return -EINVAL;
	}
	kind = prog_kind(section);
	if (kind == IR_PROG_COUNT) {
		diag_error_at(d, ex->offset, "%s: section '%s' for '%s' is not supported (supported: %s)",
			      origin, section, export_name, supported_sections(m->arena));
		return -EINVAL;
	}
	if (ir_prog_info[kind].params != IR_PARAMS_SLOTS && !ir_prog_info[kind].packet) {
		const struct fe_functype *t = &wm->types[wm->funcs[ex->index].type_index];

		/* the context's words: each parameter one; a result the
		 * program's return value */
		if (t->nparams > max_entry_params(ir_prog_info[kind].params) ||
		    (ir_prog_info[kind].params == IR_PARAMS_CTX &&
		     (t->nparams != 1 || t->params[0] != FE_I64)) ||
		    t->nresults > 1 || (t->nresults == 1 && t->results[0] != FE_I32)) {
			diag_error_at(d, ex->offset, "entry '%s' in section '%s' must have type "
				      "(i64|i32 ...) -> i32 or no result, with at most %u parameters "
				      "(the %s)", export_name, section,
				      max_entry_params(ir_prog_info[kind].params),
				      ir_prog_info[kind].params == IR_PARAMS_REGS ?
				      "probed function's argument registers" :
				      ir_prog_info[kind].params == IR_PARAMS_CTX ?
				      "context pointer, an i64, the only one" :
				      ir_prog_info[kind].params == IR_PARAMS_RET ?
				      "probed function's return value" :
				      "traced function's or tracepoint's arguments");
			return -EINVAL;
		}
	}
	if (ir_prog_info[kind].packet) {
		const struct fe_functype *t = &wm->types[wm->funcs[ex->index].type_index];

		if (t->nparams != 2 || t->params[0] != FE_I32 || t->params[1] != FE_I32 ||
		    t->nresults != 1 || t->results[0] != FE_I32) {
			diag_error_at(d, ex->offset, "entry '%s' in section '%s' must have type (i32 pkt, i32 len) -> i32",
				      export_name, section);
			return -EINVAL;
		}
	}
	sym = fresh_symbol(m, m->arena, export_name);
	m->entries = arena_grow(m->arena, m->entries, m->nentries, m->nentries + 1, sizeof(*m->entries));
	e = &m->entries[m->nentries++];
	e->export_name = ex->name;
	e->symbol = sym;
	e->section = arena_strdup(m->arena, section);
	e->kind = (uint8_t)kind;
	e->func = ex->index - wm->nimported_funcs;
	return 0;
}
