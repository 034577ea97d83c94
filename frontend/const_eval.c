/*
 * const_eval.c — the values of constant expressions, at compile time.
 *
 * Global initializers and segment offsets are constant expressions: a
 * constant, global.get of an immutable global, and (extended constant
 * expressions) i32/i64 add, sub and mul. Their values are known when
 * compiling unless they read an imported global. Validation (build_ir.c)
 * has already checked types and that each global reads only earlier ones,
 * so the globals are evaluated in index order, without recursion.
 */
#include "frontend/frontend.h"

#include "common/arena.h"

bool fe_eval_const(const struct fe_module *wm, const struct fe_constexpr *e,
		   const struct fe_global_values *gv, int64_t *out)
{
	int64_t stack[16];
	uint32_t n = 0;

	for (uint32_t k = 0; k < e->ninstrs; k++) {
		const struct fe_instr *in = &e->instrs[k];
		int64_t v;

		switch (in->op) {
		case FE_OP_I32_CONST:
		case FE_OP_I64_CONST:
			v = in->u.i64;
			break;
		case FE_OP_GLOBAL_GET:
			if (!gv || in->u.index >= wm->nglobals || !gv->known[in->u.index])
				return false;
			v = gv->values[in->u.index];
			break;
		case FE_OP_I32_ADD: case FE_OP_I32_SUB: case FE_OP_I32_MUL:
		case FE_OP_I64_ADD: case FE_OP_I64_SUB: case FE_OP_I64_MUL: {
			uint64_t x, y, r;

			if (n < 2)
				return false;
			x = (uint64_t)stack[n - 2];
			y = (uint64_t)stack[n - 1];
			n -= 2;
			r = in->op == FE_OP_I32_ADD || in->op == FE_OP_I64_ADD ? x + y :
			    in->op == FE_OP_I32_SUB || in->op == FE_OP_I64_SUB ? x - y : x * y;
			/* i32 results wrap at 32 bits, kept sign-extended like i32.const */
			v = fe_opinfo[in->op].name[1] == '3' ? (int64_t)(int32_t)(uint32_t)r : (int64_t)r;
			break;
		}
		default:
			return false;	/* not an integer the compiler can know */
		}
		if (n == sizeof(stack) / sizeof(stack[0]))
			return false;
		stack[n++] = v;
	}
	if (n != 1)
		return false;
	*out = stack[0];
	return true;
}

void fe_eval_globals(const struct fe_module *wm, struct arena *a, struct fe_global_values *gv)
{
	gv->values = arena_array(a, wm->nglobals ? wm->nglobals : 1, sizeof(*gv->values));
	gv->known = arena_array(a, wm->nglobals ? wm->nglobals : 1, sizeof(*gv->known));
	for (uint32_t k = 0; k < wm->nglobals; k++) {
		const struct fe_global *g = &wm->globals[k];

		/* the initializer reads only globals before k: already done */
		gv->known[k] = !g->imported && (g->type.valtype == FE_I32 || g->type.valtype == FE_I64) &&
			       fe_eval_const(wm, &g->init, gv, &gv->values[k]);
	}
}
