/*
 * value_range.c — what an i32 address can be, from how it was computed.
 *
 * A memory access whose address the IR proves inside the part of memory
 * the backend reaches without a check (the instance memory's bounds, the
 * hot block of a memory in blocks) needs no bounds check, no trap and no
 * slow path: csmith's CRC-32 table reads, `tab[(h + k) & 255]`, a field
 * of a static struct at a byte index. Only operations whose bounds the
 * kernel's verifier tracks as exactly are used (constants, and with a
 * constant, add, shifts by a constant, zero-extending narrow loads), so
 * the verifier proves the access in bounds from the same instructions;
 * anything else (a local, a call's result, rem_u, which older verifiers
 * do not bound) is the whole u32 range. The walk follows each vreg's one
 * definition (SSA), at most RANGE_DEPTH deep.
 */
#include "ir.h"

#include <stdlib.h>

#define RANGE_DEPTH 8

struct range {
	uint64_t lo, hi;	/* unsigned, inclusive, within [0, UINT32_MAX] */
};

static const struct range ANY = { 0, UINT32_MAX };

static void note_def(struct ir_inst *i, void *user)
{
	const struct ir_inst **defs = user;

	if (i->dst != IR_NOVAL)
		defs[i->dst] = i;
}

const struct ir_inst **ir_vreg_defs(const struct ir_func *f)
{
	const struct ir_inst **defs = calloc(f->nvregs ? f->nvregs : 1, sizeof(*defs));

	if (defs)
		ir_walk_insts((struct ir_region *)&f->body, note_def, defs);
	return defs;
}

static struct range range_of(const struct ir_func *f, const struct ir_inst *const *defs,
			     uint32_t v, unsigned depth)
{
	const struct ir_inst *d;
	struct range a, b;

	if (v >= f->nvregs || !(d = defs[v]) || d->type != IR_I32 || !depth)
		return ANY;
	switch ((enum ir_kind)d->kind) {
	case IR_CONST:
		return (struct range){ (uint32_t)d->u.imm, (uint32_t)d->u.imm };
	case IR_LOAD:
		/* a zero-extending narrow load */
		if (d->u.mem.width < 4 && !(d->flags & IR_F_SIGNED))
			return (struct range){ 0, (1ull << (8 * d->u.mem.width)) - 1 };
		return ANY;
	case IR_NUM:
		break;
	default:
		return ANY;
	}
	a = range_of(f, defs, d->a, depth - 1);
	b = d->b != IR_NOVAL ? range_of(f, defs, d->b, depth - 1) : ANY;
	switch ((enum ir_numop)d->u.numop) {
	case IR_I32_AND:
		/* at most the smaller of the two maxima */
		return (struct range){ 0, a.hi < b.hi ? a.hi : b.hi };
	case IR_I32_ADD:
		if (a.hi + b.hi > UINT32_MAX)
			return ANY;	/* may wrap */
		return (struct range){ a.lo + b.lo, a.hi + b.hi };
	case IR_I32_SHL:
		if (b.lo != b.hi || b.lo > 31 || (a.hi << b.lo) > UINT32_MAX)
			return ANY;
		return (struct range){ a.lo << b.lo, a.hi << b.lo };
	case IR_I32_SHR_U:
		if (b.lo != b.hi)
			return ANY;
		return (struct range){ a.lo >> (b.lo & 31), a.hi >> (b.lo & 31) };
	default:
		return ANY;
	}
}

bool ir_u32_range(const struct ir_func *f, const struct ir_inst *const *defs, uint32_t v,
		  uint32_t *lo, uint32_t *hi)
{
	struct range r = defs ? range_of(f, defs, v, RANGE_DEPTH) : ANY;

	*lo = (uint32_t)r.lo;
	*hi = (uint32_t)r.hi;
	return r.lo != ANY.lo || r.hi != ANY.hi;
}
