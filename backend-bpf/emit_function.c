/*
 * emit_function.c — one Wasm function: signature, locals, control flow,
 * calls, traps and loop fuel.
 *
 * Signature. `RT f(ptr env, [ptr pkt,] params...)`, internal linkage. The
 * env is the per-CPU instance state (the PREFIX_env map value, a
 * PTR_TO_MAP_VALUE for the verifier) that the entry wrapper looked up once;
 * the memory (or the hot block of one in blocks: emit_memory.c) is a field
 * of it; pkt, there only in a function that needs the packet (ir_func.packet),
 * points to the packet's data and data_end (emit_packet.c);
 * LLVM drops them where they are unused. BPF has five argument registers:
 * with more Wasm params than the registers left, all but one of those stay
 * in registers and the rest travel as u64 in an array on the caller's
 * stack, whose address is the last argument. A function returns its first
 * result; results 1.. are stored in env->results[] just before the return
 * and read back by the caller right after the call.
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
 * Loops are emit_loops.c's, in the form the target kernel takes (an
 * ordinary loop with a counter, a bpf_loop callback, a bpf_iter_num
 * iterator): this file opens and closes them as scopes, and its branches,
 * returns and traps ask it when they leave a loop (be_edge_to,
 * be_return_values, be_return_zero).
 *
 * Kernel helpers (IR_HELPER_CALL) are called by their id, every argument
 * widened to u64 and the u64 result truncated: those a module may import
 * take and return plain numbers (common/helpers.def), and cannot trap.
 *
 * Memory accesses. An access to the packet, or one that may reach either
 * region (IR_MEM_PACKET, IR_MEM_DISPATCH), is emit_packet.c's; that file
 * comes back here for a dispatched access's instance side. An access to
 * the instance memory (IR_MEM_INSTANCE) of w bytes at i32 address a with
 * memarg offset off reaches ea = zext(a) + off, in 64 bits so it never
 * wraps, and traps unless ea <= size - w. The verifier accepts the access
 * only if the register the pointer is formed from carries the bound, and
 * LLVM, knowing ea = zext(a) + off, is free to check one value and add
 * another. So x = zext(a) goes through be_opaque(), an empty inline asm
 * that returns its operand in the same register: after it, x is a value
 * LLVM cannot rewrite in terms of a, the check is `x > size - w - off` on
 * x itself, and the pointer is base + x + off, off ending in the
 * instruction's displacement. Both x and the pointer base + x go through
 * be_opaque_here(), the same asm with side effects: LLVM may neither hoist
 * x out of a loop nor sink the pointer to the access, so x lives only from
 * the check to the add (a loop-invariant x hoisted and spilled was reloaded
 * once for the check and once for the add, and the verifier, which does
 * not link the two fills, saw an unbounded add: tests/diff/repro's
 * bounds_unbounded; loads sunk below later checks kept each x live, and
 * spilled, across them: bounds_spill); what stays live to the access is the
 * pointer, whose range survives a spill. The check itself is an asm
 * goto, be_checked_index(): `if x > limit goto trap` (on COUNTED targets
 * `if x <= limit goto +1; goto trap`), whose output, tied to x's
 * register, is the x the pointer is formed from. With a plain compare
 * the register allocator may spill x between its definition and the
 * check and reload it for the add, and a verifier before 5.11, which
 * learns the bound on the checked register only (it links no copies),
 * sees the reload unbounded (5.10: "R7 unbounded memory access" in
 * tests/loops' Rust `search`, "offset is outside of the packet" in a
 * 64 x 64 nest; an empty asm after the check did not close the window:
 * LLVM sank a load between the two and took the register). The price is
 * that two accesses at one address are checked twice. The asms emit no instruction; an access at
 * a constant address is checked here, at compile time, and one that can
 * never be in bounds (w > size, off > size - w) is an unconditional trap.
 * Nor is there a check where the IR bounds the address by how it was
 * computed (ir/value_range.c: `(h + k) & 255` scaled by 4, a loaded
 * byte plus a constant) inside what the base reaches directly (the
 * memory, or its hot block): the verifier bounds the same and, add and
 * shift instructions as exactly (csmith's CRC-32 table reads: a function
 * of 28,812 instructions, past BPF's 16-bit jumps, became 14,008).
 *
 * Measured alternatives (tests with offsets 0, 3, size - w, 0xffffffff,
 * in loops, at every -O level): no barrier at all verified everywhere we
 * tried, 3 instructions shorter in a u32-summing loop (it may check the
 * 32-bit subregister of a 64-bit induction variable, relying on the
 * verifier to prove the upper half zero), but nothing forces LLVM to keep
 * check and pointer on one register; an opaque copy of ea *after* a check
 * of ea is rejected (offset 65532 on 64 KiB: LLVM checks a against
 * 65532 - 65532 and forms the pointer from another register); the barrier
 * on the i32 (then zext) is as short as no barrier but is rejected when
 * the address is an i32.wrap_i64 (the BPF backend treats the asm output as
 * a 32-bit def and drops the zero-extension); llvm.bpf.passthrough gives
 * the same code as the asm. Cost in the summing loop: 20 instructions per
 * element, 18 without the check (which the verifier refuses): the compare
 * and the trap code put in a register for the shared trap block.
 *
 * Alignment is the module's promise
 * (memarg align, log2), at most the natural one: a smaller promise gives
 * an access LLVM splits into bytes, slow but right for any address;
 * natural alignment gives one access even when the address is not aligned
 * after all (a Wasm alignment is a hint), which the x86-64 and arm64 JITs
 * do correctly.
 *
 * memory.copy and memory.fill check the whole span first (a trap leaves
 * the memory untouched), then run be_span_loop(): 8 bytes per iteration
 * and a byte loop for the tail, in the target kernel's loop form: where it
 * has them, a loop whose index comes from the kernel (bpf_iter_num, or
 * bpf_loop()'s callback index), so the verifier checks each loop once
 * whatever the length; before 5.17 an ordinary loop the verifier walks,
 * at most the memory's size in units (each access is checked again
 * inside, on the register the pointer is made from; that check never
 * fails at run time). A copy with dst > src runs backwards, tail first, so
 * that overlapping spans behave as memmove. An 8-byte unit may be
 * unaligned: it is one access all the same (see alignment above).
 *
 * Globals. A mutable global is a u64 slot of the env value (per CPU); an
 * exported immutable one is a `const volatile` .rodata variable, read with
 * a volatile load so that the value a loader set before load is the one
 * read; any other immutable global would have been folded by the frontend,
 * and is a constant here.
 */
#include "backend-bpf/emit.h"

#include "common/abi.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fn_vice(struct be_fn *fs, uint32_t offset, const char *fmt, va_list ap)
{
	struct diag_loc loc = {
		.offset = offset, .func = fs->f->wasm_index, .func_name = fs->f->name
	};

	diag_vreport(fs->cx->d, DIAG_ICE, &loc, fmt, ap);
}

static void fn_ice(struct be_fn *fs, uint32_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fn_ice(struct be_fn *fs, uint32_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fn_vice(fs, offset, fmt, ap);
	va_end(ap);
}

void be_fn_ice(struct be_fn *fs, uint32_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fn_vice(fs, offset, fmt, ap);
	va_end(ap);
}

static bool valid_type(uint8_t t)
{
	return t == IR_I32 || t == IR_I64;
}

/* --- the bpf_iter_num kfuncs --------------------------------------------- */

static LLVMValueRef declare_kfunc(struct be_ctx *cx, const char *name, LLVMTypeRef fty,
				  LLVMMetadataRef ret, const char *const *names,
				  LLVMMetadataRef *types, unsigned n)
{
	LLVMValueRef fn = LLVMAddFunction(cx->M, name, fty);

	/* libbpf resolves externs in ".ksyms" against the kernel's BTF. */
	LLVMSetSection(fn, ".ksyms");
	be_fn_attr(cx, fn, "nounwind");
	be_di_func(cx, fn, name, 0, false, false, ret, names, types, n);
	return fn;
}

int be_declare_iter_kfuncs(struct be_ctx *cx)
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
 * live iterator: the exit of a trap and of a trap's unwinding. In a loop's
 * callback, leaves it for the function to do so (emit_loops.c). */
static void return_zero(struct be_fn *fs)
{
	struct be_ctx *cx = fs->cx;
	LLVMTypeRef rt = LLVMGetReturnType(cx->fn_tys[fs->index]);

	if (fs->cb) {
		be_callback_trap_exit(fs);
		return;
	}
	be_leave_iters(fs, 0);
	if (rt == cx->t_void)
		LLVMBuildRetVoid(cx->B);
	else
		LLVMBuildRet(cx->B, LLVMConstNull(rt));
}

/* The trap_at word (common/abi.h) of a trap of `code` here, built in
 * the trap's own block: nothing on the way that does not trap. */
static LLVMValueRef trap_at_word(struct be_fn *fs, uint32_t code)
{
	struct be_ctx *cx = fs->cx;
	const struct be_trap_at *t = &fs->trap_at;
	uint64_t size = t->size > W2B_TRAP_AT_SIZE_MAX ? W2B_TRAP_AT_SIZE_MAX : t->size;
	uint64_t hi;
	LLVMValueRef at;

	if (code != W2B_TRAP_OOB_MEMORY || t->region == W2B_REGION_NONE || !t->at)
		return LLVMConstInt(cx->t_i64, 0, 0);
	hi = size << 32 | (uint64_t)(t->width >= 8 ? 3 : t->width >= 4 ? 2 : t->width >= 2 ? 1 : 0)
		<< 60 | (uint64_t)t->region << 62;
	at = t->add ? LLVMBuildAdd(cx->B, t->at, LLVMConstInt(cx->t_i64, t->add, 0), "") : t->at;
	at = LLVMBuildAnd(cx->B, at, LLVMConstInt(cx->t_i64, UINT32_MAX, 0), "");
	return LLVMBuildOr(cx->B, at, LLVMConstInt(cx->t_i64, hi, 0), "");
}

static void trap_exit(struct be_fn *fs, uint32_t code)
{
	struct be_ctx *cx = fs->cx;

	if (cx->span_lowering == IR_LOOP_COUNTED) {
		/* each trap a block of its own (trap_if() says why): an empty
		 * asm whose immediate differs per trap, which LLVM may neither
		 * merge nor make a phi of */
		LLVMTypeRef fty = LLVMFunctionType(cx->t_void, &cx->t_i64, 1, 0);
		LLVMValueRef as = LLVMGetInlineAsm(fty, "", 0, "i", 1, 1, 0,
						   LLVMInlineAsmDialectATT, 0);
		LLVMValueRef id = LLVMConstInt(cx->t_i64, cx->ntraps++, 0);

		LLVMBuildCall2(cx->B, fty, as, &id, 1, "");
	}
	be_store(cx, LLVMConstInt(cx->t_i64, be_trap_word(fs, code), 0),
		 be_env_slot(cx, fs->env, BE_ENV_TRAP, 0));
	be_store(cx, trap_at_word(fs, code), be_env_slot(cx, fs->env, BE_ENV_TRAP_AT, 0));
	return_zero(fs);
}

void be_trap_at(struct be_fn *fs, unsigned region, LLVMValueRef at, uint64_t add, unsigned width,
		uint64_t size)
{
	fs->trap_at = (struct be_trap_at){ at, add, size, (uint8_t)region, (uint8_t)width };
}

uint64_t be_trap_word(struct be_fn *fs, uint32_t code)
{
	/* where: the Wasm offset of the instruction being emitted */
	return W2B_TRAP_WORD(code, fs->f->wasm_index, fs->cx->loc_offset);
}

/* if (cond) trap code; continues in a fresh block. */
static void trap_if(struct be_fn *fs, LLVMValueRef cond, uint32_t code)
{
	struct be_ctx *cx = fs->cx;
	LLVMBasicBlockRef trap = new_block(fs, "trap"), next = new_block(fs, "");
	LLVMValueRef br = LLVMBuildCondBr(cx->B, cond, trap, next);

	if (cx->span_lowering == IR_LOOP_COUNTED) {
		/* A kernel that walks loops iteration by iteration keeps the
		 * target of every undecided jump on its stack of pending states
		 * until the path it follows ends, at most 8192 of them ("the
		 * sequence of 8193 jumps is too complex"). Laid out as the
		 * fall-through, a trap is explored at once, ends, and leaves
		 * only the way on pending: weights that call the trap likely
		 * make LLVM lay it out so. */
		LLVMValueRef w[3] = {
			LLVMMDStringInContext(cx->C, "branch_weights", 14),
			LLVMConstInt(cx->t_i32, 1000, 0), LLVMConstInt(cx->t_i32, 1, 0),
		};

		LLVMSetMetadata(br, LLVMGetMDKindIDInContext(cx->C, "prof", 4),
				LLVMMDNodeInContext(cx->C, w, 3));
	}
	LLVMPositionBuilderAtEnd(fs->cx->B, trap);
	trap_exit(fs, code);
	LLVMPositionBuilderAtEnd(fs->cx->B, next);
}

void be_trap_if(struct be_fn *fs, LLVMValueRef cond, uint32_t code)
{
	trap_if(fs, cond, code);
}

LLVMValueRef be_checked_index(struct be_fn *fs, LLVMValueRef x, uint64_t limit, uint32_t code)
{
	LLVMBasicBlockRef trap, next;
	LLVMValueRef r;

	if (limit > INT32_MAX) {
		/* no jump immediate holds it (and no offset of ours is
		 * that large where a verifier needs the bound) */
		trap_if(fs, LLVMBuildICmp(fs->cx->B, LLVMIntUGT, x,
					  LLVMConstInt(fs->cx->t_i64, limit, 0), ""), code);
		return x;
	}
	trap = new_block(fs, "trap");
	r = be_checked_index_to(fs, x, limit, trap);
	next = LLVMGetInsertBlock(fs->cx->B);
	LLVMPositionBuilderAtEnd(fs->cx->B, trap);
	trap_exit(fs, code);
	LLVMPositionBuilderAtEnd(fs->cx->B, next);
	return r;
}

LLVMValueRef be_checked_index_to(struct be_fn *fs, LLVMValueRef x, uint64_t limit,
				 LLVMBasicBlockRef out)
{
	static const char walked[] = "if $0 <= $2 goto +1\n\tgoto ${3:l}";
	static const char plain[] = "if $0 > $2 goto ${3:l}";
	static const char cons[] = "=r,0,i,!i";
	struct be_ctx *cx = fs->cx;
	LLVMTypeRef pt[2] = { cx->t_i64, cx->t_i64 };
	LLVMTypeRef fty = LLVMFunctionType(cx->t_i64, pt, 2, 0);
	LLVMValueRef as, args[2] = { x, LLVMConstInt(cx->t_i64, limit, 0) }, r;
	LLVMBasicBlockRef next;

	/* The compare is in the asm, on its output's register (tied to x's):
	 * after it, nothing can stand for x but that register, nor reload x
	 * from a spill made before the check. The output is used on the
	 * asm goto's default edge only: LLVM 19's BPF backend puts
	 * the copy of an output used on an indirect edge on the default one
	 * (seen: the wrong slot of a map value read at -O2, an uninitialised
	 * stack read at -O0). Where loops are COUNTED, the way on jumps over
	 * a `goto trap`, making the trap the fall-through that the walk
	 * wants (trap_if() says why): one instruction more per check, none
	 * more run. be_fold_constant_checks() folds the check when x becomes a
	 * constant. */
	const char *text = cx->span_lowering == IR_LOOP_COUNTED ? walked : plain;

	as = LLVMGetInlineAsm(fty, (char *)text, strlen(text), (char *)cons, sizeof(cons) - 1,
			      1, 0, LLVMInlineAsmDialectATT, 0);
	next = new_block(fs, "");
	r = LLVMBuildCallBr(cx->B, fty, as, next, &out, 1, args, 2, NULL, 0, "");
	LLVMPositionBuilderAtEnd(cx->B, next);
	return r;
}

void be_trap_exit(struct be_fn *fs, uint32_t code)
{
	trap_exit(fs, code);
}

void be_return_zero(struct be_fn *fs)
{
	return_zero(fs);
}

int be_def(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v)
{
	return def(fs, in, v);
}

LLVMValueRef be_aligned(struct be_fn *fs, LLVMValueRef x, unsigned width)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	LLVMValueRef low = LLVMConstInt(cx->t_i64, width - 1, 0);

	trap_if(fs, LLVMBuildICmp(B, LLVMIntNE, LLVMBuildAnd(B, x, low, ""),
				  LLVMConstInt(cx->t_i64, 0, 0), ""),
		W2B_TRAP_UNALIGNED_ATOMIC);
	/* LLVM knows the mask changes nothing after the check and would drop
	 * it: mask an opaque copy, so the verifier sees the low bits zero on
	 * the register itself (a test of a copy teaches it nothing) */
	return LLVMBuildAnd(B, be_opaque(cx, x), LLVMConstNot(low), "");
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

/* The block a branch to l goes to from here: the label's own block, an
 * edge block that first destroys the iterators the branch leaves, or, for
 * a label outside the loop callback being emitted, one that leaves it. */
static LLVMBasicBlockRef edge_to(struct be_fn *fs, const struct be_label *l)
{
	LLVMBuilderRef B = fs->cx->B;
	LLVMBasicBlockRef here, edge;

	if (be_label_outside(fs, l))
		return be_callback_exit_to(fs, l);
	if (l->niters == fs->niters)
		return l->bb;
	here = LLVMGetInsertBlock(B);
	edge = new_block(fs, "leave");
	LLVMPositionBuilderAtEnd(B, edge);
	be_leave_iters(fs, l->niters);
	LLVMBuildBr(B, l->bb);
	LLVMPositionBuilderAtEnd(B, here);
	return edge;
}

LLVMBasicBlockRef be_edge_to(struct be_fn *fs, const struct be_label *l)
{
	return edge_to(fs, l);
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

void be_return_values(struct be_fn *fs, LLVMValueRef *vals)
{
	struct be_ctx *cx = fs->cx;

	if (fs->cb) {
		be_callback_return(fs, vals);
		return;
	}
	for (uint32_t k = 1; k < fs->f->nresults; k++)
		be_store(cx, be_to_u64(cx, vals[k]), be_env_slot(cx, fs->env, BE_ENV_RESULTS, k - 1));
	be_leave_iters(fs, 0);
	if (fs->f->nresults)
		LLVMBuildRet(cx->B, vals[0]);
	else
		LLVMBuildRetVoid(cx->B);
}

static int emit_return(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_func *f = fs->f;
	LLVMValueRef *vals;

	if (in->u.ret.nvals != f->nresults) {
		fn_ice(fs, in->offset, "return of %u values from a function with %u results",
		       in->u.ret.nvals, f->nresults);
		return -EINVAL;
	}
	vals = calloc(f->nresults + 1, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t k = 0; k < f->nresults; k++) {
		vals[k] = be_val(fs, in->u.ret.vals[k]);
		if (!fs->bad && LLVMTypeOf(vals[k]) != be_type(cx, f->results[k])) {
			fn_ice(fs, in->offset, "result %u has the wrong type", k);
			free(vals);
			return -EINVAL;
		}
	}
	if (!fs->bad)
		be_return_values(fs, vals);
	free(vals);
	return 0;
}

/* --- calls ------------------------------------------------------------------ */

LLVMValueRef be_build_call(struct be_ctx *cx, LLVMBuilderRef alloca_b,
			   LLVMValueRef env, LLVMValueRef pkt,
			   uint32_t index, LLVMValueRef *args, LLVMValueRef *results)
{
	const struct ir_func *f = &cx->m->funcs[index];
	LLVMValueRef argv[BE_MAX_REG_ARGS], call;
	unsigned n = 0, first = be_spill_first(cx, f);

	argv[n++] = env;
	if (f->packet)
		argv[n++] = pkt;
	if (f->nparams <= be_max_reg_params(cx, f)) {
		for (uint32_t i = 0; i < f->nparams; i++)
			argv[n++] = args[i];
	} else {
		uint32_t nspill = f->nparams - first;
		LLVMTypeRef aty = LLVMArrayType2(cx->t_i64, nspill);
		LLVMValueRef spill = LLVMBuildAlloca(alloca_b, aty, "spill");

		LLVMSetAlignment(spill, 8);
		for (uint32_t i = 0; i < first; i++)
			argv[n++] = args[i];
		for (uint32_t i = 0; i < nspill; i++) {
			LLVMValueRef ix[2] = { LLVMConstInt(cx->t_i64, 0, 0),
					       LLVMConstInt(cx->t_i64, i, 0) };
			LLVMValueRef p = LLVMBuildInBoundsGEP2(cx->B, aty, spill, ix, 2, "");

			be_store(cx, be_to_u64(cx, args[first + i]), p);
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
	/* ir_lower_memory() marks every caller of a packet function */
	if (cf->packet && !fs->pkt) {
		fn_ice(fs, in->offset, "call of packet function '%s' from one without the packet",
		       cf->symbol);
		err = -EINVAL;
		goto out;
	}
	be_build_call(cx, fs->alloca_b, fs->env, fs->pkt, callee, args, res);
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

/* --- instance state: memory and globals ------------------------------------ */

LLVMValueRef be_iter_slot(struct be_ctx *cx, LLVMBuilderRef alloca_b, const char *name)
{
	LLVMTypeRef ity = LLVMStructTypeInContext(cx->C, &cx->t_i64, 1, 0);
	LLVMValueRef it = LLVMBuildAlloca(alloca_b, ity, name);

	LLVMSetAlignment(it, 8);
	return it;
}

/* The fields of a span loop's bpf_loop context (the variant below). */
enum { SPAN_DBASE, SPAN_SBASE, SPAN_D, SPAN_S, SPAN_CNT, SPAN_FILL, SPAN_NFIELDS };

static LLVMValueRef span_field(struct be_ctx *cx, LLVMValueRef ctx, unsigned f)
{
	return LLVMBuildStructGEP2(cx->B, cx->span_ctx_ty, ctx, f, "");
}

/* The body of one span unit, at index idx (i64) of the span described by
 * the values given: checks, then the access. Branches to stop if a unit
 * does not fit, else ends in the current block (the caller continues). */
static bool span_copies(const struct be_span *sp)
{
	return sp->blocked ? sp->s != NULL : sp->sbase != NULL;
}

/* One unit of a blocked span at Wasm address a (i64, in bounds): the
 * pointer into its block, or, when it straddles two (or its block is
 * missing, which the caller's checks rule out), NULL after a branch to
 * `straddle` (the builder is in the fresh block of the other case). */
static LLVMValueRef block_unit(struct be_ctx *cx, LLVMValueRef fn, LLVMValueRef key,
			       LLVMValueRef a, unsigned w, LLVMBasicBlockRef straddle)
{
	LLVMBuilderRef B = cx->B;
	LLVMValueRef off = be_opaque(cx, LLVMBuildAnd(B, a, LLVMConstInt(cx->t_i64,
							BE_MEM_BLOCK - 1, 0), ""));
	LLVMValueRef blk;
	LLVMBasicBlockRef in = LLVMAppendBasicBlockInContext(cx->C, fn, "unit.in");
	LLVMBasicBlockRef found = LLVMAppendBasicBlockInContext(cx->C, fn, "unit.found");

	LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntUGT, off,
					 LLVMConstInt(cx->t_i64, BE_MEM_BLOCK - w, 0), ""),
			straddle, in);
	LLVMPositionBuilderAtEnd(B, in);
	blk = be_lookup_block(cx, key, LLVMBuildTrunc(B, LLVMBuildLShr(B, a,
				LLVMConstInt(cx->t_i64, BE_MEM_BLOCK_SHIFT, 0), ""), cx->t_i32, ""));
	LLVMBuildCondBr(B, LLVMBuildIsNull(B, blk, ""), straddle, found);
	LLVMPositionBuilderAtEnd(B, found);
	return LLVMBuildGEP2(B, cx->t_i8, blk, &off, 1, "");
}

/* dst[i] = src[i] or fill, both in W2B_MEMORY_MAP's blocks: a unit that
 * straddles two blocks goes through w2b_mem_gather/scatter. */
static void blocked_unit(struct be_ctx *cx, LLVMValueRef fn, const struct be_span *sp,
			 LLVMValueRef dd, LLVMValueRef ss, LLVMValueRef fill)
{
	LLVMBuilderRef B = cx->B;
	LLVMTypeRef uty = LLVMIntTypeInContext(cx->C, 8 * sp->w);
	LLVMValueRef key = be_block_key_slot(cx, fn), p, v, vals[2];
	LLVMValueRef ph = LLVMConstInt(cx->t_i64, cx->mem_phase, 0);
	LLVMBasicBlockRef split, join, from[2];

	/* block addresses from here (emit_memory.c) */
	dd = LLVMBuildAdd(B, dd, ph, "");
	ss = ss ? LLVMBuildAdd(B, ss, ph, "") : NULL;
	if (ss) {
		split = LLVMAppendBasicBlockInContext(cx->C, fn, "unit.gather");
		join = LLVMAppendBasicBlockInContext(cx->C, fn, "unit.loaded");
		p = block_unit(cx, fn, key, ss, sp->w, split);
		vals[0] = LLVMBuildLoad2(B, uty, p, "");
		LLVMSetAlignment(vals[0], 1);
		from[0] = LLVMGetInsertBlock(B);
		LLVMBuildBr(B, join);
		LLVMPositionBuilderAtEnd(B, split);
		vals[1] = LLVMBuildTrunc(B, be_mem_gather(cx, ss, sp->w), uty, "");
		from[1] = LLVMGetInsertBlock(B);
		LLVMBuildBr(B, join);
		LLVMPositionBuilderAtEnd(B, join);
		v = be_join_values(cx, vals, from, 2);
	} else {
		v = LLVMTypeOf(fill) == uty ? fill : LLVMBuildTrunc(B, fill, uty, "");
	}
	split = LLVMAppendBasicBlockInContext(cx->C, fn, "unit.scatter");
	join = LLVMAppendBasicBlockInContext(cx->C, fn, "unit.stored");
	p = block_unit(cx, fn, key, dd, sp->w, split);
	LLVMSetAlignment(LLVMBuildStore(B, v, p), 1);
	LLVMBuildBr(B, join);
	LLVMPositionBuilderAtEnd(B, split);
	be_mem_scatter(cx, dd, sp->w, LLVMBuildZExt(B, v, cx->t_i64, ""));
	LLVMBuildBr(B, join);
	LLVMPositionBuilderAtEnd(B, join);
}

static void span_unit(struct be_ctx *cx, LLVMValueRef fn, const struct be_span *sp,
		      LLVMValueRef dbase, LLVMValueRef sbase, LLVMValueRef d,
		      LLVMValueRef s, LLVMValueRef cnt, LLVMValueRef fill,
		      LLVMValueRef idx, LLVMBasicBlockRef stop)
{
	LLVMBuilderRef B = cx->B;
	LLVMTypeRef uty = LLVMIntTypeInContext(cx->C, 8 * sp->w);
	LLVMBasicBlockRef in;
	LLVMValueRef o, dd, ss, v;

	if (sp->backward)
		idx = LLVMBuildSub(B, LLVMBuildSub(B, cnt, LLVMConstInt(cx->t_i64, 1, 0), ""), idx, "");
	o = sp->w == 1 ? idx : LLVMBuildShl(B, idx, LLVMConstInt(cx->t_i64, 3, 0), "");
	/* the checks are on the registers the pointers are made from; a
	 * blocked span's is the bound that ends a walked loop's walk */
	dd = be_opaque(cx, LLVMBuildAdd(B, d, o, ""));
	in = LLVMAppendBasicBlockInContext(cx->C, fn, "span.in");
	LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntUGT, dd,
					 LLVMConstInt(cx->t_i64, sp->dsize - sp->w, 0), ""),
			stop, in);
	LLVMPositionBuilderAtEnd(B, in);
	if (sp->blocked) {
		blocked_unit(cx, fn, sp, dd, s ? LLVMBuildAdd(B, s, o, "") : NULL, fill);
		return;
	}
	if (sbase) {
		ss = be_opaque(cx, LLVMBuildAdd(B, s, o, ""));
		in = LLVMAppendBasicBlockInContext(cx->C, fn, "span.in");
		LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntUGT, ss,
						 LLVMConstInt(cx->t_i64, sp->ssize - sp->w, 0), ""),
				stop, in);
		LLVMPositionBuilderAtEnd(B, in);
		v = LLVMBuildLoad2(B, uty, LLVMBuildGEP2(B, cx->t_i8, sbase, &ss, 1, ""), "");
		LLVMSetAlignment(v, sp->w);
	} else {
		v = LLVMTypeOf(fill) == uty ? fill : LLVMBuildTrunc(B, fill, uty, "");
	}
	LLVMSetAlignment(LLVMBuildStore(B, v, LLVMBuildGEP2(B, cx->t_i8, dbase, &dd, 1, "")),
			 sp->w);
}

/* The bpf_loop callback `long cb(u64 index, void *ctx)` for spans of the
 * shape of sp (unit, direction, copy or fill, sizes), made on first use.
 * Its context is the caller's struct of SPAN_* fields, on the caller's
 * stack: the verifier follows the pointers spilled there. */
static LLVMValueRef span_callback(struct be_ctx *cx, const struct be_span *sp)
{
	static const char *const names[2] = { "index", "ctx" };
	LLVMBuilderRef B = cx->B;
	LLVMBasicBlockRef saved_bb = LLVMGetInsertBlock(B), entry, stop;
	LLVMMetadataRef saved_loc = LLVMGetCurrentDebugLocation2(B), dt[2], md;
	uint32_t saved_offset = cx->loc_offset;
	LLVMTypeRef pt[2] = { cx->t_i64, cx->t_ptr }, fty;
	LLVMValueRef fn, ctx, v[SPAN_NFIELDS];
	struct be_span_cb *c;
	char name[32];

	for (unsigned k = 0; k < cx->nspan_cbs; k++) {
		c = &cx->span_cbs[k];
		if (c->w == sp->w && c->backward == sp->backward && c->copy == span_copies(sp) &&
		    c->blocked == sp->blocked && c->dsize == sp->dsize &&
		    c->ssize == (span_copies(sp) ? sp->ssize : 0))
			return c->fn;
	}
	if (cx->nspan_cbs == BE_MAX_SPAN_CBS)
		return NULL;
	if (!cx->span_ctx_ty) {
		LLVMTypeRef ft[SPAN_NFIELDS] = { cx->t_ptr, cx->t_ptr, cx->t_i64, cx->t_i64,
						 cx->t_i64, cx->t_i64 };

		cx->span_ctx_ty = LLVMStructTypeInContext(cx->C, ft, SPAN_NFIELDS, 0);
	}
	snprintf(name, sizeof(name), "w2b_span%u", cx->nspan_cbs);
	fty = LLVMFunctionType(cx->t_i64, pt, 2, 0);
	fn = LLVMAddFunction(cx->M, name, fty);
	LLVMSetLinkage(fn, LLVMInternalLinkage);
	be_fn_attr(cx, fn, "nounwind");
	dt[0] = cx->di_ullong;
	dt[1] = cx->di_voidp;
	md = be_di_func(cx, fn, name, 0, true, true, cx->di_llong, names, dt, 2);
	c = &cx->span_cbs[cx->nspan_cbs++];
	*c = (struct be_span_cb){ sp->w, sp->backward, span_copies(sp), sp->blocked, sp->dsize,
				  span_copies(sp) ? sp->ssize : 0, fn };

	entry = LLVMAppendBasicBlockInContext(cx->C, fn, "entry");
	stop = LLVMAppendBasicBlockInContext(cx->C, fn, "stop");
	LLVMPositionBuilderAtEnd(B, entry);
	be_di_set_loc(cx, md, 0);
	ctx = LLVMGetParam(fn, 1);
	for (unsigned f = 0; f < SPAN_NFIELDS; f++) {
		v[f] = LLVMBuildLoad2(B, f <= SPAN_SBASE ? cx->t_ptr : cx->t_i64,
				      span_field(cx, ctx, f), "");
		LLVMSetAlignment(v[f], 8);
	}
	span_unit(cx, fn, sp, v[SPAN_DBASE], sp->sbase ? v[SPAN_SBASE] : NULL, v[SPAN_D],
		  span_copies(sp) ? v[SPAN_S] : NULL, v[SPAN_CNT], v[SPAN_FILL],
		  LLVMGetParam(fn, 0), stop);
	LLVMBuildRet(B, LLVMConstInt(cx->t_i64, 0, 0));
	LLVMPositionBuilderAtEnd(B, stop);
	LLVMBuildRet(B, LLVMConstInt(cx->t_i64, 1, 0));

	LLVMPositionBuilderAtEnd(B, saved_bb);
	LLVMSetCurrentDebugLocation2(B, saved_loc);
	cx->loc_offset = saved_offset;
	return fn;
}

int be_span_loop(struct be_ctx *cx, LLVMBuilderRef alloca_b, LLVMValueRef *slot,
		 const struct be_span *sp)
{
	LLVMBuilderRef B = cx->B;
	LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(B));
	LLVMValueRef args[4], p, idx, it, cb;
	LLVMBasicBlockRef head, body, done;

	/* a unit that cannot fit: the span is empty (the caller checked) */
	if (sp->dsize < sp->w || (span_copies(sp) && sp->ssize < sp->w))
		return 0;

	if (cx->span_lowering == IR_LOOP_COUNTED) {
		/* for (i = 0; i < cnt; i++): the verifier walks it, and the
		 * unit check ends its walk at the end of the object */
		LLVMBasicBlockRef pre = LLVMGetInsertBlock(B);
		LLVMValueRef i, phi_in[2];
		LLVMBasicBlockRef phi_bb[2];

		head = LLVMAppendBasicBlockInContext(cx->C, fn, "span");
		body = LLVMAppendBasicBlockInContext(cx->C, fn, "span.body");
		done = LLVMAppendBasicBlockInContext(cx->C, fn, "span.end");
		LLVMBuildBr(B, head);
		LLVMPositionBuilderAtEnd(B, head);
		i = LLVMBuildPhi(B, cx->t_i64, "i");
		LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntULT, i, sp->cnt, ""), body, done);
		LLVMPositionBuilderAtEnd(B, body);
		span_unit(cx, fn, sp, sp->dbase, sp->sbase, sp->d, sp->s, sp->cnt, sp->fill, i, done);
		phi_in[0] = LLVMConstInt(cx->t_i64, 0, 0);
		phi_bb[0] = pre;
		phi_in[1] = LLVMBuildAdd(B, i, LLVMConstInt(cx->t_i64, 1, 0), "");
		phi_bb[1] = LLVMGetInsertBlock(B);
		LLVMBuildBr(B, head);
		LLVMAddIncoming(i, phi_in, phi_bb, 2);
		LLVMPositionBuilderAtEnd(B, done);
		return 0;
	}
	if (cx->span_lowering == IR_LOOP_CALLBACK) {
		/* if (cnt) bpf_loop(cnt, cb, &ctx, 0). The test is for the
		 * verifier: given a count it knows is 0, it never visits the
		 * callback and drops it as dead code, but not the load of its
		 * address, and then fails ("verifier bug: No program to jit",
		 * 6.18); behind the test the load is dead code too. */
		LLVMTypeRef lt[4] = { cx->t_i32, cx->t_ptr, cx->t_ptr, cx->t_i64 };

		if (!(cb = span_callback(cx, sp))) {
			diag_ice(cx->d, "too many kinds of memory loops");
			return -EINVAL;
		}
		body = LLVMAppendBasicBlockInContext(cx->C, fn, "span");
		done = LLVMAppendBasicBlockInContext(cx->C, fn, "span.end");
		LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, sp->cnt, LLVMConstInt(cx->t_i64, 0, 0), ""),
				done, body);
		LLVMPositionBuilderAtEnd(B, body);
		if (!*slot) {
			*slot = LLVMBuildAlloca(alloca_b, cx->span_ctx_ty, "span.ctx");
			LLVMSetAlignment(*slot, 8);
		}
		be_store(cx, sp->d, span_field(cx, *slot, SPAN_D));
		be_store(cx, sp->cnt, span_field(cx, *slot, SPAN_CNT));
		if (sp->dbase)
			LLVMSetAlignment(LLVMBuildStore(B, sp->dbase,
							span_field(cx, *slot, SPAN_DBASE)), 8);
		if (sp->sbase)
			LLVMSetAlignment(LLVMBuildStore(B, sp->sbase,
							span_field(cx, *slot, SPAN_SBASE)), 8);
		if (span_copies(sp)) {
			be_store(cx, sp->s, span_field(cx, *slot, SPAN_S));
		} else {
			be_store(cx, LLVMBuildZExt(B, sp->fill, cx->t_i64, ""),
				 span_field(cx, *slot, SPAN_FILL));
		}
		args[0] = LLVMBuildTrunc(B, sp->cnt, cx->t_i32, "");
		args[1] = cb;
		args[2] = *slot;
		args[3] = LLVMConstInt(cx->t_i64, 0, 0);
		be_call_helper(cx, BE_HELPER_LOOP, LLVMFunctionType(cx->t_i64, lt, 4, 0), args, 4);
		LLVMBuildBr(B, done);
		LLVMPositionBuilderAtEnd(B, done);
		return 0;
	}

	/* an open-coded bpf_iter_num loop over [0, cnt) */
	if (be_declare_iter_kfuncs(cx))
		return -EINVAL;
	if (!*slot)
		*slot = be_iter_slot(cx, alloca_b, "span.it");
	it = *slot;
	head = LLVMAppendBasicBlockInContext(cx->C, fn, "span");
	body = LLVMAppendBasicBlockInContext(cx->C, fn, "span.body");
	done = LLVMAppendBasicBlockInContext(cx->C, fn, "span.end");
	args[0] = it;
	args[1] = LLVMConstInt(cx->t_i32, 0, 0);
	args[2] = LLVMBuildTrunc(B, sp->cnt, cx->t_i32, "");
	LLVMBuildCall2(B, cx->k_new_ty, cx->k_new, args, 3, "");
	LLVMBuildBr(B, head);

	LLVMPositionBuilderAtEnd(B, head);
	p = LLVMBuildCall2(B, cx->k_next_ty, cx->k_next, &it, 1, "");
	LLVMBuildCondBr(B, LLVMBuildIsNull(B, p, ""), done, body);

	/* the unit's index comes from the iterator: a value the verifier does
	 * not track, so its states at the head converge at once */
	LLVMPositionBuilderAtEnd(B, body);
	idx = LLVMBuildZExt(B, be_load(cx, cx->t_i32, p), cx->t_i64, "");
	span_unit(cx, fn, sp, sp->dbase, sp->sbase, sp->d, sp->s, sp->cnt, sp->fill, idx, done);
	LLVMBuildBr(B, head);

	LLVMPositionBuilderAtEnd(B, done);
	LLVMBuildCall2(B, cx->k_destroy_ty, cx->k_destroy, &it, 1, "");
	return 0;
}

static bool check_mem(struct be_fn *fs, const struct ir_inst *in)
{
	if (in->u.mem.region != IR_MEM_INSTANCE &&
	    (in->kind == IR_MEMORY_COPY || in->kind == IR_MEMORY_FILL ||
	     in->u.mem.region != IR_MEM_DISPATCH)) {
		fn_ice(fs, in->offset, "memory access to an undecided region (kind %u, region %u)",
		       in->kind, in->u.mem.region);
		return false;
	}
	if (!fs->cx->m->memory.present) {
		fn_ice(fs, in->offset, "memory access in a module without memory");
		return false;
	}
	return true;
}

/* A vreg operand that must be an i32 (addresses, lengths); NULL if not
 * (reported), or if it is not a vreg (fs->bad, reported later). */
static LLVMValueRef i32_operand(struct be_fn *fs, const struct ir_inst *in, uint32_t v)
{
	LLVMValueRef x = be_val(fs, v);

	if (fs->bad)
		return NULL;
	if (LLVMTypeOf(x) != fs->cx->t_i32) {
		fn_ice(fs, in->offset, "memory operand %%%u is not an i32", v);
		return NULL;
	}
	return x;
}

LLVMValueRef be_checked_ptr(struct be_fn *fs, LLVMValueRef base, LLVMValueRef x, uint64_t size,
			    uint64_t width, uint64_t off, bool atomic)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	uint64_t limit = size - width - off;	/* the largest x in bounds */
	LLVMValueRef p, o = LLVMConstInt(cx->t_i64, off, 0);

	if (atomic) {
		/* the verifier wants an atomic access provably aligned: the
		 * offset whole, checked, and masked to the width on the
		 * register the pointer is formed from */
		x = be_opaque_here(cx, LLVMBuildAdd(B, x, o, ""));
		x = be_checked_index(fs, x, size - width, W2B_TRAP_OOB_MEMORY);
		x = be_aligned(fs, x, width);
		return be_opaque_here(cx, LLVMBuildGEP2(B, cx->t_i8, base, &x, 1, ""));
	}
	if (LLVMIsAConstantInt(x)) {
		/* a constant index (a field of a map value at a known
		 * address): in bounds or not is known now, and the verifier
		 * sees the constant offset on the pointer itself, so neither
		 * a check nor an opaque copy is needed */
		uint64_t at = LLVMConstIntGetZExtValue(x);

		if (at > limit) {
			be_trap_exit(fs, W2B_TRAP_OOB_MEMORY);
			return NULL;
		}
		x = LLVMConstInt(cx->t_i64, at + off, 0);
		return LLVMBuildGEP2(B, cx->t_i8, base, &x, 1, "");
	}
	/* an index that optimisation makes a constant (a map value's field
	 * at the address its lookup returned) is checked at compile time
	 * after all: the barrier and the check are tagged for
	 * be_fold_constant_checks() */
	x = be_opaque_here(cx, x);
	be_mark_foldable(cx, x);
	if (limit < UINT32_MAX) {	/* else no zext'ed i32 is out of bounds */
		x = be_checked_index(fs, x, limit, W2B_TRAP_OOB_MEMORY);
		be_mark_foldable(cx, x);
	}
	/* the pointer, formed right after the check and kept opaque: if it
	 * is spilled, the pointer (and its range) is; a constant distance
	 * from the base needs no barrier */
	p = be_opaque_here(cx, LLVMBuildGEP2(B, cx->t_i8, base, &x, 1, ""));
	be_mark_foldable(cx, p);
	return off ? LLVMBuildGEP2(B, cx->t_i8, p, &o, 1, "") : p;
}

/* The pointer to `width` bytes of instance memory at Wasm address a +
 * off, after the bounds check (the essay at the top), and for an atomic
 * access the alignment check. NULL: the access always traps, and the trap
 * has ended the block. va is a's vreg (IR_NOVAL: not known): where its
 * computation bounds it inside the memory the base reaches directly
 * (ir/value_range.c), there is no check at all. */
static LLVMValueRef checked_instance_ptr(struct be_fn *fs, LLVMValueRef a, uint32_t va,
					 uint64_t width, uint64_t off, bool atomic,
					 struct be_straddle *st)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	uint64_t size = cx->mem_size, limit;
	uint32_t lo, hi;
	LLVMValueRef x, p;

	if (st)
		*st = (struct be_straddle){ NULL, NULL };
	if (width > size || off > size - width) {
		trap_exit(fs, W2B_TRAP_OOB_MEMORY);
		return NULL;
	}
	if (!atomic && !LLVMIsAConstantInt(a) && va != IR_NOVAL &&
	    ir_u32_range(fs->f, fs->defs, va, &lo, &hi)) {
		/* the reach of the base: the whole memory in the env value, or
		 * the hot block of one in blocks */
		uint64_t base = cx->mem_in_map ? cx->mem_hot : 0;
		uint64_t reach = cx->mem_in_map ? cx->mem_fast : size;

		/* The range again, in instructions LLVM cannot drop: it may
		 * find an IR `and` redundant from what it knows of the operand
		 * (a udiv, a urem) where the verifier knows nothing, and take
		 * away the bound the verifier needed ("math between map_value
		 * pointer and register with unbounded min value"). Behind an
		 * opaque copy, (a - lo) & span + lo is a itself, and bounded
		 * for the verifier whatever came before. */
		uint64_t span = hi - lo;

		for (unsigned k = 1; k < 32; k <<= 1)
			span |= span >> k;
		if (lo + off >= base && lo + span + off + width <= base + reach) {
			x = be_opaque_here(cx, LLVMBuildZExt(B, a, cx->t_i64, ""));
			if (lo)
				x = LLVMBuildSub(B, x, LLVMConstInt(cx->t_i64, lo, 0), "");
			x = LLVMBuildAnd(B, x, LLVMConstInt(cx->t_i64, span, 0), "");
			if (lo + off != base)
				x = LLVMBuildAdd(B, x, LLVMConstInt(cx->t_i64, lo + off - base, 0), "");
			return LLVMBuildGEP2(B, cx->t_i8, fs->mem, &x, 1, "");
		}
	}
	if (cx->mem_in_map)
		return be_block_ptr(fs, a, width, off, atomic, st);
	limit = size - width - off;	/* the largest zext(a) in bounds */
	if (LLVMIsAConstantInt(a)) {
		uint64_t ea = (uint32_t)LLVMConstIntGetZExtValue(a);

		if (ea > limit) {
			trap_exit(fs, W2B_TRAP_OOB_MEMORY);
			return NULL;
		}
		if (atomic && (ea + off) & (width - 1)) {
			trap_exit(fs, W2B_TRAP_UNALIGNED_ATOMIC);
			return NULL;
		}
		x = LLVMConstInt(cx->t_i64, ea, 0);
		p = LLVMBuildGEP2(B, cx->t_i8, fs->mem, &x, 1, "");
	} else {
		return be_checked_ptr(fs, fs->mem, LLVMBuildZExt(B, a, cx->t_i64, ""), size, width, off,
				      atomic);
	}
	if (off) {
		LLVMValueRef o = LLVMConstInt(cx->t_i64, off, 0);

		p = LLVMBuildGEP2(B, cx->t_i8, p, &o, 1, "");
	}
	return p;
}

static LLVMValueRef instance_ptr(struct be_fn *fs, LLVMValueRef a, uint32_t va, uint64_t width,
				 uint64_t off, bool atomic, struct be_straddle *st)
{
	LLVMValueRef p;

	/* its traps say what it accessed (common/abi.h, trap_at) */
	be_trap_at(fs, W2B_REGION_MEMORY, LLVMBuildZExt(fs->cx->B, a, fs->cx->t_i64, ""), off,
		   (unsigned)width, fs->cx->mem_size);
	p = checked_instance_ptr(fs, a, va, width, off, atomic, st);
	be_trap_at(fs, W2B_REGION_NONE, NULL, 0, 0, 0);
	return p;
}

/* The pointer to the `width` bytes of instance memory load/store `in`
 * reaches, after its bounds check. NULL with *err 0: the access always
 * traps, and the trap has ended the block. A DISPATCH access comes here
 * for its instance side. */
LLVMValueRef be_instance_ptr(struct be_fn *fs, const struct ir_inst *in, unsigned width,
			     int *err)
{
	LLVMValueRef a;

	*err = 0;
	if (!check_mem(fs, in) || !(a = i32_operand(fs, in, in->a))) {
		*err = fs->bad ? 0 : -EINVAL;
		return NULL;
	}
	return instance_ptr(fs, a, in->a, width, in->u.mem.offset,
			    in->kind == IR_ATOMIC_RMW || in->kind == IR_ATOMIC_CMPXCHG, NULL);
}

/* The width bytes x a load `in` read, as its result type (signed loads
 * sign-extended). */
static LLVMValueRef widen_loaded(struct be_ctx *cx, const struct ir_inst *in, LLVMValueRef x)
{
	LLVMTypeRef rt = be_type(cx, in->type);

	if (LLVMTypeOf(x) == rt)
		return x;
	return in->flags & IR_F_SIGNED ? LLVMBuildSExt(cx->B, x, rt, "") :
		LLVMBuildZExt(cx->B, x, rt, "");
}

LLVMValueRef be_join_values(struct be_ctx *cx, LLVMValueRef *vals, LLVMBasicBlockRef *from,
			    unsigned n)
{
	LLVMValueRef phi;

	if (n == 1)
		return vals[0];
	phi = LLVMBuildPhi(cx->B, LLVMTypeOf(vals[0]), "");
	LLVMAddIncoming(phi, vals, from, n);
	return phi;
}

LLVMValueRef be_instance_access(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v,
				int *err)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	unsigned width = in->u.mem.width;
	LLVMTypeRef ty = LLVMIntTypeInContext(cx->C, 8 * width);
	LLVMBasicBlockRef join, from[2];
	LLVMValueRef a, p, x, vals[2];
	struct be_straddle st;
	unsigned n = 0;

	*err = 0;
	if (!check_mem(fs, in) || !(a = i32_operand(fs, in, in->a))) {
		*err = fs->bad ? 0 : -EINVAL;
		return NULL;
	}
	p = instance_ptr(fs, a, in->a, width, in->u.mem.offset, false, &st);
	if (!st.bb) {
		if (!p)
			return NULL;
		x = be_access_at(fs, in, p, v);
		return in->kind == IR_LOAD ? x : NULL;
	}
	/* a memory in blocks: the bytes may lie in two (emit_memory.c) */
	join = new_block(fs, "mem.done");
	if (p) {
		vals[n] = be_access_at(fs, in, p, v);
		from[n++] = LLVMGetInsertBlock(B);
		LLVMBuildBr(B, join);
	}
	LLVMPositionBuilderAtEnd(B, st.bb);
	if (in->kind == IR_STORE) {
		be_mem_scatter(cx, st.ea, width, LLVMBuildZExt(B, LLVMBuildTrunc(B, v, ty, ""),
							       cx->t_i64, ""));
	} else {
		vals[n] = widen_loaded(cx, in, LLVMBuildTrunc(B, be_mem_gather(cx, st.ea, width),
							      ty, ""));
	}
	from[n++] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, join);
	LLVMPositionBuilderAtEnd(B, join);
	return in->kind == IR_STORE ? NULL : be_join_values(cx, vals, from, n);
}

LLVMValueRef be_instance_span(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef a,
			      uint64_t size, int *err)
{
	*err = 0;
	if (!fs->cx->m->memory.present || LLVMTypeOf(a) != fs->cx->t_i32) {
		fn_ice(fs, in->offset, "a pointer argument without a memory, or not an i32");
		*err = -EINVAL;
		return NULL;
	}
	return instance_ptr(fs, a, IR_NOVAL, size, 0, false, NULL);
}

static bool valid_width(unsigned w)
{
	return w == 1 || w == 2 || w == 4 || w == 8;
}

/* The alignment of an access: the module's promise, at most natural. A
 * packet access is natural unless --strict-align (be_options): the verifier
 * allows it unaligned where the CPU does, and an 8-byte header read that
 * promises 1 would otherwise be eight byte loads. */
static unsigned access_align(const struct be_fn *fs, const struct ir_inst *in, unsigned width)
{
	unsigned log2w = (unsigned)__builtin_ctz(width);

	if (in->u.mem.region == IR_MEM_PACKET && !fs->cx->strict_align)
		return width;
	return 1u << (in->u.mem.align < log2w ? in->u.mem.align : log2w);
}

LLVMValueRef be_access_at(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef p,
			  LLVMValueRef v)
{
	struct be_ctx *cx = fs->cx;
	unsigned width = in->u.mem.width;
	LLVMTypeRef ty = LLVMIntTypeInContext(cx->C, 8 * width);
	LLVMValueRef x;

	if (in->kind == IR_STORE) {
		if (LLVMTypeOf(v) != ty)
			v = LLVMBuildTrunc(cx->B, v, ty, "");
		x = LLVMBuildStore(cx->B, v, p);
	} else {
		x = LLVMBuildLoad2(cx->B, ty, p, "");
	}
	LLVMSetAlignment(x, access_align(fs, in, width));
	return in->kind == IR_STORE ? x : widen_loaded(cx, in, x);
}

static LLVMValueRef access(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v, int *err);

/* IR_MEM_ANY: a map value of in's sites if the address is in
 * [IR_MAP_VALUE_BASE, IR_PACKET_BASE), else as DISPATCH (packet or
 * instance memory) in a function with the packet, instance memory in
 * one without. */
static LLVMValueRef access_any(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v,
			       int *err)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	struct ir_inst rest = *in, mv = *in;
	LLVMBasicBlockRef mv_bb = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "map_value");
	LLVMBasicBlockRef rest_bb = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "not_map_value");
	LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "access");
	LLVMBasicBlockRef from[2];
	LLVMValueRef a = be_val(fs, in->a), rel, vals[2], x;
	unsigned n = 0;

	if (fs->bad)
		return NULL;
	rel = LLVMBuildSub(B, a, LLVMConstInt(cx->t_i32, IR_MAP_VALUE_BASE, 0), "");
	LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntULT, rel,
					 LLVMConstInt(cx->t_i32, IR_PACKET_BASE - IR_MAP_VALUE_BASE, 0), ""),
			mv_bb, rest_bb);
	mv.u.mem.region = IR_MEM_MAP_VALUE;
	rest.u.mem.region = fs->pkt ? IR_MEM_DISPATCH : IR_MEM_INSTANCE;
	rest.u.mem.sites = 0;
	for (int k = 0; k < 2; k++) {
		LLVMPositionBuilderAtEnd(B, k ? rest_bb : mv_bb);
		x = access(fs, k ? &rest : &mv, v, err);
		if (*err)
			return NULL;
		if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(B))) {
			vals[n] = x;
			from[n++] = LLVMGetInsertBlock(B);
			LLVMBuildBr(B, join);
		}
	}
	LLVMPositionBuilderAtEnd(B, join);
	if (!n) {
		LLVMBuildUnreachable(B);
		return NULL;
	}
	return in->kind == IR_LOAD ? be_join_values(cx, vals, from, n) : NULL;
}

/* The access in the region(s) it reaches: loads give their value, stores
 * and accesses that always trap NULL (with *err 0). */
static LLVMValueRef access(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v, int *err)
{
	LLVMValueRef p;

	*err = 0;
	if (in->u.mem.region == IR_MEM_FRAME) {
		/* in the promoted frame: the pass proved it inside */
		LLVMValueRef at = be_val(fs, in->a);

		if (fs->bad || !fs->frame) {
			fn_ice(fs, in->offset, "frame access without a promoted frame");
			*err = -EINVAL;
			return NULL;
		}
		at = LLVMBuildAdd(fs->cx->B, at, LLVMConstInt(fs->cx->t_i32, in->u.mem.offset, 0), "");
		p = be_access_at(fs, in, be_frame_ptr(fs, at), v);
		return in->kind == IR_LOAD ? p : NULL;
	}
	if (in->u.mem.region == IR_MEM_ANY)
		return access_any(fs, in, v, err);
	if (in->u.mem.region == IR_MEM_PACKET || in->u.mem.region == IR_MEM_DISPATCH)
		return be_packet_access(fs, in, v, err);
	if (in->u.mem.region != IR_MEM_MAP_VALUE)
		return be_instance_access(fs, in, v, err);
	p = be_map_value_ptr(fs, in, in->u.mem.width, err);
	if (!p)
		return NULL;
	p = be_access_at(fs, in, p, v);
	return in->kind == IR_LOAD ? p : NULL;
}

static int emit_load(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	unsigned width = in->u.mem.width;
	LLVMValueRef v;
	int err;

	if (!valid_type(in->type) || !valid_width(width) ||
	    width * 8 > LLVMGetIntTypeWidth(be_type(cx, in->type))) {
		fn_ice(fs, in->offset, "load of %u bytes into %s", width, ir_type_name(in->type));
		return -EINVAL;
	}
	if (!(v = access(fs, in, NULL, &err)))
		return err;
	return def(fs, in, v);
}

static int emit_store(struct be_fn *fs, const struct ir_inst *in)
{
	unsigned width = in->u.mem.width;
	LLVMValueRef v = be_val(fs, in->b);
	int err;

	if (fs->bad)
		return 0;
	if (!valid_width(width) || width * 8 > LLVMGetIntTypeWidth(LLVMTypeOf(v))) {
		fn_ice(fs, in->offset, "store of %u bytes of a %u-bit value", width,
		       LLVMGetIntTypeWidth(LLVMTypeOf(v)));
		return -EINVAL;
	}
	access(fs, in, v, &err);
	return err;
}

/* The loops of a memory.copy (s, the source address, not NULL) or
 * memory.fill (fill, the i32 value) over the spans words (8 bytes a unit)
 * and bytes (the tail), their addresses and counts set: a copy with d > s
 * goes from the top (memmove). Ends in a branch to `end`. */
static int run_spans(struct be_fn *fs, struct be_span *words, struct be_span *bytes,
		     LLVMValueRef d, LLVMValueRef s, LLVMValueRef fill, LLVMBasicBlockRef end)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;

	if (s) {
		LLVMBasicBlockRef fwd = new_block(fs, "copy.fwd"), bwd = new_block(fs, "copy.bwd");

		LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntUGT, d, s, ""), bwd, fwd);
		LLVMPositionBuilderAtEnd(B, fwd);
		if (be_span_loop(cx, fs->alloca_b, &fs->span_slot, words) ||
		    be_span_loop(cx, fs->alloca_b, &fs->span_slot, bytes))
			return -EINVAL;
		LLVMBuildBr(B, end);
		LLVMPositionBuilderAtEnd(B, bwd);
		words->backward = bytes->backward = true;
		if (be_span_loop(cx, fs->alloca_b, &fs->span_slot, bytes) ||
		    be_span_loop(cx, fs->alloca_b, &fs->span_slot, words))
			return -EINVAL;
	} else {
		bytes->fill = LLVMBuildTrunc(B, fill, cx->t_i8, "");
		words->fill = LLVMBuildMul(B, LLVMBuildZExt(B, bytes->fill, cx->t_i64, ""),
					   LLVMConstInt(cx->t_i64, 0x0101010101010101ull, 0), "");
		if (be_span_loop(cx, fs->alloca_b, &fs->span_slot, words) ||
		    be_span_loop(cx, fs->alloca_b, &fs->span_slot, bytes))
			return -EINVAL;
	}
	LLVMBuildBr(B, end);
	return 0;
}

/* memory.copy/fill of a memory in blocks: in the hot block at fs->mem
 * when both spans are (the common case: a struct copy on the stack), else
 * by units that look up their blocks (emit_memory.c). */
static int block_copy_fill(struct be_fn *fs, LLVMValueRef d, LLVMValueRef s, LLVMValueRef n,
			   LLVMValueRef fill)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	LLVMValueRef hot = LLVMConstInt(cx->t_i64, cx->mem_hot, 0), in0, n8, whole, tail;
	LLVMValueRef fast = LLVMConstInt(cx->t_i64, (uint64_t)cx->mem_hot + cx->mem_fast, 0);
	LLVMBasicBlockRef blk0 = new_block(fs, "copy.hot"), other = new_block(fs, "copy.blocks");
	LLVMBasicBlockRef end = new_block(fs, "copy.done");
	struct be_span words, bytes;

	/* both spans inside the hot block [hot, fast) */
	in0 = LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntUGE, d, hot, ""),
			   LLVMBuildICmp(B, LLVMIntULE, LLVMBuildAdd(B, d, n, ""), fast, ""), "");
	if (s)
		in0 = LLVMBuildAnd(B, in0, LLVMBuildAnd(B, LLVMBuildICmp(B, LLVMIntUGE, s, hot, ""),
							LLVMBuildICmp(B, LLVMIntULE,
								      LLVMBuildAdd(B, s, n, ""),
								      fast, ""), ""), "");
	n8 = LLVMBuildLShr(B, n, LLVMConstInt(cx->t_i64, 3, 0), "");
	whole = LLVMBuildAnd(B, n, LLVMConstInt(cx->t_i64, ~7ull, 0), "");
	tail = LLVMBuildAnd(B, n, LLVMConstInt(cx->t_i64, 7, 0), "");
	LLVMBuildCondBr(B, in0, blk0, other);

	LLVMPositionBuilderAtEnd(B, blk0);
	words = (struct be_span){ .dbase = fs->mem, .dsize = cx->mem_fast,
				  .d = LLVMBuildSub(B, d, hot, ""), .cnt = n8, .w = 8 };
	if (s) {
		words.sbase = fs->mem;
		words.ssize = cx->mem_fast;
		words.s = LLVMBuildSub(B, s, hot, "");
	}
	bytes = words;
	bytes.d = LLVMBuildAdd(B, words.d, whole, "");
	bytes.s = s ? LLVMBuildAdd(B, words.s, whole, "") : NULL;
	bytes.cnt = tail;
	bytes.w = 1;
	if (run_spans(fs, &words, &bytes, d, s, fill, end))
		return -EINVAL;

	/* anywhere else: units that look up their blocks */
	LLVMPositionBuilderAtEnd(B, other);
	words = (struct be_span){ .dsize = cx->mem_size, .ssize = cx->mem_size, .d = d, .s = s,
				  .cnt = n8, .w = 8, .blocked = true };
	bytes = words;
	bytes.d = LLVMBuildAdd(B, d, whole, "");
	bytes.s = s ? LLVMBuildAdd(B, s, whole, "") : NULL;
	bytes.cnt = tail;
	bytes.w = 1;
	if (run_spans(fs, &words, &bytes, d, s, fill, end))
		return -EINVAL;
	LLVMPositionBuilderAtEnd(B, end);
	return 0;
}

/* memory.copy (a = dst, b = src, c = len) and memory.fill (b = value). */
static int emit_copy_fill(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	bool copy = in->kind == IR_MEMORY_COPY;
	LLVMValueRef a, b, c, d, s = NULL, n, n8, tail, whole, size;
	LLVMBasicBlockRef end;
	struct be_span words, bytes;

	if (!check_mem(fs, in))
		return -EINVAL;
	if (!(a = i32_operand(fs, in, in->a)) || !(b = i32_operand(fs, in, in->b)) ||
	    !(c = i32_operand(fs, in, in->c)))
		return fs->bad ? 0 : -EINVAL;
	/* the span checks, before anything is written (64-bit: no wrap) */
	size = LLVMConstInt(cx->t_i64, cx->mem_size, 0);
	d = LLVMBuildZExt(B, a, cx->t_i64, "");
	n = LLVMBuildZExt(B, c, cx->t_i64, "");
	trap_if(fs, LLVMBuildICmp(B, LLVMIntUGT, LLVMBuildAdd(B, d, n, ""), size, ""),
		W2B_TRAP_OOB_MEMORY);
	if (copy) {
		s = LLVMBuildZExt(B, b, cx->t_i64, "");
		trap_if(fs, LLVMBuildICmp(B, LLVMIntUGT, LLVMBuildAdd(B, s, n, ""), size, ""),
			W2B_TRAP_OOB_MEMORY);
	}
	if (!cx->mem_size)
		return 0;	/* then len is 0: nothing to do */
	if (cx->mem_in_map)
		return block_copy_fill(fs, d, s, n, b);

	/* words [0, n8), then the tail bytes [8 n8, n) */
	n8 = LLVMBuildLShr(B, n, LLVMConstInt(cx->t_i64, 3, 0), "");
	whole = LLVMBuildAnd(B, n, LLVMConstInt(cx->t_i64, ~7ull, 0), "");
	tail = LLVMBuildAnd(B, n, LLVMConstInt(cx->t_i64, 7, 0), "");
	words = (struct be_span){
		.dbase = fs->mem, .dsize = cx->mem_size, .d = d, .cnt = n8, .w = 8,
	};
	if (copy) {
		words.sbase = fs->mem;
		words.ssize = cx->mem_size;
		words.s = s;
	}
	bytes = words;
	bytes.d = LLVMBuildAdd(B, d, whole, "");
	bytes.s = copy ? LLVMBuildAdd(B, s, whole, "") : NULL;
	bytes.cnt = tail;
	bytes.w = 1;
	end = new_block(fs, "copy.end");
	if (run_spans(fs, &words, &bytes, d, s, b, end))
		return -EINVAL;
	LLVMPositionBuilderAtEnd(B, end);
	return 0;
}

static int emit_global(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_global *g;
	LLVMTypeRef ty;
	LLVMValueRef v;

	if (in->u.global >= cx->m->nglobals) {
		fn_ice(fs, in->offset, "global %u out of range", in->u.global);
		return -EINVAL;
	}
	g = &cx->m->globals[in->u.global];
	ty = be_type(cx, g->type);
	if (in->kind == IR_GLOBAL_SET) {
		v = be_val(fs, in->a);
		if (fs->bad)
			return 0;
		if (!g->mutable_ || LLVMTypeOf(v) != ty) {
			fn_ice(fs, in->offset, "global.set of %s global %u with a value of another type",
			       g->mutable_ ? "mutable" : "immutable", in->u.global);
			return -EINVAL;
		}
		be_store(cx, be_to_u64(cx, v),
			 be_env_slot(cx, fs->env, BE_ENV_GLOBALS, cx->global_slot[in->u.global]));
		return 0;
	}
	if (in->type != g->type) {
		fn_ice(fs, in->offset, "global.get of %s global %u into a %s",
		       ir_type_name(g->type), in->u.global, ir_type_name(in->type));
		return -EINVAL;
	}
	if (g->mutable_) {
		v = be_from_u64(cx, be_load(cx, cx->t_i64,
				    be_env_slot(cx, fs->env, BE_ENV_GLOBALS,
						cx->global_slot[in->u.global])), ty);
	} else if (cx->global_var[in->u.global]) {
		/* volatile, as clang reads a `const volatile` global: the
		 * value is the one in the .rodata map at load time */
		v = be_load(cx, ty, cx->global_var[in->u.global]);
		LLVMSetVolatile(v, 1);
	} else {
		v = LLVMConstInt(ty, (unsigned long long)g->init, 1);
	}
	return def(fs, in, v);
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
	case IR_HELPER_CALL:
		return be_emit_helper_call(fs, in);
	case IR_BR:
		if (!(l = label_of(fs, in, in->u.target)))
			return -EINVAL;
		LLVMBuildBr(B, edge_to(fs, l));
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
	case IR_LOAD:
		return emit_load(fs, in);
	case IR_STORE:
		return emit_store(fs, in);
	case IR_GLOBAL_GET:
	case IR_GLOBAL_SET:
		return emit_global(fs, in);
	case IR_MEMORY_COPY:
	case IR_MEMORY_FILL:
		return emit_copy_fill(fs, in);
	case IR_ATOMIC_RMW:
	case IR_ATOMIC_CMPXCHG:
		return be_emit_atomic(fs, in);
	case IR_CTX_GET:
	case IR_CTX_SET:
		return be_emit_ctx_field(fs, in);
	case IR_CORE:
		return be_emit_core(fs, in);
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
	struct be_loop *loop;		/* a loop's lowering state (emit_loops.c) */
	LLVMBasicBlockRef cont, else_bb;
};

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
		return be_open_loop(fs, in, l, &fr->cont, &fr->loop);
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
	fs->labels[s->u.scope.label->id].open = false;
	if (fr->loop) {
		be_close_loop(fs, fr->loop, fr->cont);
		return true;
	}
	if (!terminated(cx))
		LLVMBuildBr(cx->B, fr->cont);
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
		be_leave_iters(fs, 0);
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
	if (f->packet) {
		names[n] = "pkt";
		dt[n] = cx->di_pktp;
		pt[n++] = cx->t_ptr;
	}
	for (uint32_t i = 0; i < f->nparams; i++) {
		if (f->nparams > be_max_reg_params(cx, f) && i == be_spill_first(cx, f)) {
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
	be_fn_attr(cx, cx->fns[index], "nounwind");
	if (f->packet && !f->changes_packet) {
		/* Only read, never stored anywhere nor written through: LLVM
		 * may then keep data and data_end in registers across stores
		 * and calls (emit_packet.c; a function that changes the packet
		 * writes them back). */
		static const char *const attrs[] = { "noalias", "nocapture", "readonly" };

		for (unsigned k = 0; k < 3; k++) {
			unsigned kind = LLVMGetEnumAttributeKindForName(attrs[k], strlen(attrs[k]));

			/* attribute index 1 is the first parameter */
			LLVMAddAttributeAtIndex(cx->fns[index], cx->nfixed + 1,
						LLVMCreateEnumAttribute(cx->C, kind, 0));
		}
	}
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
	fs.defs = ir_vreg_defs(f);	/* NULL: no ranges known, still correct */
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
	if (cx->mem_size)
		fs.mem = be_env_slot(cx, fs.env, BE_ENV_MEMORY, 0);
	if (f->packet) {
		fs.pkt = LLVMGetParam(fs.fn, cx->nfixed);
		be_packet_setup(&fs);
	}
	if (f->nparams > be_max_reg_params(cx, f))
		spill = LLVMGetParam(fs.fn, be_spill_first(cx, f) + be_nfixed(cx, f));

	/* locals: params from the arguments, the rest zero; those a loop
	 * body carries in the loop state, as a whole u64 */
	if ((err = be_loops_setup(&fs)))
		goto out;
	for (uint32_t i = 0; i < f->nlocals; i++) {
		LLVMTypeRef ty = be_type(cx, f->local_types[i]);
		LLVMValueRef v, carried = be_loop_local(&fs, i);

		/* 8-aligned even for an i32: the verifier tracks a scalar
		 * spilled to the stack only at an 8-aligned slot, and at -O0,
		 * where locals stay in memory, a loop counter it cannot track
		 * makes a plain loop unverifiable. */
		if (!(fs.locals[i] = carried)) {
			fs.locals[i] = LLVMBuildAlloca(cx->B, ty, "");
			LLVMSetAlignment(fs.locals[i], 8);
		}
		if (i >= f->nparams) {
			v = LLVMConstNull(ty);
		} else if (!spill || i < be_spill_first(cx, f)) {
			v = LLVMGetParam(fs.fn, i + be_nfixed(cx, f));
		} else {
			LLVMValueRef ix = LLVMConstInt(cx->t_i64, i - be_spill_first(cx, f), 0);

			v = be_from_u64(cx, be_load(cx, cx->t_i64,
					      LLVMBuildInBoundsGEP2(cx->B, cx->t_i64, spill,
								    &ix, 1, "")), ty);
		}
		if (carried && i >= f->nparams)
			/* volatile: LLVM would merge a run of zeroed slots of
			 * the env into a memset call, which the BPF backend
			 * cannot emit past a small size */
			LLVMSetVolatile(be_store(cx, be_to_u64(cx, v), fs.locals[i]), 1);
		else if (carried)
			be_store(cx, be_to_u64(cx, v), fs.locals[i]);
		else
			be_store(cx, v, fs.locals[i]);
	}
	if (f->frame_size) {
		/* the promoted frame (ir/promote_frames.c), zeroed: the
		 * verifier of older kernels refuses a read of stack never
		 * written, and a helper reads a key whole */
		fs.frame = LLVMBuildAlloca(cx->B, LLVMArrayType(cx->t_i8, f->frame_size), "frame");
		LLVMSetAlignment(fs.frame, 8);
		LLVMBuildMemSet(cx->B, fs.frame, LLVMConstInt(cx->t_i8, 0, 0),
				LLVMConstInt(cx->t_i64, f->frame_size, 0), 8);
	}
	fs.windows = calloc(f->nsites + 1, sizeof(*fs.windows));
	if (!fs.windows) {
		err = -ENOMEM;
		goto out;
	}
	be_maps_setup(&fs);
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
	free(fs.defs);
	free(fs.labels);
	free(fs.iters);
	free(fs.slots);
	free(fs.windows);
	free(fs.lfield);
	return err;
}
