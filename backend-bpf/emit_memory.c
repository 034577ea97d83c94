/*
 * emit_memory.c — a linear memory too large for the env value, in blocks.
 *
 * A per-CPU map value holds at most 32 KiB (the kernel's
 * PCPU_MIN_UNIT_SIZE), and only a per-CPU map is sized by the kernel for
 * the machine's possible CPUs: an ARRAY keyed by CPU id needs its
 * max_entries fixed in the object, which a plain `bpftool prog load`
 * keeps (256 copies of the memory where the machine has 2 CPUs). So a
 * memory that does not fit in the env value is cut into BE_MEM_BLOCK
 * (16 KiB) blocks: block k holds Wasm addresses [k * 16 KiB - phase,
 * (k + 1) * 16 KiB - phase), and a Wasm address + phase is a "block
 * address". The phase puts a block boundary at the hot address
 * (ir_memory.hot: 16 KiB below a wasm-ld module's initial stack pointer,
 * else 0), so that the hot block holds the top of the stack and what lies
 * above it (rustc's data, which --stack-first puts there; a C module's
 * data and small stack). The hot block lives in the env value, as a
 * small memory does: it is the memory base every function finds there
 * (fs->mem), with no lookup and no argument more. The others are the
 * entries of W2B_MEMORY_MAP, a PERCPU_ARRAY, in order (be_block_key():
 * the hot block has no entry).
 *
 * Where an access goes:
 *   fast      inside the hot block: the checked access of
 *             emit_function.c's essay on x - hot, one compare more than a
 *             small memory's when hot is not 0.
 *   slow      anywhere else: a load or store calls w2b_mem_gather or
 *             w2b_mem_scatter, global functions (verified once per
 *             program, where an inline lookup, its checks and a second
 *             walk of what follows took a Rust debug build past the
 *             verifier's 1,000,000 instructions) that find the block or
 *             the two blocks its bytes lie in. An atomic (aligned: never
 *             in two blocks) or a helper's memory argument gets a pointer
 *             into its block, looked up inline; a helper argument whose
 *             bytes lie in two blocks traps span_split (docs/abi.md).
 *   bulk      memory.copy and memory.fill inside the hot block are a
 *             small memory's loops; any other is a loop whose units look
 *             up their blocks (be_span_loop(), `blocked`): a loop of
 *             segments, one per block, cost the 6.18 verifier 500,000
 *             instructions for a 128 KiB memory.
 * The calls cost registers: values live across an access are spilled
 * around them, and a chain of nested loop bodies can outgrow the 512-byte
 * stack (cli/pipeline.c then retries with the memory shrunk to the static
 * layout, with a warning).
 */
#include "backend-bpf/emit.h"

#include <errno.h>

#include "common/abi.h"

/* The i32 slot for block keys in the LLVM function being emitted: one
 * per function, since a slot per access would fill the 512-byte stack. */
static LLVMValueRef key_slot(struct be_fn *fs)
{
	if (!fs->key_slot || fs->key_fn != fs->fn) {
		fs->key_slot = be_block_key_slot(fs->cx, fs->fn);
		fs->key_fn = fs->fn;
	}
	return fs->key_slot;
}

static uint32_t hot_block(const struct be_ctx *cx)
{
	return (uint32_t)(((uint64_t)cx->mem_hot + cx->mem_phase) / BE_MEM_BLOCK);
}

uint32_t be_block_key(const struct be_ctx *cx, uint32_t k)
{
	return k > hot_block(cx) ? k - 1 : k;
}

/* The env value's memory (the hot block), or NULL if the env lookup
 * fails: the null test comes before the address arithmetic, which 6.1's
 * verifier refuses on a pointer that may be NULL. */
static LLVMValueRef hot_memory(struct be_ctx *cx, LLVMValueRef slot)
{
	LLVMBuilderRef B = cx->B;
	LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(B)), env, p[2];
	LLVMBasicBlockRef found = LLVMAppendBasicBlockInContext(cx->C, fn, "env.found");
	LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(cx->C, fn, "env.memory");
	LLVMBasicBlockRef from[2];

	env = be_map_lookup(cx, cx->env_map, slot, LLVMConstInt(cx->t_i32, 0, 0));
	p[0] = LLVMConstNull(cx->t_ptr);
	from[0] = LLVMGetInsertBlock(B);
	LLVMBuildCondBr(B, LLVMBuildIsNull(B, env, ""), join, found);
	LLVMPositionBuilderAtEnd(B, found);
	/* opaque, with side effects: LLVM would hoist the address above the
	 * test (the join's null test then threads to the one before) */
	p[1] = be_env_slot(cx, be_opaque_here(cx, env), BE_ENV_MEMORY, 0);
	from[1] = found;
	LLVMBuildBr(B, join);
	LLVMPositionBuilderAtEnd(B, join);
	env = LLVMBuildPhi(B, cx->t_ptr, "");
	LLVMAddIncoming(env, p, from, 2);
	return env;
}

LLVMValueRef be_lookup_block(struct be_ctx *cx, LLVMValueRef slot, LLVMValueRef k)
{
	LLVMBuilderRef B = cx->B;
	LLVMValueRef fn = LLVMGetBasicBlockParent(LLVMGetInsertBlock(B)), p[2], phi;
	LLVMBasicBlockRef hot, other, join, from[2];

	if (LLVMIsAConstantInt(k)) {
		if (LLVMConstIntGetZExtValue(k) == hot_block(cx))
			return hot_memory(cx, slot);
		return be_map_lookup(cx, cx->mem_map, slot,
			      LLVMConstInt(cx->t_i32, be_block_key(cx, (uint32_t)
							 LLVMConstIntGetZExtValue(k)), 0));
	}
	/* the hot block lives in the env value, the map holds the others */
	hot = LLVMAppendBasicBlockInContext(cx->C, fn, "block.hot");
	other = LLVMAppendBasicBlockInContext(cx->C, fn, "block.map");
	join = LLVMAppendBasicBlockInContext(cx->C, fn, "block");
	LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntEQ, k, LLVMConstInt(cx->t_i32, hot_block(cx), 0),
					 ""), hot, other);
	LLVMPositionBuilderAtEnd(B, hot);
	p[0] = hot_memory(cx, slot);
	from[0] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, join);
	LLVMPositionBuilderAtEnd(B, other);
	p[1] = be_map_lookup(cx, cx->mem_map, slot,
		      LLVMBuildSub(B, k, LLVMBuildZExt(B, LLVMBuildICmp(B, LLVMIntUGT, k,
				LLVMConstInt(cx->t_i32, hot_block(cx), 0), ""), cx->t_i32, ""), ""));
	from[1] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, join);
	LLVMPositionBuilderAtEnd(B, join);
	phi = LLVMBuildPhi(B, cx->t_ptr, "");
	LLVMAddIncoming(phi, p, from, 2);
	return phi;
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
	uint64_t size = cx->mem_size, fast = cx->mem_fast, hot = cx->mem_hot, ph = cx->mem_phase;
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
		if (c >= hot && c - hot + width <= fast)
			return LLVMBuildGEP2(B, cx->t_i8, fs->mem,
					     (LLVMValueRef[]){ i64c(cx, c - hot) }, 1, "");
		c += ph;
		if (st || c % BE_MEM_BLOCK + width > BE_MEM_BLOCK) {
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
		/* x - hot (an x below the hot block wraps past the limit), in
		 * a register of its own: both ways go on after the access, and
		 * an address the compare refined on one way only would keep
		 * the verifier's states there from ever matching (a Rust
		 * debug build went from passing to 1,000,000 instructions) */
		LLVMValueRef xf = be_checked_index_to(fs, be_unshared(cx, hot ? LLVMBuildSub(B, x,
							i64c(cx, hot), "") : x),
						      fast - width - off, slow);

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
		ea = be_checked_index(fs, be_unshared(cx, ea), size - width, W2B_TRAP_OOB_MEMORY);
	if (ph)
		ea = LLVMBuildAdd(B, ea, i64c(cx, ph), "");
	if (st) {
		/* a load or store: the whole slow path is a call (below), which
		 * the verifier checks in a few instructions per access */
		st->bb = LLVMGetInsertBlock(B);
		st->ea = ea;
		LLVMPositionBuilderAtEnd(B, join);
		if (!n) {
			LLVMBuildUnreachable(B);
			return NULL;
		}
		return p[0];
	}
	k = LLVMBuildTrunc(B, LLVMBuildLShr(B, ea, i64c(cx, BE_MEM_BLOCK_SHIFT), ""), cx->t_i32,
			   "");
	w = be_opaque_here(cx, LLVMBuildAnd(B, ea, i64c(cx, BE_MEM_BLOCK - 1), ""));
	straddle = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "mem.straddle");
	w = be_checked_index_to(fs, w, BE_MEM_BLOCK - width, straddle);
	p[n] = be_opaque_here(cx, LLVMBuildGEP2(B, cx->t_i8, be_mem_block(fs, k), &w, 1, ""));
	from[n++] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, join);

	/* an atomic never gets here (aligned); a helper argument must be
	 * one pointer */
	LLVMPositionBuilderAtEnd(B, straddle);
	be_trap_exit(fs, W2B_TRAP_SPAN_SPLIT);
	LLVMPositionBuilderAtEnd(B, join);
	if (n == 1)
		return p[0];
	phi = LLVMBuildPhi(B, cx->t_ptr, "");
	LLVMAddIncoming(phi, p, from, n);
	return phi;
}

/* --- straddling accesses ---------------------------------------------------- */

/*
 * u64 w2b_mem_gather(u64 ea, u64 width): the width (<= 8) bytes at block
 * address ea, little-endian; u64 w2b_mem_scatter(u64 ea, u64 width, u64
 * v) stores them (and returns 0: a global function returns a scalar).
 * The slow path of every load and store outside the hot block: a global
 * function is verified once per program, so each access costs the
 * verifier a call, where an inline lookup cost it the lookup, its checks
 * and a second walk of what follows (a Rust debug build went past the
 * 1,000,000-instruction limit).
 *
 * Both work on two aligned words: lo, the word holding the first byte,
 * and hi, the next one (in the next block after a block's last word),
 * the bytes at 8s.. of the 16 (s = ea % 8): a funnel shift, and for a
 * store a masked read-modify-write of both. Straight-line code with few
 * values: LLVM's -O0 code generation gives every value that crosses a
 * block a stack slot, and a byte loop took 80 to 160 bytes of stack,
 * which a deep -O0 call chain does not have. The caller checked ea +
 * width against the memory size, so the blocks exist (a missing one
 * would read 0 and take no store).
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
	LLVMValueRef sh, rsh, mask, v, a8, hsame, ps[2];
	LLVMBuilderRef B = LLVMCreateBuilderInContext(cx->C), saved = cx->B;
	uint32_t saved_offset = cx->loc_offset;
	LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(cx->C, fn, "entry");
	LLVMBasicBlockRef same = LLVMAppendBasicBlockInContext(cx->C, fn, "same");
	LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(cx->C, fn, "next");
	LLVMBasicBlockRef found = LLVMAppendBasicBlockInContext(cx->C, fn, "found");
	LLVMBasicBlockRef both = LLVMAppendBasicBlockInContext(cx->C, fn, "both");
	LLVMBasicBlockRef none = LLVMAppendBasicBlockInContext(cx->C, fn, "none");
	LLVMBasicBlockRef from[2];
	LLVMValueRef ea = LLVMGetParam(fn, 0), width = LLVMGetParam(fn, 1);

	be_fn_attr(cx, fn, "nounwind");
	be_fn_attr(cx, fn, "noinline");
	be_di_func(cx, fn, name, 0, false, true, cx->di_ullong, names, dt, store ? 3 : 2);
	LLVMPositionBuilderAtEnd(B, entry);
	cx->B = B;
	be_di_set_loc(cx, LLVMGetSubprogram(fn), 0);
	slot = be_block_key_slot(cx, fn);
	k = LLVMBuildTrunc(B, LLVMBuildLShr(B, ea, i64c(cx, BE_MEM_BLOCK_SHIFT), ""), cx->t_i32, "");
	a8 = LLVMBuildAnd(B, ea, i64c(cx, BE_MEM_BLOCK - 8), "");
	lo = be_lookup_block(cx, slot, k);
	LLVMBuildCondBr(B, LLVMBuildIsNull(B, lo, ""), none, found);
	LLVMPositionBuilderAtEnd(B, none);
	LLVMBuildRet(B, i64c(cx, 0));

	/* hi: the word at (a8 + 8) % 16 KiB (masked: the verifier sees it in
	 * the block) of lo's block, or of the next one after lo's last word */
	LLVMPositionBuilderAtEnd(B, found);
	plo = LLVMBuildGEP2(B, cx->t_i8, lo, &a8, 1, "");
	hsame = LLVMBuildICmp(B, LLVMIntULT, a8, i64c(cx, BE_MEM_BLOCK - 8), "");
	LLVMBuildCondBr(B, hsame, same, next);
	LLVMPositionBuilderAtEnd(B, same);
	ps[0] = lo;
	LLVMBuildBr(B, both);
	LLVMPositionBuilderAtEnd(B, next);
	hi = be_lookup_block(cx, slot, LLVMBuildAdd(B, k, LLVMConstInt(cx->t_i32, 1, 0), ""));
	/* the last block: no word after it, and none is needed */
	ps[1] = LLVMBuildSelect(B, LLVMBuildIsNull(B, hi, ""), lo, hi, "");
	from[1] = LLVMGetInsertBlock(B);
	LLVMBuildBr(B, both);
	LLVMPositionBuilderAtEnd(B, both);
	from[0] = same;
	phi_ = LLVMBuildPhi(B, cx->t_ptr, "");
	LLVMAddIncoming(phi_, ps, from, 2);
	phi_ = LLVMBuildGEP2(B, cx->t_i8, phi_, (LLVMValueRef[]){ LLVMBuildAnd(B,
				LLVMBuildAdd(B, a8, i64c(cx, 8), ""), i64c(cx, BE_MEM_BLOCK - 8), "") },
			     1, "");
	wlo = LLVMBuildLoad2(B, cx->t_i64, plo, "");
	LLVMSetAlignment(wlo, 8);
	whi = LLVMBuildLoad2(B, cx->t_i64, phi_, "");
	LLVMSetAlignment(whi, 8);
	/* sh = 8s in 0..56; the hi shift 64 - sh is done as (63 - sh) + 1
	 * so that s = 0 (nothing from hi) is no shift by 64 */
	sh = LLVMBuildShl(B, LLVMBuildAnd(B, ea, i64c(cx, 7), ""), i64c(cx, 3), "");
	rsh = LLVMBuildSub(B, i64c(cx, 63), sh, "");
	/* mask: the width's bytes (width 8: all; by 8 * width - 1, then 1).
	 * Every argument is used: LLVM passes whatever register for one a
	 * callee ignores, which the verifier refuses for a global
	 * function's scalar. */
	mask = LLVMBuildSub(B, LLVMBuildShl(B, LLVMBuildShl(B, i64c(cx, 1),
					     LLVMBuildSub(B, LLVMBuildShl(B, width, i64c(cx, 3), ""),
							  i64c(cx, 1), ""), ""),
					     i64c(cx, 1), ""), i64c(cx, 1), "");
	if (!store) {
		v = LLVMBuildOr(B, LLVMBuildLShr(B, wlo, sh, ""),
				LLVMBuildShl(B, LLVMBuildShl(B, whi, rsh, ""), i64c(cx, 1), ""), "");
		LLVMBuildRet(B, LLVMBuildAnd(B, v, mask, ""));
	} else {
		v = LLVMBuildAnd(B, LLVMGetParam(fn, 2), mask, "");
		wlo = LLVMBuildOr(B, LLVMBuildAnd(B, wlo, LLVMBuildNot(B, LLVMBuildShl(B, mask, sh, ""),
								       ""), ""),
				  LLVMBuildShl(B, v, sh, ""), "");
		/* hi's part: mask >> (64 - sh), as >> (63 - sh) >> 1 */
		whi = LLVMBuildOr(B, LLVMBuildAnd(B, whi, LLVMBuildNot(B, LLVMBuildLShr(B,
						LLVMBuildLShr(B, mask, rsh, ""), i64c(cx, 1), ""), ""), ""),
				  LLVMBuildLShr(B, LLVMBuildLShr(B, v, rsh, ""), i64c(cx, 1), ""), "");
		/* lo first: when hi is lo (the last block), hi's store of
		 * the unchanged word comes second and must not undo it */
		LLVMSetAlignment(LLVMBuildStore(B, whi, phi_), 8);
		LLVMSetAlignment(LLVMBuildStore(B, wlo, plo), 8);
		LLVMBuildRet(B, i64c(cx, 0));
	}
	cx->B = saved;
	cx->loc_offset = saved_offset;
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
