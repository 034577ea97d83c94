/*
 * emit_numeric.c — IR_NUM: Wasm's integer operations in LLVM IR.
 *
 * Most operations map one to one. The exceptions are where Wasm defines
 * what LLVM leaves undefined, or where LLVM's BPF backend cannot select
 * the natural instruction:
 *
 *   - shifts mask their count (& 31, & 63): an LLVM shift by the width or
 *     more is poison, a Wasm shift wraps the count;
 *   - rotates are llvm.fshl/fshr with both inputs the same value, which
 *     take the count modulo the width as Wasm does (the BPF backend expands
 *     them to shifts and an or);
 *   - clz and popcnt are llvm.ctlz (zero is not poison) and llvm.ctpop,
 *     which the BPF backend expands into shift-and-mask sequences;
 *   - ctz is *not* llvm.cttz: the BPF backend lowers cttz to a de Bruijn
 *     table lookup in .rodata.cst32, a section libbpf would have to turn
 *     into an extra map. ctz(x) = width-1 - clz(x & -x) (x & -x keeps the
 *     lowest set bit), and width for x == 0. The obvious popcount forms
 *     (ctpop(~x & (x-1)), ctpop((x & -x) - 1)) are folded back into cttz by
 *     InstCombine, this one is not;
 *   - division and remainder are accepted only with IR_F_GUARDED: the trap
 *     checks already sit before them (ir_insert_traps()), so the operands
 *     are in the defined domain and LLVM's udiv/sdiv/urem/srem are exact.
 *     cpu v4 has signed division; before it the BPF backend refuses sdiv
 *     and srem ("unsupported signed division"), so they become unsigned
 *     operations on the magnitudes with the sign fixed up: the quotient is
 *     negative when the signs differ, the remainder has the dividend's sign;
 *   - comparisons give i32 0/1; sign extensions are trunc + sext.
 */
#include "backend-bpf/emit.h"

static LLVMValueRef cmp(struct be_ctx *cx, LLVMIntPredicate p, LLVMValueRef a, LLVMValueRef b)
{
	return LLVMBuildZExt(cx->B, LLVMBuildICmp(cx->B, p, a, b, ""), cx->t_i32, "");
}

static LLVMValueRef shift_count(struct be_ctx *cx, LLVMValueRef b)
{
	LLVMTypeRef ty = LLVMTypeOf(b);

	return LLVMBuildAnd(cx->B, b, LLVMConstInt(ty, LLVMGetIntTypeWidth(ty) - 1, 0), "");
}

static LLVMValueRef rotate(struct be_ctx *cx, const char *name, LLVMValueRef a, LLVMValueRef b)
{
	LLVMValueRef args[3] = { a, a, b };

	return be_intrinsic(cx, name, LLVMTypeOf(a), args, 3);
}

static LLVMValueRef clz(struct be_ctx *cx, LLVMValueRef a)
{
	LLVMValueRef args[2] = { a, LLVMConstInt(cx->t_i1, 0, 0) };

	return be_intrinsic(cx, "llvm.ctlz", LLVMTypeOf(a), args, 2);
}

static LLVMValueRef ctz(struct be_ctx *cx, LLVMValueRef a)
{
	LLVMBuilderRef B = cx->B;
	LLVMTypeRef ty = LLVMTypeOf(a);
	unsigned w = LLVMGetIntTypeWidth(ty);
	LLVMValueRef low = LLVMBuildAnd(B, a, LLVMBuildNeg(B, a, ""), "");
	LLVMValueRef n = LLVMBuildSub(B, LLVMConstInt(ty, w - 1, 0), clz(cx, low), "");
	LLVMValueRef zero = LLVMBuildICmp(B, LLVMIntEQ, a, LLVMConstNull(ty), "");

	return LLVMBuildSelect(B, zero, LLVMConstInt(ty, w, 0), n, "");
}

/* |x| as an unsigned value (INT_MIN gives 2^(w-1), as it should), given
 * s = x >> (w-1) arithmetic: (x ^ s) - s. */
static LLVMValueRef magnitude(struct be_ctx *cx, LLVMValueRef x, LLVMValueRef s)
{
	return LLVMBuildSub(cx->B, LLVMBuildXor(cx->B, x, s, ""), s, "");
}

static LLVMValueRef sign_of(struct be_ctx *cx, LLVMValueRef x)
{
	LLVMTypeRef ty = LLVMTypeOf(x);

	return LLVMBuildAShr(cx->B, x, LLVMConstInt(ty, LLVMGetIntTypeWidth(ty) - 1, 0), "");
}

static LLVMValueRef div_s(struct be_ctx *cx, LLVMValueRef a, LLVMValueRef b, bool rem)
{
	LLVMBuilderRef B = cx->B;
	LLVMValueRef sa, sb, ua, ub, r, s;

	if (cx->native_sdiv)
		return rem ? LLVMBuildSRem(B, a, b, "") : LLVMBuildSDiv(B, a, b, "");
	sa = sign_of(cx, a);
	sb = sign_of(cx, b);
	ua = magnitude(cx, a, sa);
	ub = magnitude(cx, b, sb);
	r = rem ? LLVMBuildURem(B, ua, ub, "") : LLVMBuildUDiv(B, ua, ub, "");
	s = rem ? sa : LLVMBuildXor(B, sa, sb, "");
	/* (r ^ s) - s negates r where s is all ones */
	return magnitude(cx, r, s);
}

static LLVMValueRef sext_from(struct be_ctx *cx, LLVMValueRef a, LLVMTypeRef narrow)
{
	return LLVMBuildSExt(cx->B, LLVMBuildTrunc(cx->B, a, narrow, ""), LLVMTypeOf(a), "");
}

LLVMValueRef be_emit_numeric(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	const struct ir_numop_info *info;
	LLVMValueRef a, b = NULL;
	struct diag_loc loc = {
		.offset = in->offset, .func = fs->f->wasm_index, .func_name = fs->f->name
	};

	if (in->u.numop >= IR_NUMOP_COUNT) {
		diag_report(cx->d, DIAG_ICE, &loc, "unknown numeric op %u", in->u.numop);
		return NULL;
	}
	info = &ir_numop_info[in->u.numop];
	a = be_val(fs, in->a);
	if (info->nops == 2)
		b = be_val(fs, in->b);
	if (fs->bad)
		return a;	/* reported by the caller */
	if (LLVMTypeOf(a) != be_type(cx, info->operand) ||
	    (b && LLVMTypeOf(b) != be_type(cx, info->operand))) {
		diag_report(cx->d, DIAG_ICE, &loc, "%s: operand of the wrong type", info->text);
		return NULL;
	}

	switch ((enum ir_numop)in->u.numop) {
	case IR_I32_EQZ:
	case IR_I64_EQZ:
		return cmp(cx, LLVMIntEQ, a, LLVMConstNull(LLVMTypeOf(a)));
	case IR_I32_EQ: case IR_I64_EQ: return cmp(cx, LLVMIntEQ, a, b);
	case IR_I32_NE: case IR_I64_NE: return cmp(cx, LLVMIntNE, a, b);
	case IR_I32_LT_S: case IR_I64_LT_S: return cmp(cx, LLVMIntSLT, a, b);
	case IR_I32_LT_U: case IR_I64_LT_U: return cmp(cx, LLVMIntULT, a, b);
	case IR_I32_GT_S: case IR_I64_GT_S: return cmp(cx, LLVMIntSGT, a, b);
	case IR_I32_GT_U: case IR_I64_GT_U: return cmp(cx, LLVMIntUGT, a, b);
	case IR_I32_LE_S: case IR_I64_LE_S: return cmp(cx, LLVMIntSLE, a, b);
	case IR_I32_LE_U: case IR_I64_LE_U: return cmp(cx, LLVMIntULE, a, b);
	case IR_I32_GE_S: case IR_I64_GE_S: return cmp(cx, LLVMIntSGE, a, b);
	case IR_I32_GE_U: case IR_I64_GE_U: return cmp(cx, LLVMIntUGE, a, b);

	case IR_I32_CLZ: case IR_I64_CLZ: return clz(cx, a);
	case IR_I32_CTZ: case IR_I64_CTZ: return ctz(cx, a);
	case IR_I32_POPCNT:
	case IR_I64_POPCNT:
		return be_intrinsic(cx, "llvm.ctpop", LLVMTypeOf(a), &a, 1);

	case IR_I32_ADD: case IR_I64_ADD: return LLVMBuildAdd(B, a, b, "");
	case IR_I32_SUB: case IR_I64_SUB: return LLVMBuildSub(B, a, b, "");
	case IR_I32_MUL: case IR_I64_MUL: return LLVMBuildMul(B, a, b, "");
	case IR_I32_AND: case IR_I64_AND: return LLVMBuildAnd(B, a, b, "");
	case IR_I32_OR: case IR_I64_OR: return LLVMBuildOr(B, a, b, "");
	case IR_I32_XOR: case IR_I64_XOR: return LLVMBuildXor(B, a, b, "");
	case IR_I32_SHL: case IR_I64_SHL: return LLVMBuildShl(B, a, shift_count(cx, b), "");
	case IR_I32_SHR_S: case IR_I64_SHR_S: return LLVMBuildAShr(B, a, shift_count(cx, b), "");
	case IR_I32_SHR_U: case IR_I64_SHR_U: return LLVMBuildLShr(B, a, shift_count(cx, b), "");
	case IR_I32_ROTL: case IR_I64_ROTL: return rotate(cx, "llvm.fshl", a, b);
	case IR_I32_ROTR: case IR_I64_ROTR: return rotate(cx, "llvm.fshr", a, b);

	case IR_I32_DIV_S: case IR_I64_DIV_S:
	case IR_I32_DIV_U: case IR_I64_DIV_U:
	case IR_I32_REM_S: case IR_I64_REM_S:
	case IR_I32_REM_U: case IR_I64_REM_U:
		if (!(in->flags & IR_F_GUARDED)) {
			diag_report(cx->d, DIAG_ICE, &loc,
				    "%s without its trap guards (ir_insert_traps() did not run)",
				    info->text);
			return NULL;
		}
		switch ((enum ir_numop)in->u.numop) {
		case IR_I32_DIV_U: case IR_I64_DIV_U: return LLVMBuildUDiv(B, a, b, "");
		case IR_I32_REM_U: case IR_I64_REM_U: return LLVMBuildURem(B, a, b, "");
		case IR_I32_DIV_S: case IR_I64_DIV_S: return div_s(cx, a, b, false);
		default: return div_s(cx, a, b, true);
		}

	case IR_I32_WRAP_I64: return LLVMBuildTrunc(B, a, cx->t_i32, "");
	case IR_I64_EXTEND_I32_S: return LLVMBuildSExt(B, a, cx->t_i64, "");
	case IR_I64_EXTEND_I32_U: return LLVMBuildZExt(B, a, cx->t_i64, "");
	case IR_I32_EXTEND8_S: case IR_I64_EXTEND8_S: return sext_from(cx, a, cx->t_i8);
	case IR_I32_EXTEND16_S: case IR_I64_EXTEND16_S: return sext_from(cx, a, cx->t_i16);
	case IR_I64_EXTEND32_S: return sext_from(cx, a, cx->t_i32);

	case IR_NUMOP_COUNT:
		break;
	}
	diag_report(cx->d, DIAG_ICE, &loc, "numeric op %s not handled", info->text);
	return NULL;
}
