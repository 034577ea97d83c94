/*
 * emit_function.c — one Wasm function: signature, locals, control flow,
 * calls, traps and loop fuel.
 *
 * Signature. `RT f(ptr env, params...)`, internal linkage. The env is the
 * per-CPU instance state (the w2b_env map value, a PTR_TO_MAP_VALUE for the
 * verifier) that the entry wrapper looked up once; LLVM drops it where it is
 * unused. BPF has five argument registers: with more than four Wasm params,
 * params 0..2 stay in registers and the rest travel as u64 in an array on
 * the caller's stack, whose address is the fifth argument. A function
 * returns its first result; results 1.. are stored in env->results[] just
 * before the return and read back by the caller right after the call.
 *
 * Locals are entry-block allocas (LLVM's mem2reg makes them SSA; at -O0
 * they stay on the stack, 8-aligned so the verifier can track them); params
 * are stored into theirs on entry, the other locals start at zero. A vreg is an
 * LLVM value, kept in an array indexed by vreg: structured control flow
 * guarantees its definition dominates its uses.
 *
 * Control flow. A block is its body followed by a continuation block, the
 * target of a br to its label. A loop is a header block, the target of a br
 * to its label, then its body; falling off the body leaves the loop. An if
 * branches to then/else blocks that both end in the continuation. After an
 * unconditional transfer (br, br_table, return, trap) the rest of the region
 * is dead and is not emitted. Nesting depth comes from the input, so the
 * walk keeps an explicit stack of open regions rather than recursing.
 *
 * Traps. A trap stores its code in env->trap and returns (zero); a caller
 * of a function that may trap checks env->trap after the call and returns
 * too, so a trap unwinds to the entry wrapper, which reports it.
 *
 * Loop fuel (IR_LOOP_ITER). The verifier walks an ordinary loop once per
 * iteration, so a loop whose bound it cannot see is either refused or too
 * expensive. An open-coded bpf_iter_num iterator makes it check the body
 * once per *distinct state*: the iterator is created with max_iters before
 * the loop, and the header asks it for the next step, trapping when it runs
 * out. For the states at the header to converge, the values the loop
 * changes must not be constants the verifier tracks: each laundered local
 * is stored to an env scratch slot and reloaded with volatile accesses
 * before the loop, so the verifier sees an unknown scalar. The verifier
 * also refuses an exit with a live iterator, so every edge that leaves a
 * loop — falling out, a branch to an outer label, return, trap, the unwind
 * after a trapping call — destroys the iterators it leaves, innermost first.
 * fs->iters is the stack of live iterators; each label records how many
 * are live at its target.
 */
#include "backend-bpf/emit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fn_ice(struct be_fn *fs, uint32_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fn_ice(struct be_fn *fs, uint32_t offset, const char *fmt, ...)
{
	struct diag_loc loc = {
		.offset = offset, .func = fs->f->wasm_index, .func_name = fs->f->name
	};
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(fs->cx->d, DIAG_ICE, &loc, fmt, ap);
	va_end(ap);
}

static bool valid_type(uint8_t t)
{
	return t == IR_I32 || t == IR_I64;
}

static void add_nounwind(struct be_ctx *cx, LLVMValueRef fn)
{
	unsigned kind = LLVMGetEnumAttributeKindForName("nounwind", 8);

	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex,
				LLVMCreateEnumAttribute(cx->C, kind, 0));
}

/* --- the bpf_iter_num kfuncs --------------------------------------------- */

static LLVMValueRef declare_kfunc(struct be_ctx *cx, const char *name, LLVMTypeRef fty,
				  LLVMMetadataRef ret, const char *const *names,
				  LLVMMetadataRef *types, unsigned n)
{
	LLVMValueRef fn = LLVMAddFunction(cx->M, name, fty);

	/* libbpf resolves externs in ".ksyms" against the kernel's BTF. */
	LLVMSetSection(fn, ".ksyms");
	add_nounwind(cx, fn);
	be_di_func(cx, fn, name, 0, false, false, ret, names, types, n);
	return fn;
}

static int declare_iter_kfuncs(struct be_ctx *cx)
{
	static const char *const it[] = { "it" }, *const new_names[] = { "it", "start", "end" };
	static const char *const kfuncs[] = {
		"bpf_iter_num_new", "bpf_iter_num_next", "bpf_iter_num_destroy",
	};
	LLVMTypeRef p[3] = { cx->t_ptr, cx->t_i32, cx->t_i32 };
	LLVMMetadataRef dp[3] = { cx->di_iterp, cx->di_int, cx->di_int };

	if (cx->k_new)
		return 0;
	/* LLVM would rename ours ("bpf_iter_num_new.1") rather than fail */
	for (unsigned i = 0; i < 3; i++)
		if (LLVMGetNamedFunction(cx->M, kfuncs[i]) || LLVMGetNamedGlobal(cx->M, kfuncs[i])) {
			diag_ice(cx->d, "a function is named '%s', like the kfunc", kfuncs[i]);
			return -EINVAL;
		}
	/* int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) */
	cx->k_new_ty = LLVMFunctionType(cx->t_i32, p, 3, 0);
	cx->k_new = declare_kfunc(cx, "bpf_iter_num_new", cx->k_new_ty, cx->di_int,
				  new_names, dp, 3);
	/* int *bpf_iter_num_next(struct bpf_iter_num *it) */
	cx->k_next_ty = LLVMFunctionType(cx->t_ptr, p, 1, 0);
	cx->k_next = declare_kfunc(cx, "bpf_iter_num_next", cx->k_next_ty, cx->di_intp,
				   it, dp, 1);
	/* void bpf_iter_num_destroy(struct bpf_iter_num *it) */
	cx->k_destroy_ty = LLVMFunctionType(cx->t_void, p, 1, 0);
	cx->k_destroy = declare_kfunc(cx, "bpf_iter_num_destroy", cx->k_destroy_ty, NULL,
				      it, dp, 1);
	return 0;
}

/* Destroys the live iterators above `keep`, innermost first. */
static void leave_iters(struct be_fn *fs, uint32_t keep)
{
	struct be_ctx *cx = fs->cx;

	for (uint32_t k = fs->niters; k > keep; k--)
		LLVMBuildCall2(cx->B, cx->k_destroy_ty, cx->k_destroy, &fs->iters[k - 1], 1, "");
}

static int push_iter(struct be_fn *fs, LLVMValueRef it)
{
	if (fs->niters == fs->iters_cap) {
		uint32_t cap = fs->iters_cap ? 2 * fs->iters_cap : 8;
		LLVMValueRef *p = realloc(fs->iters, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		fs->iters = p;
		fs->iters_cap = cap;
	}
	fs->iters[fs->niters++] = it;
	return 0;
}

/* --- values --------------------------------------------------------------- */

LLVMValueRef be_val(struct be_fn *fs, uint32_t v)
{
	if (v < fs->f->nvregs && fs->vregs[v])
		return fs->vregs[v];
	fs->bad = true;
	return LLVMGetUndef(fs->cx->t_i32);
}

static int def(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v)
{
	if (in->dst == IR_NOVAL || fs->bad)
		return 0;	/* fs->bad: reported after the instruction */
	if (in->dst >= fs->f->nvregs) {
		fn_ice(fs, in->offset, "vreg %%%u out of range", in->dst);
		return -EINVAL;
	}
	if (LLVMTypeOf(v) != be_type(fs->cx, fs->f->vreg_types[in->dst])) {
		fn_ice(fs, in->offset, "vreg %%%u is %s but gets a value of another type",
		       in->dst, ir_type_name(fs->f->vreg_types[in->dst]));
		return -EINVAL;
	}
	fs->vregs[in->dst] = v;
	return 0;
}

static LLVMValueRef is_true(struct be_fn *fs, uint32_t v)
{
	LLVMValueRef x = be_val(fs, v);

	return LLVMBuildICmp(fs->cx->B, LLVMIntNE, x, LLVMConstNull(LLVMTypeOf(x)), "");
}

/* --- exits ------------------------------------------------------------------ */

static bool terminated(struct be_ctx *cx)
{
	return LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(cx->B)) != NULL;
}

static LLVMBasicBlockRef new_block(struct be_fn *fs, const char *name)
{
	return LLVMAppendBasicBlockInContext(fs->cx->C, fs->fn, name);
}

/* Returns from the function with zero results, after destroying every
 * live iterator: the exit of a trap and of a trap's unwinding. */
static void return_zero(struct be_fn *fs)
{
	struct be_ctx *cx = fs->cx;
	LLVMTypeRef rt = LLVMGetReturnType(cx->fn_tys[fs->index]);

	leave_iters(fs, 0);
	if (rt == cx->t_void)
		LLVMBuildRetVoid(cx->B);
	else
		LLVMBuildRet(cx->B, LLVMConstNull(rt));
}

static void trap_exit(struct be_fn *fs, uint32_t code)
{
	struct be_ctx *cx = fs->cx;

	be_store(cx, LLVMConstInt(cx->t_i64, code, 0), be_env_slot(cx, fs->env, BE_ENV_TRAP, 0));
	return_zero(fs);
}

/* if (cond) trap code; continues in a fresh block. */
static void trap_if(struct be_fn *fs, LLVMValueRef cond, uint32_t code)
{
	LLVMBasicBlockRef trap = new_block(fs, "trap"), next = new_block(fs, "");

	LLVMBuildCondBr(fs->cx->B, cond, trap, next);
	LLVMPositionBuilderAtEnd(fs->cx->B, trap);
	trap_exit(fs, code);
	LLVMPositionBuilderAtEnd(fs->cx->B, next);
}

static struct be_label *label_of(struct be_fn *fs, const struct ir_inst *in,
				 const struct ir_label *l)
{
	if (!l || l->id >= fs->f->nlabels || !fs->labels[l->id].open) {
		fn_ice(fs, in->offset, "branch to a label that does not enclose it");
		return NULL;
	}
	return &fs->labels[l->id];
}

/* The block a branch to l goes to from here: the label's own block, or an
 * edge block that first destroys the iterators the branch leaves. */
static LLVMBasicBlockRef edge_to(struct be_fn *fs, const struct be_label *l)
{
	LLVMBuilderRef B = fs->cx->B;
	LLVMBasicBlockRef here, edge;

	if (l->niters == fs->niters)
		return l->bb;
	here = LLVMGetInsertBlock(B);
	edge = new_block(fs, "leave");
	LLVMPositionBuilderAtEnd(B, edge);
	leave_iters(fs, l->niters);
	LLVMBuildBr(B, l->bb);
	LLVMPositionBuilderAtEnd(B, here);
	return edge;
}

static int emit_br_table(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	uint32_t n = in->u.table.ntargets;
	LLVMBasicBlockRef *dest = calloc(n ? n : 1, sizeof(*dest)), dflt;
	struct be_label *l;
	LLVMValueRef sw, idx = be_val(fs, in->a);

	if (!dest)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		if (!(l = label_of(fs, in, in->u.table.targets[i]))) {
			free(dest);
			return -EINVAL;
		}
		dest[i] = edge_to(fs, l);
	}
	if (!(l = label_of(fs, in, in->u.table.dflt))) {
		free(dest);
		return -EINVAL;
	}
	dflt = edge_to(fs, l);
	sw = LLVMBuildSwitch(cx->B, idx, dflt, n);
	for (uint32_t i = 0; i < n; i++)
		LLVMAddCase(sw, LLVMConstInt(LLVMTypeOf(idx), i, 0), dest[i]);
	free(dest);
	return 0;
}

static int emit_return(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_func *f = fs->f;
	LLVMValueRef first = NULL;

	if (in->u.ret.nvals != f->nresults) {
		fn_ice(fs, in->offset, "return of %u values from a function with %u results",
		       in->u.ret.nvals, f->nresults);
		return -EINVAL;
	}
	for (uint32_t k = 0; k < f->nresults; k++) {
		LLVMValueRef v = be_val(fs, in->u.ret.vals[k]);

		if (!fs->bad && LLVMTypeOf(v) != be_type(cx, f->results[k])) {
			fn_ice(fs, in->offset, "result %u has the wrong type", k);
			return -EINVAL;
		}
		if (k == 0)
			first = v;
		else
			be_store(cx, be_to_u64(cx, v), be_env_slot(cx, fs->env, BE_ENV_RESULTS, k - 1));
	}
	leave_iters(fs, 0);
	if (first)
		LLVMBuildRet(cx->B, first);
	else
		LLVMBuildRetVoid(cx->B);
	return 0;
}

/* --- calls ------------------------------------------------------------------ */

LLVMValueRef be_build_call(struct be_ctx *cx, LLVMBuilderRef alloca_b,
			   LLVMValueRef env, uint32_t index,
			   LLVMValueRef *args, LLVMValueRef *results)
{
	const struct ir_func *f = &cx->m->funcs[index];
	LLVMValueRef argv[BE_MAX_REG_ARGS], call;
	unsigned n = 0;

	argv[n++] = env;
	if (f->nparams <= BE_MAX_REG_PARAMS) {
		for (uint32_t i = 0; i < f->nparams; i++)
			argv[n++] = args[i];
	} else {
		uint32_t nspill = f->nparams - BE_SPILL_FIRST;
		LLVMTypeRef aty = LLVMArrayType2(cx->t_i64, nspill);
		LLVMValueRef spill = LLVMBuildAlloca(alloca_b, aty, "spill");

		LLVMSetAlignment(spill, 8);
		for (uint32_t i = 0; i < BE_SPILL_FIRST; i++)
			argv[n++] = args[i];
		for (uint32_t i = 0; i < nspill; i++) {
			LLVMValueRef ix[2] = { LLVMConstInt(cx->t_i64, 0, 0),
					       LLVMConstInt(cx->t_i64, i, 0) };
			LLVMValueRef p = LLVMBuildInBoundsGEP2(cx->B, aty, spill, ix, 2, "");

			be_store(cx, be_to_u64(cx, args[BE_SPILL_FIRST + i]), p);
		}
		argv[n++] = spill;
	}
	call = LLVMBuildCall2(cx->B, cx->fn_tys[index], cx->fns[index], argv, n, "");
	for (uint32_t k = 0; k < f->nresults; k++)
		results[k] = k == 0 ? call :
			be_from_u64(cx, be_load(cx, cx->t_i64,
					  be_env_slot(cx, env, BE_ENV_RESULTS, k - 1)),
				 be_type(cx, f->results[k]));
	return call;
}

static int emit_call(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_module *m = cx->m;
	uint32_t callee = in->u.call.func;
	const struct ir_func *cf;
	LLVMValueRef *args, *res;
	int err = 0;

	if (callee >= m->nfuncs || !cx->fns[callee]) {
		fn_ice(fs, in->offset, "call of func %u, which is not a reachable function", callee);
		return -EINVAL;
	}
	cf = &m->funcs[callee];
	if (in->u.call.nargs != cf->nparams || in->u.call.nresults != cf->nresults) {
		fn_ice(fs, in->offset, "call of '%s' with %u args and %u results; it has %u and %u",
		       cf->symbol, in->u.call.nargs, in->u.call.nresults, cf->nparams,
		       cf->nresults);
		return -EINVAL;
	}
	args = calloc(cf->nparams + 1, sizeof(*args));
	res = calloc(cf->nresults + 1, sizeof(*res));
	if (!args || !res) {
		err = -ENOMEM;
		goto out;
	}
	for (uint32_t i = 0; i < cf->nparams; i++) {
		args[i] = be_val(fs, in->u.call.args[i]);
		if (!fs->bad && LLVMTypeOf(args[i]) != be_type(cx, cf->local_types[i])) {
			fn_ice(fs, in->offset, "argument %u of the call of '%s' has the wrong type",
			       i, cf->symbol);
			err = -EINVAL;
			goto out;
		}
	}
	if (fs->bad)
		goto out;
	be_build_call(cx, fs->alloca_b, fs->env, callee, args, res);
	for (uint32_t k = 0; k < cf->nresults && !err; k++) {
		struct ir_inst tmp = *in;

		tmp.dst = in->u.call.results[k];
		err = def(fs, &tmp, res[k]);
	}
	if (!err && cf->may_trap) {
		/* The callee trapped: env->trap holds the code, unwind. */
		LLVMValueRef t = be_load(cx, cx->t_i64, be_env_slot(cx, fs->env, BE_ENV_TRAP, 0));
		LLVMBasicBlockRef unwind = new_block(fs, "unwind"), next = new_block(fs, "");

		LLVMBuildCondBr(cx->B, LLVMBuildICmp(cx->B, LLVMIntNE, t,
						     LLVMConstNull(cx->t_i64), ""),
				unwind, next);
		LLVMPositionBuilderAtEnd(cx->B, unwind);
		return_zero(fs);
		LLVMPositionBuilderAtEnd(cx->B, next);
	}
out:
	free(args);
	free(res);
	return err;
}

/* --- plain instructions -------------------------------------------------- */

static int emit_inst(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_func *f = fs->f;
	LLVMBuilderRef B = cx->B;
	struct be_label *l;
	LLVMValueRef v;

	switch ((enum ir_kind)in->kind) {
	case IR_CONST:
		if (!valid_type(in->type))
			break;
		return def(fs, in, LLVMConstInt(be_type(cx, in->type),
						(unsigned long long)in->u.imm, 1));
	case IR_NUM:
		v = be_emit_numeric(fs, in);
		return v ? def(fs, in, v) : -EINVAL;
	case IR_SELECT: {
		LLVMValueRef x = be_val(fs, in->b), y = be_val(fs, in->c);

		v = is_true(fs, in->a);
		if (!fs->bad && LLVMTypeOf(x) != LLVMTypeOf(y)) {
			fn_ice(fs, in->offset, "select between values of different types");
			return -EINVAL;
		}
		return def(fs, in, LLVMBuildSelect(B, v, x, y, ""));
	}
	case IR_LOCAL_GET:
		if (in->u.local >= f->nlocals)
			break;
		return def(fs, in, be_load(cx, be_type(cx, f->local_types[in->u.local]),
					fs->locals[in->u.local]));
	case IR_LOCAL_SET:
		if (in->u.local >= f->nlocals)
			break;
		v = be_val(fs, in->a);
		if (!fs->bad && LLVMTypeOf(v) != be_type(cx, f->local_types[in->u.local])) {
			fn_ice(fs, in->offset, "local %u is %s, the value stored is not", in->u.local,
			       ir_type_name(f->local_types[in->u.local]));
			return -EINVAL;
		}
		be_store(cx, v, fs->locals[in->u.local]);
		return 0;
	case IR_CALL:
		return emit_call(fs, in);
	case IR_BR:
		if (!(l = label_of(fs, in, in->u.target)))
			return -EINVAL;
		leave_iters(fs, l->niters);
		LLVMBuildBr(B, l->bb);
		return 0;
	case IR_BR_IF: {
		LLVMBasicBlockRef next;

		if (!(l = label_of(fs, in, in->u.target)))
			return -EINVAL;
		v = is_true(fs, in->a);
		next = new_block(fs, "");
		LLVMBuildCondBr(B, v, edge_to(fs, l), next);
		LLVMPositionBuilderAtEnd(B, next);
		return 0;
	}
	case IR_BR_TABLE:
		return emit_br_table(fs, in);
	case IR_RETURN:
		return emit_return(fs, in);
	case IR_TRAP:
		trap_exit(fs, in->u.trap);
		return 0;
	case IR_TRAP_IF:
		trap_if(fs, is_true(fs, in->a), in->u.trap);
		return 0;
	case IR_BLOCK:
	case IR_LOOP:
	case IR_IF:
		break;
	}
	fn_ice(fs, in->offset, "malformed IR instruction (kind %u)", in->kind);
	return -EINVAL;
}

/* --- scopes --------------------------------------------------------------- */

/* An open region: a scope's body (or else body) being emitted. */
struct frame {
	const struct ir_inst *scope;	/* NULL: the function body */
	const struct ir_region *r;
	uint32_t i;			/* next instruction */
	bool in_else;
	bool iter;			/* an ITER loop: its iterator is fs->iters' top */
	LLVMBasicBlockRef cont, else_bb;
};

/* Makes the laundered locals opaque to the verifier: through a volatile
 * store and load of an env scratch slot (map memory it does not track). */
static void launder(struct be_fn *fs, const struct ir_loop_info *li)
{
	struct be_ctx *cx = fs->cx;

	for (uint32_t k = 0; k < li->nlaundered; k++) {
		uint32_t local = li->laundered[k];
		LLVMTypeRef ty = be_type(cx, fs->f->local_types[local]);
		LLVMValueRef slot = be_env_slot(cx, fs->env, BE_ENV_SCRATCH, k);
		LLVMValueRef v = be_load(cx, ty, fs->locals[local]);

		LLVMSetVolatile(be_store(cx, be_to_u64(cx, v), slot), 1);
		v = be_load(cx, cx->t_i64, slot);
		LLVMSetVolatile(v, 1);
		be_store(cx, be_from_u64(cx, v, ty), fs->locals[local]);
	}
}

static int open_loop(struct be_fn *fs, const struct ir_inst *in, struct frame *fr,
		     struct be_label *l)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_loop_info *li = &in->u.scope.loop;
	LLVMBasicBlockRef header = new_block(fs, "loop");
	LLVMValueRef it, args[3], p;

	fr->cont = new_block(fs, "loop.end");
	if (li->lowering == IR_LOOP_PLAIN) {
		LLVMBuildBr(cx->B, header);
		LLVMPositionBuilderAtEnd(cx->B, header);
		l->bb = header;
		l->niters = fs->niters;
		return 0;
	}
	if (li->lowering != IR_LOOP_ITER) {
		fn_ice(fs, in->offset, "loop without a lowering (ir_bound_loops() did not run)");
		return -EINVAL;
	}
	for (uint32_t k = 0; k < li->nlaundered; k++)
		if (li->laundered[k] >= fs->f->nlocals) {
			fn_ice(fs, in->offset, "laundered local %u out of range", li->laundered[k]);
			return -EINVAL;
		}
	if (declare_iter_kfuncs(cx))
		return -EINVAL;
	/* struct bpf_iter_num: 8 bytes, 8-aligned, in the entry block. */
	{
		LLVMTypeRef ity = LLVMStructTypeInContext(cx->C, &cx->t_i64, 1, 0);

		it = LLVMBuildAlloca(fs->alloca_b, ity, "it");
		LLVMSetAlignment(it, 8);
	}
	launder(fs, li);
	args[0] = it;
	args[1] = LLVMConstInt(cx->t_i32, 0, 0);
	args[2] = LLVMConstInt(cx->t_i32, li->max_iters, 0);
	LLVMBuildCall2(cx->B, cx->k_new_ty, cx->k_new, args, 3, "");
	LLVMBuildBr(cx->B, header);

	/* header: if (!bpf_iter_num_next(&it)) trap LOOP_LIMIT */
	LLVMPositionBuilderAtEnd(cx->B, header);
	if (push_iter(fs, it))
		return -ENOMEM;
	fr->iter = true;
	p = LLVMBuildCall2(cx->B, cx->k_next_ty, cx->k_next, &it, 1, "");
	trap_if(fs, LLVMBuildIsNull(cx->B, p, ""), W2B_TRAP_LOOP_LIMIT);
	l->bb = header;
	l->niters = fs->niters;
	return 0;
}

/* Starts emitting scope `in`; fills in fr (whose scope and r are set). */
static int open_scope(struct be_fn *fs, const struct ir_inst *in, struct frame *fr)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_label *lab = in->u.scope.label;
	struct be_label *l;

	if (!lab || lab->id >= fs->f->nlabels || fs->labels[lab->id].bb) {
		fn_ice(fs, in->offset, "scope without a label of its own");
		return -EINVAL;
	}
	l = &fs->labels[lab->id];
	l->open = true;
	switch (in->kind) {
	case IR_BLOCK:
		fr->cont = new_block(fs, "block.end");
		l->bb = fr->cont;
		l->niters = fs->niters;
		return 0;
	case IR_IF: {
		LLVMBasicBlockRef then = new_block(fs, "then");
		LLVMValueRef c = is_true(fs, in->a);

		fr->cont = new_block(fs, "if.end");
		fr->else_bb = in->u.scope.else_body.n ? new_block(fs, "else") : fr->cont;
		LLVMBuildCondBr(cx->B, c, then, fr->else_bb);
		LLVMPositionBuilderAtEnd(cx->B, then);
		l->bb = fr->cont;
		l->niters = fs->niters;
		return 0;
	}
	default:
		return open_loop(fs, in, fr, l);
	}
}

/* The end of a region. Returns true if the frame is done (pop it). */
static bool close_region(struct be_fn *fs, struct frame *fr)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_inst *s = fr->scope;

	if (s->kind == IR_IF && !fr->in_else && s->u.scope.else_body.n) {
		if (!terminated(cx))
			LLVMBuildBr(cx->B, fr->cont);
		LLVMPositionBuilderAtEnd(cx->B, fr->else_bb);
		fr->r = &s->u.scope.else_body;
		fr->i = 0;
		fr->in_else = true;
		return false;
	}
	if (!terminated(cx)) {
		if (fr->iter)
			leave_iters(fs, fs->niters - 1);
		LLVMBuildBr(cx->B, fr->cont);
	}
	if (fr->iter)
		fs->niters--;
	fs->labels[s->u.scope.label->id].open = false;
	LLVMPositionBuilderAtEnd(cx->B, fr->cont);
	return true;
}

/* Falling off the function's end. The frontend ends every live body with
 * an explicit return, so with results this point must be unreachable. */
static int close_function(struct be_fn *fs, LLVMBasicBlockRef body)
{
	struct be_ctx *cx = fs->cx;
	LLVMBasicBlockRef bb = LLVMGetInsertBlock(cx->B);

	if (terminated(cx))
		return 0;
	if (fs->f->nresults == 0) {
		leave_iters(fs, 0);
		LLVMBuildRetVoid(cx->B);
		return 0;
	}
	if (bb == body || LLVMGetFirstUse(LLVMBasicBlockAsValue(bb))) {
		fn_ice(fs, fs->f->offset, "the body falls off its end without its %u results",
		       fs->f->nresults);
		return -EINVAL;
	}
	LLVMBuildUnreachable(cx->B);
	return 0;
}

static int emit_body(struct be_fn *fs, LLVMBasicBlockRef body)
{
	struct be_ctx *cx = fs->cx;
	struct frame *st;
	uint32_t n = 0, cap = 16;
	int err = 0;

	st = malloc(cap * sizeof(*st));
	if (!st)
		return -ENOMEM;
	memset(&st[0], 0, sizeof(st[0]));
	st[n++].r = &fs->f->body;
	while (n && !err) {
		struct frame *fr = &st[n - 1];
		const struct ir_inst *in;

		/* after br/br_table/return/trap, the rest of the region is dead */
		if (fr->i < fr->r->n && terminated(cx))
			fr->i = fr->r->n;
		if (fr->i == fr->r->n) {
			if (!fr->scope) {
				err = close_function(fs, body);
				n--;
				continue;
			}
			be_di_set_loc(cx, fs->sp, fr->scope->offset);
			if (close_region(fs, fr))
				n--;
			continue;
		}
		in = fr->r->insts[fr->i++];
		if (!in) {
			fn_ice(fs, fs->f->offset, "null instruction in a region");
			err = -EINVAL;
			break;
		}
		be_di_set_loc(cx, fs->sp, in->offset);
		if (in->kind == IR_BLOCK || in->kind == IR_LOOP || in->kind == IR_IF) {
			struct frame nf;

			memset(&nf, 0, sizeof(nf));
			nf.scope = in;
			nf.r = &in->u.scope.body;
			err = open_scope(fs, in, &nf);
			if (!err && n == cap) {
				struct frame *p = realloc(st, 2 * cap * sizeof(*st));

				if (p) {
					st = p;
					cap *= 2;
				} else {
					err = -ENOMEM;
				}
			}
			if (!err)
				st[n++] = nf;
		} else {
			err = emit_inst(fs, in);
		}
		if (!err && fs->bad) {
			fn_ice(fs, in->offset, "an operand is not a vreg defined before it");
			err = -EINVAL;
		}
	}
	free(st);
	return err;
}

/* --- functions ------------------------------------------------------------- */

int be_declare_func(struct be_ctx *cx, uint32_t index)
{
	const struct ir_func *f = &cx->m->funcs[index];
	LLVMTypeRef pt[BE_MAX_REG_ARGS], rt;
	LLVMMetadataRef dt[BE_MAX_REG_ARGS];
	char namebuf[BE_MAX_REG_ARGS][16];
	const char *names[BE_MAX_REG_ARGS];
	unsigned n = 0;
	struct diag_loc loc = {
		.offset = f->offset, .func = f->wasm_index, .func_name = f->name
	};

	if (f->refusal || !f->symbol || !*f->symbol) {
		diag_report(cx->d, DIAG_ICE, &loc, "%s reached the backend",
			    f->refusal ? "a refused function" : "a function without a symbol");
		return -EINVAL;
	}
	for (uint32_t i = 0; i < f->nlocals; i++)
		if (!valid_type(f->local_types[i])) {
			diag_report(cx->d, DIAG_ICE, &loc, "local %u has type %s", i,
				    ir_type_name(f->local_types[i]));
			return -EINVAL;
		}
	for (uint32_t i = 0; i < f->nresults; i++)
		if (!valid_type(f->results[i])) {
			diag_report(cx->d, DIAG_ICE, &loc, "result %u has type %s", i,
				    ir_type_name(f->results[i]));
			return -EINVAL;
		}
	if (f->nparams > f->nlocals) {
		diag_report(cx->d, DIAG_ICE, &loc, "more params than locals");
		return -EINVAL;
	}
	if (LLVMGetNamedFunction(cx->M, f->symbol) || LLVMGetNamedGlobal(cx->M, f->symbol)) {
		diag_report(cx->d, DIAG_ICE, &loc, "symbol '%s' is defined twice", f->symbol);
		return -EINVAL;
	}

	names[n] = "env";
	dt[n] = cx->di_envp;
	pt[n++] = cx->t_ptr;
	for (uint32_t i = 0; i < f->nparams; i++) {
		if (f->nparams > BE_MAX_REG_PARAMS && i == BE_SPILL_FIRST) {
			names[n] = "spill";
			dt[n] = cx->di_ullongp;
			pt[n++] = cx->t_ptr;
			break;
		}
		snprintf(namebuf[n], sizeof(namebuf[n]), "p%u", i);
		names[n] = namebuf[n];
		dt[n] = be_di_type(cx, f->local_types[i]);
		pt[n++] = be_type(cx, f->local_types[i]);
	}
	rt = f->nresults ? be_type(cx, f->results[0]) : cx->t_void;
	cx->fn_tys[index] = LLVMFunctionType(rt, pt, n, 0);
	cx->fns[index] = LLVMAddFunction(cx->M, f->symbol, cx->fn_tys[index]);
	LLVMSetLinkage(cx->fns[index], LLVMInternalLinkage);
	add_nounwind(cx, cx->fns[index]);
	cx->fn_sps[index] = be_di_func(cx, cx->fns[index], f->symbol, f->offset, true, true,
				       f->nresults ? be_di_type(cx, f->results[0]) : NULL,
				       names, dt, n);
	return 0;
}

int be_emit_func(struct be_ctx *cx, uint32_t index)
{
	const struct ir_func *f = &cx->m->funcs[index];
	struct be_fn fs;
	LLVMBasicBlockRef body;
	LLVMValueRef spill = NULL;
	int err;

	memset(&fs, 0, sizeof(fs));
	fs.cx = cx;
	fs.f = f;
	fs.index = index;
	fs.fn = cx->fns[index];
	fs.sp = cx->fn_sps[index];
	fs.locals = calloc(f->nlocals + 1, sizeof(*fs.locals));
	fs.vregs = calloc(f->nvregs + 1, sizeof(*fs.vregs));
	fs.labels = calloc(f->nlabels + 1, sizeof(*fs.labels));
	if (!fs.locals || !fs.vregs || !fs.labels) {
		err = -ENOMEM;
		goto out;
	}
	fs.entry = new_block(&fs, "entry");
	body = new_block(&fs, "body");
	fs.alloca_b = LLVMCreateBuilderInContext(cx->C);
	LLVMPositionBuilderAtEnd(fs.alloca_b, fs.entry);
	LLVMPositionBuilderAtEnd(cx->B, fs.entry);
	be_di_set_loc(cx, fs.sp, f->offset);
	LLVMSetCurrentDebugLocation2(fs.alloca_b, LLVMGetCurrentDebugLocation2(cx->B));
	fs.env = LLVMGetParam(fs.fn, 0);
	if (f->nparams > BE_MAX_REG_PARAMS)
		spill = LLVMGetParam(fs.fn, BE_SPILL_FIRST + 1);

	/* locals: params from the arguments, the rest zero */
	for (uint32_t i = 0; i < f->nlocals; i++) {
		LLVMTypeRef ty = be_type(cx, f->local_types[i]);
		LLVMValueRef v;

		/* 8-aligned even for an i32: the verifier tracks a scalar
		 * spilled to the stack only at an 8-aligned slot, and at -O0,
		 * where locals stay in memory, a loop counter it cannot track
		 * makes a plain loop unverifiable. */
		fs.locals[i] = LLVMBuildAlloca(cx->B, ty, "");
		LLVMSetAlignment(fs.locals[i], 8);
		if (i >= f->nparams) {
			v = LLVMConstNull(ty);
		} else if (!spill || i < BE_SPILL_FIRST) {
			v = LLVMGetParam(fs.fn, i + 1);
		} else {
			LLVMValueRef ix = LLVMConstInt(cx->t_i64, i - BE_SPILL_FIRST, 0);

			v = be_from_u64(cx, be_load(cx, cx->t_i64,
					      LLVMBuildInBoundsGEP2(cx->B, cx->t_i64, spill,
								    &ix, 1, "")), ty);
		}
		be_store(cx, v, fs.locals[i]);
	}
	/* the entry block stays open for allocas made later (iterators,
	 * spill arrays); it jumps to the body at the end */
	LLVMPositionBuilderAtEnd(cx->B, body);
	err = emit_body(&fs, body);
	LLVMBuildBr(fs.alloca_b, body);
out:
	if (err == -ENOMEM)
		diag_ice(cx->d, "out of memory");
	if (fs.alloca_b)
		LLVMDisposeBuilder(fs.alloca_b);
	free(fs.locals);
	free(fs.vregs);
	free(fs.labels);
	free(fs.iters);
	return err;
}
