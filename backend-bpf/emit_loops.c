/*
 * emit_loops.c — a Wasm loop in the form ir_bound_loops() chose for the
 * target kernel (bound_loops.c says why each exists).
 *
 * PLAIN. Nothing branches back: the body runs once, after a header block
 * that a branch to the label would reach.
 *
 * COUNTED. An ordinary loop with a counter the verifier tracks exactly:
 * before the loop, count = max_iters; at the header, `if (count == 0) trap
 * LOOP_LIMIT; count -= 1`. The verifier walks every iteration, and the
 * exact counter both ends its walk and tells it no two visits of the
 * header are the same state; the locals it carries are laundered at the
 * head (through volatile env scratch slots, map memory the verifier does
 * not track), so all paths through the body meet there in one state per
 * iteration. It costs a store and a load per carried local per
 * iteration; one that lives in the function's loop state (below) is
 * untracked already and left alone. The counter is an i64 entry-block alloca:
 * mem2reg makes it a register at -O1 and up; at -O0 it is an 8-aligned
 * stack slot, which the verifier tracks just as well.
 *
 * ITER. An open-coded bpf_iter_num iterator over [0, max_iters): the header
 * asks it for the next step and traps when it runs out. The verifier
 * refuses an exit with a live iterator, so every edge that leaves a loop —
 * falling out, a branch to an outer label, return, trap, the unwind after
 * a trapping call — destroys the iterators it leaves, innermost first.
 * fs->iters is the stack of live iterators; each label records how many
 * are live at its target. The locals it carries live in the function's
 * loop state, as a callback's do (below).
 *
 * CALLBACK. The body becomes `static long cb(u64 index, void *ptrs)`, run by
 * bpf_loop(max_iters, cb, &ptrs, 0). The emitter switches fs to the
 * callback (its own LLVM function, entry block and debug subprogram) and
 * emits the body there unchanged, with these differences:
 *   - the loop state, one struct per function in the env value
 *     (BE_ENV_LOOPS at cx->loop_base[f]: no recursion, so a function
 *     never runs twice at once), holds the exit code, the results and
 *     the locals its loops carry (IR's loop.used: bound_loops.c), 8 bytes
 *     each. Those locals live there for the whole function, so nothing
 *     is copied around a loop, and they take no stack (csmith's functions
 *     overran the 512 bytes with a copy per loop; Rust's debug builds with
 *     a context per loop on the stack). Map memory is not tracked by the
 *     verifier: what one iteration leaves is an unknown scalar to the
 *     next and after the loop, so the states at the head converge
 *     (Convergence, below) and 6.1, which checks a callback once as if
 *     called once, cannot take one iteration's values for all of them.
 *     Measured on the loop corpus: C http_headers -O2 verified in 131k
 *     processed instructions with the state on the stack, 1.5k here.
 *   - the loop pointers, a struct on the function's stack (bpf_loop
 *     passes only a pointer to the stack), hold what the body cannot
 *     find again: env, memory and packet pointers and the map value
 *     window of every lookup site. Before each loop the function stores
 *     them; after it, it reads the windows back. The verifier follows
 *     pointers spilled to a caller's stack, so they keep their types in
 *     the callback. A loop nested in a body passes the pointers it got
 *     on as they are. The body's other locals, temporaries of one
 *     iteration, are its own stack slots.
 *   - a branch to the loop's own label is `return 0` (next iteration);
 *   - anything that leaves the loop sets the state's exit and returns 1:
 *     falling off the body (EXIT_FALL), a return (EXIT_RETURN, results
 *     in the state's rets), a trap or a trapping call's unwind
 *     (EXIT_TRAP, the code is in env->trap already), a branch to a label
 *     outside the callback
 *     (EXIT_LABEL + label id). After bpf_loop the enclosing function
 *     switches on the exit and does the same thing itself — which, in a
 *     loop nested in another callback, may be leaving that one too. An
 *     exit of 0 means bpf_loop ran max_iters times: LOOP_LIMIT.
 * Nested CALLBACK loops nest callbacks; each is a frame for the kernel's
 * call depth limit (emit_frames.c counts them in).
 *
 * GLOBAL. Kernels without bpf_loop (before 5.17) still check a global
 * function once, on its own, from an unknown state, and take its result
 * at each call as an unknown scalar. So the body becomes
 * `long NAME(struct xdp_md *ctx)` (or __sk_buff: the program type's own
 * context, the only pointer such a function may take before 5.12), with
 * external linkage and a global DISubprogram, never inlined, called from
 * an ordinary counted loop that the verifier walks pass by pass at a few
 * instructions each (call_global_body()). It is emitted like a callback,
 * with these differences:
 *   - there are no loop pointers: the body finds the env, the memory and
 *     the packet again from ctx as the entry did (be_refind_run());
 *     nothing else can be passed, so a function holding map values it
 *     looked up (windows) keeps COUNTED loops (bound_loops.c);
 *   - the exit code is the body's return value, not the state's exit.
 * Each GLOBAL loop is a frame too, and the body takes the run's fuel.
 *
 * Fuel. CALLBACK, ITER and GLOBAL loops also take one unit of the run's fuel
 * (env->fuel, filled by the entry with --max-loop-iters) per iteration
 * and trap LOOP_LIMIT when it is gone: every loop of a run draws on the
 * same fuel, so nested loops do not multiply the bound. The verifier does
 * not track map memory, so this adds no state to its walk.
 *
 * Convergence. The verifier checks a CALLBACK or ITER body once per
 * distinct state at its head and stops when a state repeats (within the
 * ranges of one seen before). A value the body carries to the next
 * iteration that it knows precisely — an index used in an address, a
 * state-machine constant — makes every iteration a new state: measured,
 * an 8-byte-a-step packet scan of a 100-byte packet was walked past the
 * verifier's "sequence of 8193 jumps". So the carried locals live in the
 * loop state (above; an ITER loop's too: measured on the loop corpus at
 * --target-kernel=6.4, C http_headers -O2 verified in 36.8k processed
 * instructions with them laundered on the stack, 1.6k in the state): at
 * the head they are unknown scalars, whatever the last iteration left,
 * and the values carried around the back edge are never used precisely,
 * so the states at the head compare equal after one or two walks.
 * Nothing is lost for safety: every memory, packet and map value access
 * is checked in the code itself, on the register it uses, never by a
 * range the verifier carried through the loop.
 */
#include "backend-bpf/emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit codes (the loop state's exit; a GLOBAL body's return value). EXIT_MISSING: a GLOBAL
 * body did not find the instance (never: as in the entry), trap
 * INTERNAL. */
enum { EXIT_NONE, EXIT_FALL, EXIT_RETURN, EXIT_TRAP, EXIT_MISSING, EXIT_LABEL };

/* The loop state's fields (in the env value), and the loop pointers'
 * (a CALLBACK loop's, on the enclosing function's stack). */
enum { ST_EXIT, ST_RETS, ST_LOCALS, ST_NFIELDS };
enum { PT_ENV, PT_PKT, PT_WINDOWS, PT_NFIELDS };

struct be_loop {
	uint8_t lowering;		/* enum ir_loop_lowering */
	/* CALLBACK */
	struct be_fn outer;		/* the enclosing function's emitter state */
	const struct ir_inst *in;
	LLVMBasicBlockRef after;	/* where it continues after bpf_loop */
	LLVMBasicBlockRef body;		/* the callback's first body block */
	LLVMBasicBlockRef first;	/* where its entry block goes on: body,
					 * or a GLOBAL body's prologue */
	LLVMValueRef code;		/* GLOBAL: the exit code the body returned */
	bool nested;			/* in another body: its pointers */
	uint32_t *exits;		/* labels the body branches out to */
	uint32_t nexits, exits_cap;
};

static LLVMBasicBlockRef block(struct be_fn *fs, const char *name)
{
	return LLVMAppendBasicBlockInContext(fs->cx->C, fs->fn, name);
}

/* --- iterators ------------------------------------------------------------ */

void be_leave_iters(struct be_fn *fs, uint32_t keep)
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

/* The iterator slot of the loop about to open. With instance memory, one
 * per nesting depth, shared by the loops at that depth (they are never
 * live together): with a slot per loop, LLVM merges the trap exits of
 * sibling loops into one block that destroys a phi of their iterators, and
 * every bounds check in those loops then loads its loop's iterator address
 * into the phi's register, 2 more instructions per access. Modules without
 * memory keep a slot per loop, the code they have always had. */
static LLVMValueRef iter_slot(struct be_fn *fs)
{
	struct be_ctx *cx = fs->cx;

	if (!cx->m->memory.present)
		return be_iter_slot(cx, fs->alloca_b, "it");
	if (fs->niters >= fs->nslots) {
		LLVMValueRef *p = realloc(fs->slots, (fs->niters + 1) * sizeof(*p));

		if (!p)
			return NULL;
		fs->slots = p;
		while (fs->nslots <= fs->niters)
			fs->slots[fs->nslots++] = be_iter_slot(cx, fs->alloca_b, "it");
	}
	return fs->slots[fs->niters];
}

/* --- shared pieces ----------------------------------------------------------- */

/* v (an i64) through a volatile store and load of env scratch slot k:
 * the same value, unknown to the verifier, which does not track map
 * memory. */
static LLVMValueRef opaque_u64(struct be_fn *fs, LLVMValueRef v, uint32_t k)
{
	struct be_ctx *cx = fs->cx;
	LLVMValueRef slot = be_env_slot(cx, fs->env, BE_ENV_SCRATCH, k);

	LLVMSetVolatile(be_store(cx, v, slot), 1);
	v = be_load(cx, cx->t_i64, slot);
	LLVMSetVolatile(v, 1);
	return v;
}

/* Makes the loop's laundered locals opaque to the verifier: through a
 * volatile store and load of an env scratch slot (map memory it does not
 * track). Those in the loop state are in the env already. (bound_loops.c
 * lists them for COUNTED loops only: the others carry theirs in the
 * loop state.) */
static void launder(struct be_fn *fs, const struct ir_loop_info *li)
{
	struct be_ctx *cx = fs->cx;

	for (uint32_t k = 0; k < li->nlaundered; k++) {
		uint32_t local = li->laundered[k];
		LLVMTypeRef ty = be_type(cx, fs->f->local_types[local]);
		LLVMValueRef v;

		if (fs->lfield && fs->lfield[local] != UINT32_MAX)
			continue;
		v = be_load(cx, ty, fs->locals[local]);

		v = opaque_u64(fs, be_to_u64(cx, v), k);
		be_store(cx, be_from_u64(cx, v, ty), fs->locals[local]);
	}
}

/* One unit of the run's fuel, or trap LOOP_LIMIT. */
static void take_fuel(struct be_fn *fs)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	LLVMValueRef slot = be_env_slot(cx, fs->env, BE_ENV_FUEL, 0);
	LLVMValueRef fuel = be_load(cx, cx->t_i64, slot);

	be_trap_if(fs, LLVMBuildICmp(B, LLVMIntEQ, fuel, LLVMConstInt(cx->t_i64, 0, 0), ""),
		   W2B_TRAP_LOOP_LIMIT);
	be_store(cx, LLVMBuildSub(B, fuel, LLVMConstInt(cx->t_i64, 1, 0), ""), slot);
}

static bool check_locals(struct be_fn *fs, const struct ir_inst *in)
{
	const struct ir_loop_info *li = &in->u.scope.loop;

	for (uint32_t k = 0; k < li->nlaundered; k++)
		if (li->laundered[k] >= fs->f->nlocals) {
			be_fn_ice(fs, in->offset, "laundered local %u out of range", li->laundered[k]);
			return false;
		}
	for (uint32_t k = 0; k < li->nused; k++)
		if (li->used[k] >= fs->f->nlocals) {
			be_fn_ice(fs, in->offset, "used local %u out of range", li->used[k]);
			return false;
		}
	return true;
}

/* --- COUNTED and ITER --------------------------------------------------------- */

/* `count = max_iters; header: if (count == 0) trap LOOP_LIMIT; count -= 1`,
 * the builder then in the header, after the count: the head of a COUNTED
 * loop, and of the loop that calls a GLOBAL body. */
static void count_down(struct be_fn *fs, const struct ir_loop_info *li, LLVMBasicBlockRef header)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	LLVMValueRef count = LLVMBuildAlloca(fs->alloca_b, cx->t_i64, "count"), c;

	LLVMSetAlignment(count, 8);
	be_store(cx, LLVMConstInt(cx->t_i64, li->max_iters, 0), count);
	LLVMBuildBr(B, header);
	LLVMPositionBuilderAtEnd(B, header);
	c = be_load(cx, cx->t_i64, count);
	be_trap_if(fs, LLVMBuildICmp(B, LLVMIntEQ, c, LLVMConstInt(cx->t_i64, 0, 0), ""),
		   W2B_TRAP_LOOP_LIMIT);
	be_store(cx, LLVMBuildSub(B, c, LLVMConstInt(cx->t_i64, 1, 0), ""), count);
}

static void open_counted(struct be_fn *fs, const struct ir_loop_info *li, LLVMBasicBlockRef header)
{
	count_down(fs, li, header);
	launder(fs, li);
}

static int open_iter(struct be_fn *fs, const struct ir_loop_info *li, LLVMBasicBlockRef header)
{
	struct be_ctx *cx = fs->cx;
	LLVMValueRef it, args[3], p;

	if (be_declare_iter_kfuncs(cx) || !(it = iter_slot(fs)))
		return -EINVAL;
	args[0] = it;
	args[1] = LLVMConstInt(cx->t_i32, 0, 0);
	args[2] = LLVMConstInt(cx->t_i32, li->max_iters, 0);
	LLVMBuildCall2(cx->B, cx->k_new_ty, cx->k_new, args, 3, "");
	LLVMBuildBr(cx->B, header);

	/* header: if (!bpf_iter_num_next(&it)) trap LOOP_LIMIT */
	LLVMPositionBuilderAtEnd(cx->B, header);
	if (push_iter(fs, it))
		return -ENOMEM;
	p = LLVMBuildCall2(cx->B, cx->k_next_ty, cx->k_next, &it, 1, "");
	be_trap_if(fs, LLVMBuildIsNull(cx->B, p, ""), W2B_TRAP_LOOP_LIMIT);
	take_fuel(fs);
	launder(fs, li);
	return 0;
}

/* --- CALLBACK -------------------------------------------------------------- */

static LLVMValueRef field_at(struct be_ctx *cx, LLVMTypeRef ty, LLVMValueRef base,
			     unsigned field, bool array, uint32_t idx)
{
	LLVMValueRef ix[3] = {
		LLVMConstInt(cx->t_i32, 0, 0), LLVMConstInt(cx->t_i32, field, 0),
		LLVMConstInt(cx->t_i64, idx, 0),
	};

	return LLVMBuildInBoundsGEP2(cx->B, ty, base, ix, array ? 3 : 2, "");
}

/* Fields of the loop state fs->lctx (ST_*) and of the loop pointers
 * fs->lptrs (PT_*), in the function or body being emitted. */
static LLVMValueRef state_field(struct be_fn *fs, unsigned field, uint32_t idx)
{
	return field_at(fs->cx, fs->lctx_ty, fs->lctx, field, field != ST_EXIT, idx);
}

static LLVMValueRef ptrs_field(struct be_fn *fs, unsigned field, uint32_t idx)
{
	return field_at(fs->cx, fs->lptrs_ty, fs->lptrs, field, field == PT_WINDOWS, idx);
}

/* Leaves the body with exit code `code`: a callback with `ctx.exit =
 * code; return 1` (stop), a GLOBAL body with `return code`. */
static void callback_exit(struct be_fn *fs, uint64_t code)
{
	struct be_ctx *cx = fs->cx;
	struct be_loop *lp = fs->cb;

	/* ITER loops inside the body (a light loop in a heavy one's
	 * callback: bound_loops.c) end with it */
	be_leave_iters(fs, 0);
	if (lp->lowering == IR_LOOP_GLOBAL) {
		LLVMBuildRet(cx->B, LLVMConstInt(cx->t_i64, code, 0));
		return;
	}
	be_store(cx, LLVMConstInt(cx->t_i64, code, 0), state_field(fs, ST_EXIT, 0));
	LLVMBuildRet(cx->B, LLVMConstInt(cx->t_i64, 1, 0));
}

bool be_label_outside(const struct be_fn *fs, const struct be_label *l)
{
	return fs->cb && LLVMGetBasicBlockParent(l->bb) != fs->fn;
}

LLVMBasicBlockRef be_callback_exit_to(struct be_fn *fs, const struct be_label *l)
{
	struct be_loop *lp = fs->cb;
	LLVMBuilderRef B = fs->cx->B;
	LLVMBasicBlockRef here = LLVMGetInsertBlock(B), edge = block(fs, "exit");
	uint32_t id = (uint32_t)(l - fs->labels);
	uint32_t k;

	for (k = 0; k < lp->nexits && lp->exits[k] != id; k++)
		;
	if (k == lp->nexits) {
		if (lp->nexits == lp->exits_cap) {
			lp->exits_cap = lp->exits_cap ? 2 * lp->exits_cap : 4;
			lp->exits = realloc(lp->exits, lp->exits_cap * sizeof(*lp->exits));
			if (!lp->exits)
				abort();
		}
		lp->exits[lp->nexits++] = id;
	}
	LLVMPositionBuilderAtEnd(B, edge);
	callback_exit(fs, EXIT_LABEL + (uint64_t)id);
	LLVMPositionBuilderAtEnd(B, here);
	return edge;
}

void be_callback_return(struct be_fn *fs, LLVMValueRef *vals)
{
	struct be_ctx *cx = fs->cx;

	for (uint32_t k = 0; k < fs->f->nresults; k++)
		be_store(cx, be_to_u64(cx, vals[k]), state_field(fs, ST_RETS, k));
	callback_exit(fs, EXIT_RETURN);
}

void be_callback_trap_exit(struct be_fn *fs)
{
	callback_exit(fs, EXIT_TRAP);
}

/* The function a loop's body becomes, of type fty, named (into name, 64
 * bytes) FUNC__loop_OFFSET (BE_LOOP_BODY_INFIX): the Wasm offset makes it
 * unique, two loops never start at one byte. */
static LLVMValueRef add_body(struct be_fn *fs, const struct ir_inst *in, LLVMTypeRef fty,
			     char *name)
{
	LLVMValueRef fn;

	snprintf(name, 64, "%.40s" BE_LOOP_BODY_INFIX "%x", fs->f->symbol, in->offset);
	fn = LLVMAddFunction(fs->cx->M, name, fty);
	be_fn_attr(fs->cx, fn, "nounwind");
	return fn;
}

/* long NAME(struct xdp_md *ctx), or __sk_buff's: a GLOBAL loop's body.
 * Global (BTF_FUNC_GLOBAL, from its debug info: not local to the unit),
 * so the verifier checks it once on its own with an unknown state and
 * takes its result at each call as an unknown scalar; never inlined. The
 * kernel accepts only the program type's own context struct, by name, as
 * a pointer argument before 5.12 (btf_get_prog_ctx_type()). */
static LLVMValueRef declare_global_body(struct be_fn *fs, const struct ir_inst *in,
					LLVMMetadataRef *sp)
{
	static const char *const names[1] = { "ctx" };
	struct be_ctx *cx = fs->cx;
	LLVMMetadataRef dt = be_di_ctx_ptr(cx, fs->f->entry_kind);
	char name[64];
	LLVMValueRef fn = add_body(fs, in, LLVMFunctionType(cx->t_i64, &cx->t_ptr, 1, 0), name);

	be_fn_attr(cx, fn, "noinline");
	*sp = be_di_func(cx, fn, name, in->offset, false, true, cx->di_llong, names, &dt, 1);
	return fn;
}

/* In the enclosing function: the loop that calls a GLOBAL body,
 *   for (count = max_iters;; ) {
 *       if (count == 0) trap LOOP_LIMIT;  count -= 1;
 *       code = body(ctx);
 *       if (code == EXIT_NONE) continue;
 *       break;
 *   }
 * which the verifier walks pass by pass without entering the body. The
 * test of code is an asm goto whose jump is the way back, so that it
 * comes first and the way out is its fall-through (LLVM would otherwise
 * fold it into the switch on code after the loop and test it last): the
 * verifier pushes the next pass and follows the way out to the end
 * first, so each pass leaves nothing pending (it may hold 8192), and the
 * ways out of later passes are pruned where they meet the first (the
 * count, their one difference, is dead there). Returns code; the builder
 * is after the loop. */
static LLVMValueRef call_global_body(struct be_fn *fs, const struct ir_loop_info *li,
				     LLVMValueRef fn)
{
	static const char text[] = "if $0 == 0 goto ${1:l}";
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	LLVMBasicBlockRef head = block(fs, "loop"), out = block(fs, "loop.out");
	LLVMValueRef code, as;
	LLVMTypeRef fty = LLVMFunctionType(cx->t_void, &cx->t_i64, 1, 0);

	count_down(fs, li, head);
	code = LLVMBuildCall2(B, LLVMGlobalGetValueType(fn), fn, &fs->pkt_ctx, 1, "");
	as = LLVMGetInlineAsm(fty, (char *)text, sizeof(text) - 1, "r,!i", 4, 1, 0,
			      LLVMInlineAsmDialectATT, 0);
	LLVMBuildCallBr(B, fty, as, out, &head, 1, &code, 1, NULL, 0, "");
	LLVMPositionBuilderAtEnd(B, out);
	return code;
}

static LLVMValueRef declare_callback(struct be_fn *fs, const struct ir_inst *in,
				     LLVMMetadataRef *sp)
{
	static const char *const names[2] = { "index", "ctx" };
	struct be_ctx *cx = fs->cx;
	LLVMTypeRef pt[2] = { cx->t_i64, cx->t_ptr };
	LLVMMetadataRef dt[2] = { cx->di_ullong, cx->di_voidp };
	unsigned kind = LLVMGetEnumAttributeKindForName("noalias", 7);
	char name[64];
	LLVMValueRef fn = add_body(fs, in, LLVMFunctionType(cx->t_i64, pt, 2, 0), name);

	LLVMSetLinkage(fn, LLVMInternalLinkage);
	/* only the callback reaches ctx while it runs: LLVM may keep its
	 * fields in registers between the loads at the top and the exits */
	LLVMAddAttributeAtIndex(fn, 2, LLVMCreateEnumAttribute(cx->C, kind, 0));
	*sp = be_di_func(cx, fn, name, in->offset, true, true, cx->di_llong, names, dt, 2);
	return fn;
}

static int open_callback(struct be_fn *fs, const struct ir_inst *in, struct be_loop *lp,
			 struct be_label *l)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	const struct ir_func *f = fs->f;
	const struct ir_loop_info *li = &in->u.scope.loop;
	uint32_t nsites = f->nsites ? f->nsites : 1;
	LLVMTypeRef lt[4] = { cx->t_i32, cx->t_ptr, cx->t_ptr, cx->t_i64 };
	LLVMValueRef fn, args[4], *locals, *windows;
	LLVMMetadataRef sp;
	LLVMBasicBlockRef entry, next, missing = NULL;
	bool global = li->lowering == IR_LOOP_GLOBAL;

	lp->in = in;
	if (!fs->lctx) {
		be_fn_ice(fs, in->offset, "a callback loop in a function without a loop state");
		return -EINVAL;
	}
	if (global && !fs->pkt_ctx) {
		be_fn_ice(fs, in->offset, "a global-function loop in a function without the context");
		return -EINVAL;
	}
	locals = calloc(f->nlocals + 1, sizeof(*locals));
	windows = calloc(nsites, sizeof(*windows));
	if (!locals || !windows) {
		free(locals);
		free(windows);
		return -ENOMEM;
	}
	/* the function's loop state (be_loops_setup()) holds its carried
	 * locals already, in the env, where every body finds it again */
	if (fs->cb) {
		/* nested in another loop's callback: the pointers it got hold
		 * everything (this body is part of that one), so they are
		 * passed on as they are */
		lp->nested = true;
	} else if (!global) {
		be_store_ptr(cx, fs->env, ptrs_field(fs, PT_ENV, 0));
		if (fs->pkt)
			be_store_ptr(cx, fs->pkt, ptrs_field(fs, PT_PKT, 0));
		for (uint32_t s = 0; s < f->nsites; s++)
			be_store_ptr(cx, be_load_ptr(cx, fs->windows[s]), ptrs_field(fs, PT_WINDOWS, s));
	}
	if (global) {
		/* in the enclosing function: the loop that calls the body */
		fn = declare_global_body(fs, in, &sp);
		lp->code = call_global_body(fs, li, fn);
		/* the body moved the packet in a struct of its own */
		if (f->changes_packet)
			be_packet_reload(fs, (enum ir_prog_kind)f->entry_kind);
	} else {
		/* in the enclosing function: bpf_loop */
		be_store(cx, LLVMConstInt(cx->t_i64, EXIT_NONE, 0), state_field(fs, ST_EXIT, 0));
		fn = declare_callback(fs, in, &sp);
		args[0] = LLVMConstInt(cx->t_i32, li->max_iters, 0);
		args[1] = fn;
		args[2] = fs->lptrs;
		args[3] = LLVMConstInt(cx->t_i64, 0, 0);
		be_call_helper(cx, BE_HELPER_LOOP, LLVMFunctionType(cx->t_i64, lt, 4, 0), args, 4);
	}
	lp->after = LLVMGetInsertBlock(B);

	/* now in the callback */
	lp->outer = *fs;
	fs->cb = lp;
	fs->fn = fn;
	fs->sp = sp;
	entry = block(fs, "entry");
	lp->body = block(fs, "body");
	fs->entry = entry;
	fs->alloca_b = LLVMCreateBuilderInContext(cx->C);
	LLVMPositionBuilderAtEnd(fs->alloca_b, entry);
	LLVMPositionBuilderAtEnd(B, entry);
	be_di_set_loc(cx, sp, in->offset);
	LLVMSetCurrentDebugLocation2(fs->alloca_b, LLVMGetCurrentDebugLocation2(B));
	fs->pkt_data = fs->pkt_end = fs->pkt_ctx = fs->pkt_buf = NULL;
	lp->first = lp->body;
	if (global) {
		/* the instance and the packet, found again
		 * from the program's context, in a block after the entry
		 * block's allocas (the lookups branch) */
		lp->first = block(fs, "prologue");
		LLVMPositionBuilderAtEnd(B, lp->first);
		missing = block(fs, "missing");
		be_refind_run(fs, LLVMGetParam(fn, 0), missing);
		be_packet_setup(fs);
	} else {
		fs->lptrs = LLVMGetParam(fn, 1);
		fs->env = be_load_ptr(cx, ptrs_field(fs, PT_ENV, 0));
		if (cx->mem_size)
			fs->mem = be_env_slot(cx, fs->env, BE_ENV_MEMORY, 0);
		if (fs->pkt) {
			fs->pkt = be_load_ptr(cx, ptrs_field(fs, PT_PKT, 0));
			be_packet_setup(fs);
		}
	}
	fs->lctx = be_env_slot(cx, fs->env, BE_ENV_LOOPS, cx->loop_base[fs->index]);
	fs->span_slot = NULL;
	/* the carried locals in the loop state; the rest, temporaries
	 * written before they are read in every iteration, in the body's
	 * own stack */
	for (uint32_t k = 0; k < f->nlocals; k++) {
		if (!(locals[k] = be_loop_local(fs, k))) {
			locals[k] = LLVMBuildAlloca(fs->alloca_b, be_type(cx, f->local_types[k]), "");
			LLVMSetAlignment(locals[k], 8);
		}
	}
	for (uint32_t s = 0; s < f->nsites; s++)
		windows[s] = ptrs_field(fs, PT_WINDOWS, s);
	fs->locals = locals;
	fs->windows = windows;
	if (global)
		LLVMBuildBr(B, lp->body);
	fs->iters = NULL;
	fs->niters = fs->iters_cap = 0;
	fs->slots = NULL;
	fs->nslots = 0;

	/* a branch to the loop's label: the next iteration */
	next = block(fs, "next");
	LLVMPositionBuilderAtEnd(B, next);
	LLVMBuildRet(B, LLVMConstInt(cx->t_i64, EXIT_NONE, 0));
	if (missing) {
		LLVMPositionBuilderAtEnd(B, missing);
		LLVMBuildRet(B, LLVMConstInt(cx->t_i64, EXIT_MISSING, 0));
	}
	LLVMPositionBuilderAtEnd(B, lp->body);
	take_fuel(fs);
	launder(fs, li);
	l->bb = next;
	l->niters = 0;
	return 0;
}

/* Back in the enclosing function after the loop: do what the body's
 * exit code says. */
static void close_callback(struct be_fn *fs, struct be_loop *lp, LLVMBasicBlockRef cont)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	const struct ir_func *f = fs->f;
	bool bad = fs->bad;
	LLVMBasicBlockRef limit, ret, trap;
	LLVMValueRef code, sw, *vals;
	bool global = lp->lowering == IR_LOOP_GLOBAL;

	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(B)))
		callback_exit(fs, EXIT_FALL);
	LLVMBuildBr(fs->alloca_b, lp->first);
	LLVMDisposeBuilder(fs->alloca_b);
	free(fs->locals);
	free(fs->windows);
	/* the body's own iterators (ITER loops inside it) */
	free(fs->iters);
	free(fs->slots);
	*fs = lp->outer;
	fs->bad |= bad;

	/* What the body left (carried locals, exit code, results) is in the
	 * loop state, in the env, which the verifier does not track: it is
	 * read back as unknown scalars. That matters: 6.1 checks a callback
	 * once, as if called once, and would take what it computed for one
	 * iteration for the values after all of them (and prune the paths
	 * they do not take). The map values the body looked up come back
	 * from the loop pointers. */
	LLVMPositionBuilderAtEnd(B, lp->after);
	be_di_set_loc(cx, fs->sp, lp->in->offset);
	for (uint32_t s = 0; s < f->nsites && !lp->nested && !global; s++)
		be_store_ptr(cx, be_load_ptr(cx, ptrs_field(fs, PT_WINDOWS, s)), fs->windows[s]);
	code = global ? lp->code : be_load(cx, cx->t_i64, state_field(fs, ST_EXIT, 0));
	limit = block(fs, "loop.limit");
	ret = block(fs, "loop.return");
	trap = block(fs, "loop.trap");
	sw = LLVMBuildSwitch(B, code, limit, 3 + lp->nexits);
	LLVMAddCase(sw, LLVMConstInt(cx->t_i64, EXIT_FALL, 0), cont);
	LLVMAddCase(sw, LLVMConstInt(cx->t_i64, EXIT_RETURN, 0), ret);
	LLVMAddCase(sw, LLVMConstInt(cx->t_i64, EXIT_TRAP, 0), trap);
	for (uint32_t k = 0; k < lp->nexits; k++)
		LLVMAddCase(sw, LLVMConstInt(cx->t_i64, EXIT_LABEL + (uint64_t)lp->exits[k], 0),
			    be_edge_to(fs, &fs->labels[lp->exits[k]]));

	/* bpf_loop ran max_iters times; a GLOBAL loop's count traps in the
	 * loop itself, and its body returns nothing else */
	LLVMPositionBuilderAtEnd(B, limit);
	be_trap_exit(fs, global ? W2B_TRAP_INTERNAL : W2B_TRAP_LOOP_LIMIT);
	LLVMPositionBuilderAtEnd(B, trap);
	be_return_zero(fs);
	LLVMPositionBuilderAtEnd(B, ret);
	vals = calloc(f->nresults + 1, sizeof(*vals));
	if (!vals)
		abort();
	for (uint32_t k = 0; k < f->nresults; k++) {
		LLVMValueRef v = be_load(cx, cx->t_i64, state_field(fs, ST_RETS, k));

		vals[k] = be_from_u64(cx, v, be_type(cx, f->results[k]));
	}
	be_return_values(fs, vals);
	free(vals);
}

/* The locals some CALLBACK, GLOBAL or ITER loop of f carries (IR's loop.used),
 * as flags (flag may be NULL: only counted). */
struct carried {
	uint8_t *flag;
	uint32_t n;
	bool any, callback;
};

static void mark_carried(struct ir_inst *i, void *user)
{
	struct carried *c = user;
	const struct ir_loop_info *li = &i->u.scope.loop;

	if (i->kind != IR_LOOP ||
	    (li->lowering != IR_LOOP_CALLBACK && li->lowering != IR_LOOP_GLOBAL &&
	     li->lowering != IR_LOOP_ITER))
		return;
	c->any = true;
	c->callback |= li->lowering == IR_LOOP_CALLBACK;
	for (uint32_t k = 0; k < li->nused; k++)
		if (!c->flag[li->used[k]]) {
			c->flag[li->used[k]] = 1;
			c->n++;
		}
}

/* The loop state's u64 fields (the struct be_loops_setup() makes):
 * exit, rets, locals; the arrays at least 1 long. */
static uint32_t state_slots(const struct ir_func *f, uint32_t ncarried)
{
	return 1 + (f->nresults ? f->nresults : 1) + (ncarried ? ncarried : 1);
}

uint32_t be_loop_state_slots(const struct ir_func *f)
{
	struct carried c = { calloc(f->nlocals + 1, 1), 0, false, false };

	if (!c.flag)
		abort();
	ir_walk_insts((struct ir_region *)&f->body, mark_carried, &c);
	free(c.flag);
	return c.any ? state_slots(f, c.n) : 0;
}

int be_loops_setup(struct be_fn *fs)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_func *f = fs->f;
	struct carried c = { calloc(f->nlocals + 1, 1), 0, false, false };
	uint32_t n = 0, nres = f->nresults ? f->nresults : 1, nsites = f->nsites ? f->nsites : 1;

	if (!c.flag)
		return -ENOMEM;
	ir_walk_insts((struct ir_region *)&f->body, mark_carried, &c);
	if (!c.any) {
		free(c.flag);
		return 0;
	}
	fs->lfield = malloc((f->nlocals + 1) * sizeof(*fs->lfield));
	if (!fs->lfield) {
		free(c.flag);
		return -ENOMEM;
	}
	for (uint32_t k = 0; k < f->nlocals; k++)
		fs->lfield[k] = c.flag[k] ? n++ : UINT32_MAX;
	free(c.flag);
	{
		LLVMTypeRef st[ST_NFIELDS] = {
			cx->t_i64, LLVMArrayType2(cx->t_i64, nres), LLVMArrayType2(cx->t_i64, n ? n : 1),
		};
		LLVMTypeRef pt[PT_NFIELDS] = {
			cx->t_ptr, cx->t_ptr, LLVMArrayType2(cx->t_ptr, nsites),
		};

		fs->lctx_ty = LLVMStructTypeInContext(cx->C, st, ST_NFIELDS, 0);
		fs->lptrs_ty = LLVMStructTypeInContext(cx->C, pt, PT_NFIELDS, 0);
	}
	/* the state in the env value, state_slots() u64s of it, where the
	 * bodies find it again */
	fs->lctx = be_env_slot(cx, fs->env, BE_ENV_LOOPS, cx->loop_base[fs->index]);
	if (c.callback) {
		fs->lptrs = LLVMBuildAlloca(fs->alloca_b, fs->lptrs_ty, "loop.ptrs");
		LLVMSetAlignment(fs->lptrs, 8);
	}
	return 0;
}

LLVMValueRef be_loop_local(struct be_fn *fs, uint32_t local)
{
	if (!fs->lfield || fs->lfield[local] == UINT32_MAX)
		return NULL;
	return state_field(fs, ST_LOCALS, fs->lfield[local]);
}

/* --- the interface ---------------------------------------------------------- */

int be_open_loop(struct be_fn *fs, const struct ir_inst *in, struct be_label *l,
		 LLVMBasicBlockRef *cont, struct be_loop **out)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_loop_info *li = &in->u.scope.loop;
	LLVMBasicBlockRef header;
	struct be_loop *lp;
	int err = 0;

	*out = NULL;
	if (!check_locals(fs, in))
		return -EINVAL;
	if (!(lp = calloc(1, sizeof(*lp))))
		return -ENOMEM;
	lp->lowering = li->lowering;
	*cont = block(fs, "loop.end");
	if (li->lowering == IR_LOOP_CALLBACK || li->lowering == IR_LOOP_GLOBAL) {
		err = open_callback(fs, in, lp, l);
		goto out;
	}
	header = block(fs, "loop");
	l->bb = header;
	switch ((enum ir_loop_lowering)li->lowering) {
	case IR_LOOP_PLAIN:
		LLVMBuildBr(cx->B, header);
		LLVMPositionBuilderAtEnd(cx->B, header);
		break;
	case IR_LOOP_COUNTED:
		open_counted(fs, li, header);
		break;
	case IR_LOOP_ITER:
		err = open_iter(fs, li, header);
		break;
	default:
		be_fn_ice(fs, in->offset, "loop without a lowering (ir_bound_loops() did not run)");
		err = -EINVAL;
	}
	/* an ITER loop's header is inside its own iterator's life */
	l->niters = fs->niters;
out:
	if (err) {
		free(lp);
		return err;
	}
	*out = lp;
	return 0;
}

void be_close_loop(struct be_fn *fs, struct be_loop *lp, LLVMBasicBlockRef cont)
{
	struct be_ctx *cx = fs->cx;

	if (lp->lowering == IR_LOOP_CALLBACK || lp->lowering == IR_LOOP_GLOBAL) {
		close_callback(fs, lp, cont);
	} else {
		bool iter = lp->lowering == IR_LOOP_ITER;

		if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(cx->B))) {
			if (iter)
				be_leave_iters(fs, fs->niters - 1);
			LLVMBuildBr(cx->B, cont);
		}
		if (iter)
			fs->niters--;
	}
	LLVMPositionBuilderAtEnd(cx->B, cont);
	free(lp->exits);
	free(lp);
}
