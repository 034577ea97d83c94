/*
 * emit_packet.c — the packet, read and written in place.
 *
 * A packet entry (ir_prog_info[kind].packet: XDP, TC, cgroup_skb, socket) hands
 * its Wasm function `pkt` = IR_PACKET_BASE and `len`: the packet is the
 * Wasm addresses [IR_PACKET_BASE, IR_PACKET_BASE + len), above any
 * instance memory, and ir_lower_memory() has classified every access by
 * the addresses that may reach it (PACKET, or DISPATCH when both regions
 * may). In the kernel the packet is the bytes between two pointers the
 * context holds, `data` and `data_end`, and the verifier accepts an access
 * only through a pointer derived from `data` that a compare against
 * `data_end` has proven in range. So those two pointers must reach every
 * function that touches the packet.
 *
 * Passing them. The entry wrapper (emit_entry.c) stores them in a
 * struct w2b_packet { data; data_end; ctx; } on its stack (ctx only for
 * socket filters, which read by copies: packet_copy()), and every function
 * with ir_func.packet takes a pointer to it as one more fixed argument
 * (after the env and the memory base), passing it on to the packet
 * functions it calls. One argument rather than two: BPF has five argument
 * registers, and the env, the memory base and two pointers would leave a
 * Wasm function one register for its own parameters (the entry's pkt and
 * len would already spill). The verifier follows pointers spilled to a
 * caller's stack, the packet's included, so a callee that loads data from
 * there gets the packet pointer back, range and all. Each function loads
 * both once, in its entry block; the argument is noalias, nocapture and
 * readonly, so that LLVM may keep them in registers across stores and
 * helper calls. Once a function is inlined into the wrapper, the struct
 * is an alloca SROA removes and the pointers are plain registers.
 *
 * Helpers that move the packet (helpers.def's EFFECT PACKET:
 * skb_store_bytes, the csum_replace pair, skb_change_*, xdp_adjust_*)
 * make the verifier forget every packet pointer, in every frame, spilled
 * ones included. A function that calls one, or calls what does
 * (ir_func.changes_packet), therefore loads data and data_end from the
 * struct at each use instead (LLVM keeps a load until something may have
 * written the struct), takes the struct writable, and after such a
 * helper loads both afresh from the context and stores them into the
 * struct (be_packet_reload()), where its callers and its loop bodies find
 * them. A loop body made a global function builds a struct of its own
 * from the context (be_refind_run()), so after it the enclosing function
 * reloads from the context too.
 *
 * An access of w bytes at Wasm address a with memarg offset o reaches
 * packet offset x = zext(a - IR_PACKET_BASE) + o: the address says which
 * region it points into (ir.h), the memarg offset is added to the offset
 * in the region, in 64 bits so that it never wraps (as for instance
 * memory: no Wasm access wraps around). An address below IR_PACKET_BASE
 * gives an x of 2^31 or more, out of any packet. The subtraction is
 * 32-bit on purpose: an address pkt + k (pkt = IR_PACKET_BASE once a
 * function is inlined into its entry) then folds to k, where the 64-bit
 * zext(a) - IR_PACKET_BASE would cost a sign extension. The code is the
 * shape the facts (ebpf-codegen-facts §8) found the verifier to accept:
 *
 *     x = zext(a - IR_PACKET_BASE) + o
 *     if (x > 0xffff - w) trap OOB           the verifier's clamp
 *     p = data + x
 *     if (p + w > data_end) trap OOB         the packet's real bound
 *     load/store w bytes at p
 *
 * The clamp is not a Wasm rule but the verifier's: it accepts a compare
 * against data_end as a proof of range only for a pointer whose variable
 * offset is at most MAX_PACKET_OFF (0xffff) - w. So in a packet longer
 * than 64 KiB (a GSO skb, once TC has pulled it linear) the bytes past
 * 0xffff - w cannot be reached and trap as out of bounds; at any MTU a
 * packet is far shorter. As for instance memory (emit_function.c), x goes
 * through be_opaque(): LLVM must check and add the very register the
 * verifier sees checked, not rewrite the clamp in terms of a or split the
 * constant off into the pointer (data - 2^31 is a pointer the verifier
 * refuses outright). The price is that LLVM cannot fold a check on a
 * constant offset either, and after inlining most header reads are at
 * constant offsets (pkt is IR_PACKET_BASE in the entry): so the barrier
 * carries a metadata tag, and after the optimisation pipeline
 * be_fold_constant_checks() replaces each tagged barrier whose operand became a
 * constant by the constant and runs instsimplify and simplifycfg again,
 * which drop the clamp and its trap path. A constant cannot be checked in
 * one register and added from another, so nothing is lost for the
 * verifier; a fixed-offset byte read is then the pointer compare and the
 * load. The load is as the module's alignment hint says:
 * packets promise no alignment, and the JITs handle unaligned accesses.
 *
 * DISPATCH. `if (a >= IR_PACKET_BASE)` the packet path above, else the
 * instance path (emit_function.c's, the same as an INSTANCE access): as
 * for x, the address decides, so a DISPATCH access agrees with a PACKET
 * or an INSTANCE one on every address. LLVM merges the two sides' loads
 * into one, through a phi of the packet pointer and the map value pointer
 * (seen at -O2). The verifier accepts that: it follows each path with its
 * own pointer type, and insists on one type per instruction only for
 * pointers whose accesses it rewrites (context, sockets, BTF objects).
 *
 * Read-only packets. cgroup_skb programs may read the packet but not
 * write it; a store that may reach the packet in code such an entry
 * reaches is refused before anything is emitted (for now an internal
 * error: the frontend is to refuse it with its location).
 *
 * Non-linear packets (TC): the entry pulls the whole packet into the
 * linear area first (emit_entry.c), so data..data_end is all of it.
 */
#include "backend-bpf/emit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Transforms/PassBuilder.h>

#include "common/trap_kinds.h"

/* Marks a barrier that may go once its operand is a constant (metadata
 * kind): packet offsets here, memory and map value indexes in
 * be_checked_ptr(). */
#define BE_FOLD_MD "w2b.fold"

void be_mark_foldable(struct be_ctx *cx, LLVMValueRef barrier)
{
	LLVMValueRef fold = LLVMMetadataAsValue(cx->C, LLVMMDNodeInContext2(cx->C, NULL, 0));

	if (LLVMIsACallInst(barrier) || LLVMIsACallBrInst(barrier))
		LLVMSetMetadata(barrier, LLVMGetMDKindIDInContext(cx->C, BE_FOLD_MD,
								  strlen(BE_FOLD_MD)), fold);
}

LLVMTypeRef be_packet_type(struct be_ctx *cx)
{
	if (!cx->pkt_ty) {
		LLVMTypeRef f[3] = { cx->t_ptr, cx->t_ptr, cx->t_ptr };

		cx->pkt_ty = LLVMStructTypeInContext(cx->C, f, 3, 0);
	}
	return cx->pkt_ty;
}

void be_packet_setup(struct be_fn *fs)
{
	struct be_ctx *cx = fs->cx;
	LLVMTypeRef ty = be_packet_type(cx);
	LLVMValueRef p;

	/* the builder is in the entry block: these dominate the body */
	if (fs->f->ctx || fs->f->load_bytes || fs->f->beyond_linear) {
		p = LLVMBuildStructGEP2(cx->B, ty, fs->pkt, 2, "");
		fs->pkt_ctx = LLVMBuildLoad2(cx->B, cx->t_ptr, p, "ctx");
		LLVMSetAlignment(fs->pkt_ctx, 8);
	}
	if (fs->f->load_bytes || fs->f->changes_packet)
		return;	/* changes_packet: loaded at each use (pkt_data()) */
	p = LLVMBuildStructGEP2(cx->B, ty, fs->pkt, 0, "");
	fs->pkt_data = LLVMBuildLoad2(cx->B, cx->t_ptr, p, "data");
	LLVMSetAlignment(fs->pkt_data, 8);
	p = LLVMBuildStructGEP2(cx->B, ty, fs->pkt, 1, "");
	fs->pkt_end = LLVMBuildLoad2(cx->B, cx->t_ptr, p, "data_end");
	LLVMSetAlignment(fs->pkt_end, 8);
}

/* The packet's data (field 0) or data_end (1): the values loaded in the
 * entry block, or in a function that changes the packet a load of the
 * struct here (the essay above). */
static LLVMValueRef pkt_field(struct be_fn *fs, unsigned k)
{
	struct be_ctx *cx = fs->cx;
	LLVMValueRef v = k ? fs->pkt_end : fs->pkt_data;

	if (v)
		return v;
	v = LLVMBuildLoad2(cx->B, cx->t_ptr, LLVMBuildStructGEP2(cx->B, be_packet_type(cx), fs->pkt, k, ""),
			   k ? "data_end" : "data");
	LLVMSetAlignment(v, 8);
	return v;
}

void be_packet_reload(struct be_fn *fs, enum ir_prog_kind kind)
{
	struct be_ctx *cx = fs->cx;
	LLVMTypeRef ty = be_packet_type(cx);
	struct be_packet_ctx pc;
	unsigned off[2];

	if (!fs->pkt || !fs->pkt_ctx || fs->f->load_bytes || !be_packet_ctx(kind, &pc))
		return;
	off[0] = pc.data;
	off[1] = pc.data_end;
	for (unsigned k = 0; k < 2; k++)
		LLVMSetAlignment(LLVMBuildStore(cx->B, be_packet_field(cx, fs->pkt_ctx, off[k]),
						LLVMBuildStructGEP2(cx->B, ty, fs->pkt, k, "")), 8);
}

/* The packet offset x of a w-byte access, clamped as the verifier needs
 * it (the essay above): traps past BE_MAX_PACKET_OFF - w. */
static LLVMValueRef packet_offset(struct be_fn *fs, LLVMValueRef x, unsigned w)
{
	struct be_ctx *cx = fs->cx;

	/* LLVM folds the base into a's own constants (pkt + i - 1 is
	 * i + 0x7fffffff), which the verifier links to i with that delta and
	 * then refuses in pointer arithmetic: be_unlinked(). Both asms and
	 * the check (an asm goto) carry the fold mark: be_fold_constant_checks()
	 * drops the first once its operand became a constant, then the
	 * second, then makes the check a branch on a constant. */
	x = be_unlinked(cx, x);
	be_mark_foldable(cx, x);
	x = be_opaque_here(cx, x);
	be_mark_foldable(cx, x);
	/* the clamp defines the x the pointer is formed from: the register
	 * the verifier saw checked (be_checked_index()) */
	x = be_checked_index(fs, x, BE_MAX_PACKET_OFF - w, W2B_TRAP_OOB_MEMORY);
	be_mark_foldable(cx, x);
	return x;
}

static LLVMValueRef packet_ptr(struct be_fn *fs, LLVMValueRef x, unsigned w)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	LLVMValueRef wv = LLVMConstInt(cx->t_i64, w, 0), p, end;

	/* its traps say what it accessed (common/abi.h, trap_at): the
	 * packet's length is not a number the program may compute */
	be_trap_at(fs, W2B_REGION_PACKET, x, 0, w, 0);
	x = packet_offset(fs, x, w);
	p = LLVMBuildGEP2(B, cx->t_i8, pkt_field(fs, 0), &x, 1, "");
	end = LLVMBuildGEP2(B, cx->t_i8, p, &wv, 1, "");
	be_trap_if(fs, LLVMBuildICmp(B, LLVMIntUGT, end, pkt_field(fs, 1), ""), W2B_TRAP_OOB_MEMORY);
	be_trap_at(fs, W2B_REGION_NONE, NULL, 0, 0, 0);
	return p;
}

/* A socket filter's read: bpf_skb_load_bytes(ctx, x, slot, w) into an
 * 8-byte stack slot, trapping if the packet is shorter, then the load
 * from the slot. */
static LLVMValueRef packet_copy(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef x)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	unsigned w = in->u.mem.width;
	LLVMTypeRef pt[4] = { cx->t_ptr, cx->t_i64, cx->t_ptr, cx->t_i64 };
	LLVMValueRef args[4], r;

	if (!fs->pkt_buf) {
		fs->pkt_buf = LLVMBuildAlloca(fs->alloca_b, cx->t_i64, "pkt.copy");
		LLVMSetAlignment(fs->pkt_buf, 8);
	}
	be_trap_at(fs, W2B_REGION_PACKET, x, 0, w, 0);
	be_trap_if(fs, LLVMBuildICmp(B, LLVMIntUGT, x, LLVMConstInt(cx->t_i64, UINT32_MAX - w, 0), ""),
		   W2B_TRAP_OOB_MEMORY);
	args[0] = fs->pkt_ctx;
	args[1] = x;
	args[2] = fs->pkt_buf;
	args[3] = LLVMConstInt(cx->t_i64, w, 0);
	r = be_call_helper(cx, BE_HELPER_SKB_LOAD_BYTES, LLVMFunctionType(cx->t_i64, pt, 4, 0),
			   args, 4);
	be_trap_if(fs, LLVMBuildICmp(B, LLVMIntNE, r, LLVMConstInt(cx->t_i64, 0, 0), ""),
		   W2B_TRAP_OOB_MEMORY);
	be_trap_at(fs, W2B_REGION_NONE, NULL, 0, 0, 0);
	return be_access_at(fs, in, fs->pkt_buf, NULL);
}

/* The packet side of an access at packet offset x: in place, or for a
 * socket filter a copy (loads only: ir_lower_memory() refused stores). */
/* A cgroup_skb read: in place when the bytes are in the linear part
 * (data..data_end), else a copy (bpf_skb_load_bytes reads the fragments
 * too): cgroup_skb programs may not pull the skb linear as TC entries do. */
static LLVMValueRef packet_read_beyond_linear(struct be_fn *fs, const struct ir_inst *in,
					      LLVMValueRef x)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	unsigned w = in->u.mem.width;
	LLVMValueRef wv = LLVMConstInt(cx->t_i64, w, 0), p, end, vals[2];
	LLVMBasicBlockRef linear, copy, join, from[2];

	x = packet_offset(fs, x, w);
	p = LLVMBuildGEP2(B, cx->t_i8, pkt_field(fs, 0), &x, 1, "");
	end = LLVMBuildGEP2(B, cx->t_i8, p, &wv, 1, "");
	linear = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "linear");
	copy = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "fragment");
	join = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "read");
	LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntUGT, end, pkt_field(fs, 1), ""), copy, linear);
	LLVMPositionBuilderAtEnd(B, linear);
	vals[0] = be_access_at(fs, in, p, NULL);
	from[0] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, join);
	LLVMPositionBuilderAtEnd(B, copy);
	vals[1] = packet_copy(fs, in, x);
	from[1] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, join);
	LLVMPositionBuilderAtEnd(B, join);
	return be_join_values(cx, vals, from, 2);
}

static LLVMValueRef packet_side(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef x,
				LLVMValueRef v, int *err)
{
	if (fs->f->beyond_linear && in->kind == IR_LOAD)
		return packet_read_beyond_linear(fs, in, x);
	if (!fs->f->load_bytes)
		return be_access_at(fs, in, packet_ptr(fs, x, in->u.mem.width), v);
	if (in->kind != IR_LOAD) {
		be_fn_ice(fs, in->offset, "a store to a read-only packet");
		*err = -EINVAL;
		return NULL;
	}
	return packet_copy(fs, in, x);
}

LLVMValueRef be_packet_access(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v,
			      int *err)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	LLVMBasicBlockRef pkt_bb, inst_bb, join, from[2];
	LLVMValueRef a, x, p, vals[2];
	unsigned n = 0;

	*err = 0;
	if (!fs->pkt) {
		be_fn_ice(fs, in->offset, "packet access in a function without the packet");
		*err = -EINVAL;
		return NULL;
	}
	a = be_val(fs, in->a);
	if (fs->bad)
		return NULL;
	if (LLVMTypeOf(a) != cx->t_i32) {
		be_fn_ice(fs, in->offset, "memory operand %%%u is not an i32", in->a);
		*err = -EINVAL;
		return NULL;
	}
	/* x = zext(a - IR_PACKET_BASE) + offset */
	x = LLVMBuildZExt(B, LLVMBuildSub(B, a, LLVMConstInt(cx->t_i32, IR_PACKET_BASE, 0), ""),
			  cx->t_i64, "");
	if (in->u.mem.offset)
		x = LLVMBuildAdd(B, x, LLVMConstInt(cx->t_i64, in->u.mem.offset, 0), "");
	if (in->u.mem.region == IR_MEM_PACKET) {
		p = packet_side(fs, in, x, v, err);
		return in->kind == IR_LOAD ? p : NULL;
	}

	/* DISPATCH: a >= IR_PACKET_BASE is the packet */
	pkt_bb = LLVMAppendBasicBlockInContext(cx->C, LLVMGetBasicBlockParent(LLVMGetInsertBlock(B)),
					       "packet");
	inst_bb = LLVMAppendBasicBlockInContext(cx->C, LLVMGetBasicBlockParent(pkt_bb), "instance");
	join = LLVMAppendBasicBlockInContext(cx->C, LLVMGetBasicBlockParent(pkt_bb), "access");
	LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntUGE, a,
					 LLVMConstInt(cx->t_i32, IR_PACKET_BASE, 0), ""),
			pkt_bb, inst_bb);

	LLVMPositionBuilderAtEnd(B, pkt_bb);
	if (!(vals[n] = packet_side(fs, in, x, v, err)) && *err)
		return NULL;
	from[n++] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, join);

	LLVMPositionBuilderAtEnd(B, inst_bb);
	p = be_instance_access(fs, in, v, err);
	if (*err)
		return NULL;
	if (!LLVMGetBasicBlockTerminator(LLVMGetInsertBlock(B))) {
		vals[n] = p;
		from[n++] = LLVMGetInsertBlock(B);
		LLVMBuildBr(B, join);
	}

	LLVMPositionBuilderAtEnd(B, join);
	return in->kind == IR_STORE ? NULL : be_join_values(cx, vals, from, n);
}

/* --- constant offsets ------------------------------------------------------ */

/* The check of be_checked_index() on a constant x: a branch on the
 * constant in its place, to the same two blocks (so their phis stay
 * right); simplifycfg then drops the one not taken. */
static void fold_check(struct be_ctx *cx, LLVMValueRef check, LLVMValueRef x)
{
	LLVMValueRef limit = LLVMGetOperand(check, 1);
	bool in_bounds = LLVMConstIntGetZExtValue(x) <= LLVMConstIntGetZExtValue(limit);
	LLVMBuilderRef B = LLVMCreateBuilderInContext(cx->C);

	LLVMPositionBuilderBefore(B, check);
	LLVMBuildCondBr(B, LLVMConstInt(LLVMInt1TypeInContext(cx->C), in_bounds, 0),
			LLVMGetCallBrDefaultDest(check), LLVMGetCallBrIndirectDest(check, 0));
	LLVMDisposeBuilder(B);
}

/* A pointer a constant distance from its base: what a checked pointer's
 * barrier holds once the index folded. */
static bool constant_gep(LLVMValueRef x)
{
	unsigned n;

	if (!LLVMIsAGetElementPtrInst(x))
		return false;
	n = (unsigned)LLVMGetNumOperands(x);
	for (unsigned k = 1; k < n; k++)
		if (!LLVMIsAConstantInt(LLVMGetOperand(x, k)))
			return false;
	return true;
}

/* One sweep: replaces each fold-marked barrier whose operand is a
 * constant (or a pointer a constant distance from its base) by its
 * operand. True if it replaced any. */
static bool fold_constant_barriers(struct be_ctx *cx, unsigned kind)
{
	bool changed = false;

	for (LLVMValueRef fn = LLVMGetFirstFunction(cx->M); fn; fn = LLVMGetNextFunction(fn))
		for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb;
		     bb = LLVMGetNextBasicBlock(bb)) {
			LLVMValueRef i = LLVMGetFirstInstruction(bb), next;

			for (; i; i = next) {
				LLVMValueRef x;

				next = LLVMGetNextInstruction(i);
				if (!(LLVMIsACallInst(i) || LLVMIsACallBrInst(i)) || !LLVMGetMetadata(i, kind))
					continue;
				x = LLVMGetOperand(i, 0);
				if (!LLVMIsAConstantInt(x) && !constant_gep(x))
					continue;
				if (LLVMIsACallBrInst(i))
					fold_check(cx, i, x);
				LLVMReplaceAllUsesWith(i, x);
				LLVMInstructionEraseFromParent(i);
				changed = true;
			}
		}
	return changed;
}

int be_fold_constant_checks(struct be_ctx *cx)
{
	unsigned kind = LLVMGetMDKindIDInContext(cx->C, BE_FOLD_MD, strlen(BE_FOLD_MD));
	LLVMPassBuilderOptionsRef po;
	LLVMErrorRef e;
	bool changed = false;

	/* a chain of barriers may span blocks in any order: sweep until
	 * none is left with a constant operand */
	while (fold_constant_barriers(cx, kind))
		changed = true;
	if (!changed)
		return 0;
	/* The compares of constants fold, then the branches on them and
	 * the trap paths they leave dead. instsimplify only ever replaces an
	 * instruction by a value that exists: this runs after the BPF
	 * target's last IR adjustments (BPFAdjustOpt), and must not undo
	 * them, as a new round of instcombine might. */
	po = LLVMCreatePassBuilderOptions();
	e = LLVMRunPasses(cx->M, "function(instsimplify,simplifycfg)", cx->TM, po);
	LLVMDisposePassBuilderOptions(po);
	if (e) {
		char *msg = LLVMGetErrorMessage(e);

		diag_ice(cx->d, "LLVM folding of constant checks failed: %s", msg);
		LLVMDisposeErrorMessage(msg);
		return -EINVAL;
	}
	return 0;
}

/* --- context fields ----------------------------------------------------------- */

int be_emit_ctx_field(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	LLVMValueRef p, v;

	if (!fs->pkt || !fs->pkt_ctx || in->u.ctx.offset == IR_NOVAL) {
		be_fn_ice(fs, in->offset, "context field access without the context");
		return -EINVAL;
	}
	/* *(u32 *)(ctx + off), which the verifier rewrites into the kernel's
	 * access of the field */
	p = be_ctx_ptr(cx, fs->pkt_ctx, in->u.ctx.offset);
	if (in->kind == IR_CTX_SET) {
		v = be_val(fs, in->a);
		if (fs->bad)
			return 0;
		be_store(cx, v, p);
		return 0;
	}
	return be_def(fs, in, be_load(cx, cx->t_i32, p));
}
