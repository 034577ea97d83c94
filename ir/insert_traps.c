/*
 * insert_traps.c — make Wasm's integer traps explicit.
 *
 * Wasm defines every integer operation on every input; LLVM and eBPF do not
 * (LLVM: division by zero and INT_MIN / -1 are undefined; BPF: division by
 * zero gives 0). So before each division or remainder this pass inserts the
 * checks the spec demands, as ordinary IR:
 *
 *     div_u, rem_u, div_s, rem_s:  trap_if (b == 0)             div_zero
 *     div_s:                       trap_if (a == MIN & b == -1)  int_overflow
 *     rem_s:                       b' = (b == -1) ? 1 : b
 *
 * The last line is not a trap: Wasm defines MIN rem_s -1 as 0, and x rem 1
 * is 0 for every x, so replacing the divisor -1 by 1 gives Wasm's result
 * without the overflow. Each guarded operation gets IR_F_GUARDED, the
 * backend's proof that its operands are in the defined domain.
 *
 * Shift counts and the like need no pass: the backend masks them as part of
 * the operation (emit_numeric.c).
 */
#include "ir.h"

#include <stdlib.h>

struct traps_ctx {
	struct ir_module *m;
	struct ir_func *f;
};

static bool is_division(uint32_t op)
{
	switch (op) {
	case IR_I32_DIV_S: case IR_I32_DIV_U: case IR_I32_REM_S: case IR_I32_REM_U:
	case IR_I64_DIV_S: case IR_I64_DIV_U: case IR_I64_REM_S: case IR_I64_REM_U:
		return true;
	}
	return false;
}

struct builder {
	struct arena *a;
	struct ir_func *f;
	struct ir_region out;
	uint32_t offset;
};

static uint32_t add_def(struct builder *b, struct ir_inst *i, enum ir_type t)
{
	i->type = (uint8_t)t;
	i->dst = ir_new_vreg(b->a, b->f, t);
	ir_region_append(b->a, &b->out, i);
	return i->dst;
}

static uint32_t add_const(struct builder *b, enum ir_type t, int64_t v)
{
	struct ir_inst *i = ir_new_inst(b->a, IR_CONST, b->offset);

	i->u.imm = v;
	return add_def(b, i, t);
}

static uint32_t add_num(struct builder *b, enum ir_numop op, uint32_t x, uint32_t y)
{
	struct ir_inst *i = ir_new_inst(b->a, IR_NUM, b->offset);

	i->u.numop = op;
	i->a = x;
	i->b = y;
	return add_def(b, i, (enum ir_type)ir_numop_info[op].result);
}

static void add_trap_if(struct builder *b, uint32_t cond, enum w2b_trap_kind kind)
{
	struct ir_inst *i = ir_new_inst(b->a, IR_TRAP_IF, b->offset);

	i->a = cond;
	i->u.trap = kind;
	ir_region_append(b->a, &b->out, i);
}

static void guard_division(struct builder *b, struct ir_inst *div)
{
	bool is64 = ir_numop_info[div->u.numop].operand == IR_I64;
	enum ir_type t = is64 ? IR_I64 : IR_I32;
	uint32_t op = div->u.numop;

	b->offset = div->offset;
	add_trap_if(b, add_num(b, is64 ? IR_I64_EQZ : IR_I32_EQZ, div->b, IR_NOVAL),
		    W2B_TRAP_DIV_ZERO);
	if (op == IR_I32_DIV_S || op == IR_I64_DIV_S) {
		uint32_t is_m1 = add_num(b, is64 ? IR_I64_EQ : IR_I32_EQ, div->b,
					 add_const(b, t, -1));
		uint32_t is_min = add_num(b, is64 ? IR_I64_EQ : IR_I32_EQ, div->a,
					  add_const(b, t, is64 ? INT64_MIN : INT32_MIN));

		add_trap_if(b, add_num(b, IR_I32_AND, is_m1, is_min), W2B_TRAP_INT_OVERFLOW);
	} else if (op == IR_I32_REM_S || op == IR_I64_REM_S) {
		uint32_t is_m1 = add_num(b, is64 ? IR_I64_EQ : IR_I32_EQ, div->b,
					 add_const(b, t, -1));
		struct ir_inst *sel = ir_new_inst(b->a, IR_SELECT, b->offset);

		sel->a = is_m1;
		sel->b = add_const(b, t, 1);
		sel->c = div->b;
		div->b = add_def(b, sel, t);
	}
	div->flags |= IR_F_GUARDED;
	ir_region_append(b->a, &b->out, div);
}

static void rewrite_region(struct ir_region *r, void *user)
{
	struct traps_ctx *c = user;
	struct builder b = { c->m->arena, c->f, { 0 }, 0 };
	bool any = false;

	for (uint32_t k = 0; k < r->n; k++)
		if (r->insts[k]->kind == IR_NUM && is_division(r->insts[k]->u.numop) &&
		    !(r->insts[k]->flags & IR_F_GUARDED))
			any = true;
	if (!any)
		return;
	for (uint32_t k = 0; k < r->n; k++) {
		struct ir_inst *i = r->insts[k];

		if (i->kind == IR_NUM && is_division(i->u.numop) && !(i->flags & IR_F_GUARDED))
			guard_division(&b, i);
		else
			ir_region_append(b.a, &b.out, i);
	}
	*r = b.out;
}

void ir_insert_traps(struct ir_module *m)
{
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		struct traps_ctx c = { m, &m->funcs[k] };

		if (m->funcs[k].reachable)
			ir_walk_regions(&m->funcs[k].body, rewrite_region, &c);
	}
}
