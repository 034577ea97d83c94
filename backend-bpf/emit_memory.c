/*
 * emit_memory.c — a linear memory too large for the env value: the blocks
 * of W2B_MEMORY_MAP.
 *
 * A per-CPU map value holds at most 32 KiB (the kernel's
 * PCPU_MIN_UNIT_SIZE), and only a per-CPU map is sized by the kernel for
 * the machine's possible CPUs: an ARRAY keyed by CPU id needs its
 * max_entries fixed in the object, which a plain `bpftool prog load`
 * keeps (256 copies of the memory where the machine has 2 CPUs). So a
 * memory that does not fit in the env value is a PERCPU_ARRAY of
 * BE_MEM_BLOCK-byte blocks: block k of a CPU holds its Wasm addresses
 * [k * 32 KiB, (k + 1) * 32 KiB).
 *
 * Where an access goes:
 *   fast      block 0, which the entry looks up once per run and every
 *             function gets as its memory base (fs->mem), as it gets an
 *             env memory: an access that ends at or below 32 KiB is the
 *             checked access of emit_function.c's essay, one compare more
 *             than none.
 *   slow      any other access in bounds: its block looked up (a helper
 *             call, which kernels from 6.10 inline for per-CPU arrays),
 *             then the access inside the block. The bounds check of the
 *             whole memory is here only: the fast path never needs it.
 *   straddle  an access whose bytes lie in two blocks (unaligned, across
 *             a multiple of 32 KiB): the global functions w2b_mem_gather
 *             and w2b_mem_scatter, byte by byte. A global function is
 *             verified once per program, not once per call site.
 * A helper's memory argument (a map key, an output buffer) must be one
 * kernel pointer: one that straddles two blocks traps, code span_split
 * (docs/abi.md). memory.copy and memory.fill inside block 0 are the env
 * memory's loops; any other is a loop whose units look up their blocks
 * (be_span_loop(), `blocked`): a loop of segments, one per block, cost
 * the 6.18 verifier 500,000 instructions for a 128 KiB memory.
 *
 * Measured (bench/, 6.18): an access below 32 KiB costs what an access
 * to an env memory costs; the recipes in docs/sdk.md keep a module's
 * stack and data there.
 */
#include "backend-bpf/emit.h"

#include <errno.h>

#include "common/abi.h"

/* The i32 slot for block keys in the LLVM function being emitted: one
 * per function, since a slot per access would fill the 512-byte stack. */
static LLVMValueRef key_slot(struct be_fn *fs)
{
	if (!fs->key_slot || fs->key_fn != fs->fn) {
		fs->key_slot = LLVMBuildAlloca(fs->alloca_b, fs->cx->t_i32, "block");
		LLVMSetAlignment(fs->key_slot, 4);
		fs->key_fn = fs->fn;
	}
	return fs->key_slot;
}

LLVMValueRef be_lookup_block(struct be_ctx *cx, LLVMValueRef slot, LLVMValueRef k)
{
	LLVMTypeRef pt[2] = { cx->t_ptr, cx->t_ptr };
	LLVMValueRef args[2] = { cx->mem_map, slot };

	be_store(cx, k, slot);
	return be_call_helper(cx, BE_HELPER_MAP_LOOKUP_ELEM, LLVMFunctionType(cx->t_ptr, pt, 2, 0),
			      args, 2);
}

LLVMValueRef be_mem_block(struct be_fn *fs, LLVMValueRef k)
{
	struct be_ctx *cx = fs->cx;
	LLVMValueRef p = be_lookup_block(cx, key_slot(fs), k);

	/* never taken: the caller checked the address against the memory
	 * size, and every block below it exists */
	be_trap_if(fs, LLVMBuildIsNull(cx->B, p, ""), W2B_TRAP_INTERNAL);
	return p;
}

static LLVMValueRef i64c(struct be_ctx *cx, uint64_t v)
{
	return LLVMConstInt(cx->t_i64, v, 0);
}

LLVMValueRef be_block_ptr(struct be_fn *fs, LLVMValueRef a, uint64_t width, uint64_t off,
			  bool atomic, struct be_straddle *st)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	uint64_t size = cx->mem_size, fast = cx->mem_fast;
	LLVMBasicBlockRef slow, join, straddle, from[2];
	LLVMValueRef x, ea, k, w, p[2], phi;
	unsigned n = 0;

	if (st)
		*st = (struct be_straddle){ NULL, NULL };
	if (LLVMIsAConstantInt(a)) {
		uint64_t c = (uint32_t)LLVMConstIntGetZExtValue(a) + off;

		if (c > size - width) {
			be_trap_exit(fs, W2B_TRAP_OOB_MEMORY);
			return NULL;
		}
		if (atomic && c & (width - 1)) {
			be_trap_exit(fs, W2B_TRAP_UNALIGNED_ATOMIC);
			return NULL;
		}
		if (c + width <= fast)
			return LLVMBuildGEP2(B, cx->t_i8, fs->mem, (LLVMValueRef[]){ i64c(cx, c) }, 1,
					     "");
		if (c % BE_MEM_BLOCK + width > BE_MEM_BLOCK) {
			if (!st) {
				be_trap_exit(fs, W2B_TRAP_SPAN_SPLIT);
				return NULL;
			}
			st->bb = LLVMGetInsertBlock(B);
			st->ea = i64c(cx, c);
			return NULL;
		}
		x = be_mem_block(fs, LLVMConstInt(cx->t_i32, c / BE_MEM_BLOCK, 0));
		return LLVMBuildGEP2(B, cx->t_i8, x, (LLVMValueRef[]){ i64c(cx, c % BE_MEM_BLOCK) },
				     1, "");
	}

	slow = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "mem.block");
	join = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "mem.at");
	x = LLVMBuildZExt(B, a, cx->t_i64, "");
	if (atomic) {
		/* the whole check and the alignment first (be_checked_ptr()
		 * says why), then the blocks see an aligned address, which
		 * never straddles */
		x = be_opaque_here(cx, LLVMBuildAdd(B, x, i64c(cx, off), ""));
		x = be_checked_index(fs, x, size - width, W2B_TRAP_OOB_MEMORY);
		x = be_aligned(fs, x, width);
		off = 0;
	}
	x = be_opaque_here(cx, x);
	if (fast >= width + off) {
		LLVMValueRef xf = be_checked_index_to(fs, x, fast - width - off, slow);

		p[n] = be_opaque_here(cx, LLVMBuildGEP2(B, cx->t_i8, fs->mem, &xf, 1, ""));
		if (off)
			p[n] = LLVMBuildGEP2(B, cx->t_i8, p[n], (LLVMValueRef[]){ i64c(cx, off) }, 1,
					     "");
		from[n++] = LLVMGetInsertBlock(B);
		LLVMBuildBr(B, join);
	} else {
		LLVMBuildBr(B, slow);
	}

	LLVMPositionBuilderAtEnd(B, slow);
	ea = off ? LLVMBuildAdd(B, x, i64c(cx, off), "") : x;
	if (!atomic)
		ea = be_checked_index(fs, be_opaque_here(cx, ea), size - width,
				      W2B_TRAP_OOB_MEMORY);
	k = LLVMBuildTrunc(B, LLVMBuildLShr(B, ea, i64c(cx, BE_MEM_BLOCK_SHIFT), ""), cx->t_i32,
			   "");
	w = be_opaque_here(cx, LLVMBuildAnd(B, ea, i64c(cx, BE_MEM_BLOCK - 1), ""));
	straddle = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "mem.straddle");
	w = be_checked_index_to(fs, w, BE_MEM_BLOCK - width, straddle);
	p[n] = be_opaque_here(cx, LLVMBuildGEP2(B, cx->t_i8, be_mem_block(fs, k), &w, 1, ""));
	from[n++] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, join);

	if (st) {
		st->bb = straddle;
		st->ea = ea;
	} else {
		/* an atomic never gets here (aligned); a helper argument
		 * must be one pointer */
		LLVMPositionBuilderAtEnd(B, straddle);
		be_trap_exit(fs, W2B_TRAP_SPAN_SPLIT);
	}
	LLVMPositionBuilderAtEnd(B, join);
	if (n == 1)
		return p[0];
	phi = LLVMBuildPhi(B, cx->t_ptr, "");
	LLVMAddIncoming(phi, p, from, n);
	return phi;
}

/* --- straddling accesses ---------------------------------------------------- */

/*
 * u64 w2b_mem_gather(u64 ea, u64 width): the width (<= 8) bytes at Wasm
 * address ea, little-endian, which straddle blocks k = ea / 32 KiB and
 * k + 1; u64 w2b_mem_scatter(u64 ea, u64 width, u64 v) stores them (and
 * returns 0: a global function returns a scalar). Both work on the last
 * word of block k and the first of block k + 1, the bytes at 8s.. of the
 * 16 (s = ea % 32 KiB - (32 KiB - 8), 1..7): a funnel shift, and for a
 * store a masked read-modify-write of both words. Straight-line code with
 * few values: LLVM's -O0 code generation gives every value that crosses
 * a block a stack slot, and a byte loop took 80 to 160 bytes of stack,
 * which a deep -O0 call chain does not have. The caller checked the
 * address (ea + width <= the memory size, and a straddle), so both
 * blocks exist (a missing one would make the access do nothing).
 */
static LLVMValueRef straddle_fn(struct be_ctx *cx, bool store)
{
	static const char *const names[3] = { "ea", "width", "value" };
	LLVMMetadataRef dt[3] = { cx->di_ullong, cx->di_ullong, cx->di_ullong };
	LLVMTypeRef pt[3] = { cx->t_i64, cx->t_i64, cx->t_i64 };
	const char *name = store ? "w2b_mem_scatter" : "w2b_mem_gather";
	/* a global function returns a scalar: scatter returns 0 */
	LLVMTypeRef fty = LLVMFunctionType(cx->t_i64, pt, store ? 3 : 2, 0);
	LLVMValueRef fn = LLVMAddFunction(cx->M, name, fty), slot, k, lo, hi, plo, phi_, wlo, whi;
	LLVMValueRef sh, rsh, mask, v;
	LLVMBuilderRef B = LLVMCreateBuilderInContext(cx->C), saved = cx->B;
	LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(cx->C, fn, "entry");
	LLVMBasicBlockRef has_lo = LLVMAppendBasicBlockInContext(cx->C, fn, "lo");
	LLVMBasicBlockRef both = LLVMAppendBasicBlockInContext(cx->C, fn, "both");
	LLVMBasicBlockRef none = LLVMAppendBasicBlockInContext(cx->C, fn, "none");
	LLVMValueRef ea = LLVMGetParam(fn, 0), width = LLVMGetParam(fn, 1);

	be_fn_attr(cx, fn, "nounwind");
	be_fn_attr(cx, fn, "noinline");
	be_di_func(cx, fn, name, 0, false, true, cx->di_ullong, names, dt, store ? 3 : 2);
	LLVMPositionBuilderAtEnd(B, entry);
	cx->B = B;
	be_di_set_loc(cx, LLVMGetSubprogram(fn), 0);
	slot = LLVMBuildAlloca(B, cx->t_i32, "block");
	LLVMSetAlignment(slot, 4);
	k = LLVMBuildTrunc(B, LLVMBuildLShr(B, ea, i64c(cx, BE_MEM_BLOCK_SHIFT), ""), cx->t_i32, "");
	lo = be_lookup_block(cx, slot, k);
	LLVMBuildCondBr(B, LLVMBuildIsNull(B, lo, ""), none, has_lo);
	LLVMPositionBuilderAtEnd(B, has_lo);
	hi = be_lookup_block(cx, slot, LLVMBuildAdd(B, k, LLVMConstInt(cx->t_i32, 1, 0), ""));
	LLVMBuildCondBr(B, LLVMBuildIsNull(B, hi, ""), none, both);
	LLVMPositionBuilderAtEnd(B, none);
	LLVMBuildRet(B, i64c(cx, 0));

	LLVMPositionBuilderAtEnd(B, both);
	plo = LLVMBuildGEP2(B, cx->t_i8, lo, (LLVMValueRef[]){ i64c(cx, BE_MEM_BLOCK - 8) }, 1, "");
	wlo = LLVMBuildLoad2(B, cx->t_i64, plo, "");
	LLVMSetAlignment(wlo, 8);
	phi_ = hi;
	whi = LLVMBuildLoad2(B, cx->t_i64, phi_, "");
	LLVMSetAlignment(whi, 8);
	/* sh = 8s in 8..56, rsh = 64 - sh */
	sh = LLVMBuildShl(B, LLVMBuildAnd(B, ea, i64c(cx, 7), ""), i64c(cx, 3), "");
	rsh = LLVMBuildSub(B, i64c(cx, 64), sh, "");
	/* mask: the width's bytes (width 8: all; the shift by 64 would be
	 * poison, so by 8 * width - 1, then 1). Every argument is used: LLVM
	 * passes whatever register for one a callee ignores, which the
	 * verifier refuses for a global function's scalar. */
	mask = LLVMBuildSub(B, LLVMBuildShl(B, LLVMBuildShl(B, i64c(cx, 1),
					     LLVMBuildSub(B, LLVMBuildShl(B, width, i64c(cx, 3), ""),
							  i64c(cx, 1), ""), ""),
					     i64c(cx, 1), ""), i64c(cx, 1), "");
	if (!store) {
		LLVMBuildRet(B, LLVMBuildAnd(B, LLVMBuildOr(B, LLVMBuildLShr(B, wlo, sh, ""),
							    LLVMBuildShl(B, whi, rsh, ""), ""),
					     mask, ""));
	} else {
		v = LLVMBuildAnd(B, LLVMGetParam(fn, 2), mask, "");
		wlo = LLVMBuildOr(B, LLVMBuildAnd(B, wlo, LLVMBuildNot(B, LLVMBuildShl(B, mask, sh, ""),
								       ""), ""),
				  LLVMBuildShl(B, v, sh, ""), "");
		whi = LLVMBuildOr(B, LLVMBuildAnd(B, whi, LLVMBuildNot(B, LLVMBuildLShr(B, mask, rsh,
											""), ""),
						  ""),
				  LLVMBuildLShr(B, v, rsh, ""), "");
		LLVMSetAlignment(LLVMBuildStore(B, wlo, plo), 8);
		LLVMSetAlignment(LLVMBuildStore(B, whi, phi_), 8);
		LLVMBuildRet(B, i64c(cx, 0));
	}
	cx->B = saved;
	LLVMDisposeBuilder(B);
	return fn;
}

LLVMValueRef be_mem_straddle_fn(struct be_ctx *cx, bool store)
{
	LLVMValueRef *fn = store ? &cx->mem_scatter : &cx->mem_gather;

	if (!*fn)
		*fn = straddle_fn(cx, store);
	return *fn;
}

LLVMValueRef be_mem_gather(struct be_ctx *cx, LLVMValueRef ea, unsigned width)
{
	LLVMValueRef fn = be_mem_straddle_fn(cx, false), args[2] = { ea, i64c(cx, width) };

	return LLVMBuildCall2(cx->B, LLVMGlobalGetValueType(fn), fn, args, 2, "");
}

void be_mem_scatter(struct be_ctx *cx, LLVMValueRef ea, unsigned width, LLVMValueRef v)
{
	LLVMValueRef fn = be_mem_straddle_fn(cx, true), args[3] = { ea, i64c(cx, width), v };

	LLVMBuildCall2(cx->B, LLVMGlobalGetValueType(fn), fn, args, 3, "");
}

LLVMValueRef be_block_key_slot(struct be_ctx *cx, LLVMValueRef fn)
{
	LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(fn);
	LLVMBuilderRef b = LLVMCreateBuilderInContext(cx->C);
	LLVMValueRef first = LLVMGetFirstInstruction(entry), slot;

	if (first)
		LLVMPositionBuilderBefore(b, first);
	else
		LLVMPositionBuilderAtEnd(b, entry);
	slot = LLVMBuildAlloca(b, cx->t_i32, "block");
	LLVMSetAlignment(slot, 4);
	LLVMDisposeBuilder(b);
	return slot;
}
