/*
 * emit_maps.c — kernel helper calls, map values in place, atomics.
 *
 * Helper calls (IR_HELPER_CALL). ir_helpers[] (common/helpers.def) says
 * what each argument is: a number is widened to u64; a map is the address
 * of its .maps variable (a ld_imm64 map relocation, as clang emits for
 * `&map`); a pointer into the module's memory of a known size (the map's
 * key or value size, or a constant size argument) is checked like any
 * access, [a, a + size) inside the memory, and passed as the kernel
 * pointer into the memory's map value, which the verifier accepts for
 * every ARG_PTR_TO_MAP_KEY/VALUE/MEM.
 *
 * Map values in place. map_lookup_elem's result, a kernel pointer or
 * NULL, is kept in the function's window for that lookup site (a stack
 * slot, made once per function and NULL until the lookup runs); the Wasm
 * value is IR_MAP_VALUE_BASE + site * IR_MAP_VALUE_STRIDE, or 0 when
 * nothing was found, so C's `if (!v)` works unchanged. An access of w
 * bytes at Wasm address a (+ memarg offset off) in region MAP_VALUE, from
 * site s, reads the window and traps (out of bounds) if it is NULL — the
 * verifier needs that NULL check on the pointer itself, which the Wasm
 * code's test of the i32 is not — then takes x = a - base(s), checks
 * x <= value_size - w - off and accesses window + x + off: the same shape
 * as an instance-memory access (emit_function.c's essay: x and the
 * pointer kept opaque so the check stays on the register the pointer is
 * formed from). When the address may come from several sites, the site
 * is picked at run time by which site's range holds a.
 *
 * Tail calls (helpers.def's EFFECT TAIL): when bpf_tail_call finds a
 * program the run continues there and never returns, abandoning the Wasm
 * frames between the entry and the call. Their globals' writes stand (as
 * they would had the frames returned); the one thing a return would have
 * undone is the shadow stack (wasm-ld's __stack_pointer, ir_module's
 * stack_pointer), which is set back to its initial value, where every run
 * starts it, before the call. When there is no program at the index the
 * call returns and the code goes on (its result means nothing: the
 * kernel sets none).
 *
 * Atomics (IR_ATOMIC_RMW, IR_ATOMIC_CMPXCHG) are LLVM atomicrmw/cmpxchg on
 * the checked pointer — BPF_ATOMIC instructions — with Wasm's alignment
 * trap first ("unaligned atomic"): the verifier demands aligned atomics.
 */
#include "emit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/prog_classes.h"

/* Whether vreg v's type is the helpers.def letter c (i: i32, I: i64). */
static bool has_letter(const struct be_fn *fs, uint32_t v, char c)
{
	return v < fs->f->nvregs && fs->f->vreg_types[v] == (c == 'I' ? IR_I64 : IR_I32);
}

void be_maps_setup(struct be_fn *fs)
{
	struct be_ctx *cx = fs->cx;

	for (uint32_t s = 0; s < fs->f->nsites; s++) {
		fs->windows[s] = LLVMBuildAlloca(cx->B, cx->t_ptr, "window");
		LLVMSetAlignment(fs->windows[s], 8);
		be_store_ptr(cx, LLVMConstNull(cx->t_ptr), fs->windows[s]);
	}
}

static uint32_t site_base(uint32_t s)
{
	return IR_MAP_VALUE_BASE + s * IR_MAP_VALUE_STRIDE;
}

/* The kernel pointer for helper argument k, a pointer into the module's
 * memory to `size` bytes; NULL with *err 0 if it always traps. */
static LLVMValueRef memory_arg(struct be_fn *fs, const struct ir_inst *in, uint32_t k,
			       uint64_t size, int *err)
{
	LLVMValueRef a = be_val(fs, in->u.call.args[k]);

	*err = 0;
	if (fs->bad)
		return NULL;
	if (k < 8 && (in->u.call.frame_args >> k & 1)) {
		/* in the promoted frame, inside it (ir/promote_frames.c) */
		if (!fs->frame) {
			be_fn_ice(fs, in->offset, "frame argument without a promoted frame");
			*err = -EINVAL;
			return NULL;
		}
		return be_frame_ptr(fs, a);
	}
	return be_instance_span(fs, in, a, size, err);
}

LLVMValueRef be_frame_ptr(struct be_fn *fs, LLVMValueRef at)
{
	struct be_ctx *cx = fs->cx;
	LLVMValueRef x = LLVMBuildZExt(cx->B, at, cx->t_i64, "");

	return LLVMBuildGEP2(cx->B, cx->t_i8, fs->frame, &x, 1, "");
}

int be_emit_helper_call(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_module *m = cx->m;
	const struct ir_helper_info *h;
	const struct ir_map *mp = NULL;
	uint32_t n = in->u.call.nargs, nctx;
	const char *kinds;
	LLVMTypeRef pt[BE_MAX_REG_ARGS];
	LLVMValueRef argv[BE_MAX_REG_ARGS], r;
	const char *colon;
	bool ok, lookup;
	int err;

	if (in->u.call.func >= ir_nhelpers || n + (ir_helpers[in->u.call.func].args[0] == 'c') >
	    BE_MAX_REG_ARGS || in->u.call.nresults > 1) {
		be_fn_ice(fs, in->offset, "helper %u called with %u args", in->u.call.func, n);
		return -EINVAL;
	}
	h = &ir_helpers[in->u.call.func];
	kinds = ir_helper_params(h);
	nctx = (uint32_t)(kinds - h->args);
	colon = strchr(h->type, ':');
	ok = (uint32_t)(colon - h->type) == n && strlen(colon + 1) == in->u.call.nresults &&
	     (!in->u.call.nresults || in->u.call.results[0] == in->dst);
	for (uint32_t i = 0; ok && i < n; i++)
		ok = has_letter(fs, in->u.call.args[i], h->type[i]);
	if (ok && in->u.call.nresults)
		ok = has_letter(fs, in->dst, colon[1]);
	if (ok && h->args[0] == 'c')
		ok = fs->pkt_ctx != NULL;
	if (ok && strchr(h->args, 'm'))
		ok = in->u.call.map < m->nmaps && (mp = &m->maps[in->u.call.map]);
	lookup = h->ret == IR_HRET_MAP_VALUE;
	if (ok && lookup)
		ok = in->u.call.site < fs->f->nsites && in->dst != IR_NOVAL;
	if (!ok) {
		be_fn_ice(fs, in->offset, "helper %s: call does not match %s (map %u, site %u)",
			  h->name, h->type, in->u.call.map, in->u.call.site);
		return -EINVAL;
	}
	if (h->args[0] == 'c') {
		/* the context, which the Wasm call does not pass */
		pt[0] = cx->t_ptr;
		argv[0] = fs->pkt_ctx;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint64_t size = 0;
		uint32_t a = i + nctx;	/* the kernel's argument */

		pt[a] = cx->t_ptr;
		switch (kinds[i]) {
		case 'm':
			argv[a] = cx->user_maps[in->u.call.map];
			continue;
		case 'k':
			size = mp->key_size;
			break;
		case 'v':
			size = mp->value_size;
			break;
		case 'p': {
			LLVMValueRef s = i + 1 < n ? be_val(fs, in->u.call.args[i + 1]) : NULL;

			if (!s || !LLVMIsAConstantInt(s)) {
				be_fn_ice(fs, in->offset, "helper %s: size argument is not a constant",
					  h->name);
				return -EINVAL;
			}
			size = LLVMConstIntGetZExtValue(s);
			break;
		}
		default:
			argv[a] = be_to_u64(cx, be_val(fs, in->u.call.args[i]));
			pt[a] = cx->t_i64;
			continue;
		}
		if (!(argv[a] = memory_arg(fs, in, i, size, &err)))
			return err;
	}
	if (fs->bad)
		return 0;
	if (h->effect == IR_HEFFECT_TAIL && m->stack_pointer < m->nglobals) {
		/* the run may end here: the shadow stack as a run starts it */
		const struct ir_global *sp = &m->globals[m->stack_pointer];

		be_store(cx, LLVMConstInt(cx->t_i64, (uint64_t)sp->init, 0),
			 be_env_slot(cx, fs->env, BE_ENV_GLOBALS, cx->global_slot[m->stack_pointer]));
	}
	r = be_call_helper(cx, h->id,
			   LLVMFunctionType(lookup ? cx->t_ptr : cx->t_i64, pt, n + nctx, 0),
			   argv, n + nctx);
	if (h->effect == IR_HEFFECT_PACKET)
		/* the helpers that move the packet are xdp's or tc's */
		be_packet_reload(fs, h->progs == W2B_PROGS_XDP ? IR_PROG_XDP : IR_PROG_TC);
	if (lookup) {
		be_store_ptr(cx, r, fs->windows[in->u.call.site]);
		return be_def(fs, in, LLVMBuildSelect(cx->B, LLVMBuildIsNull(cx->B, r, ""),
						       LLVMConstInt(cx->t_i32, 0, 0),
						       LLVMConstInt(cx->t_i32, site_base(in->u.call.site), 0),
						       ""));
	}
	if (in->dst == IR_NOVAL)
		return 0;
	return be_def(fs, in, be_from_u64(cx, r, be_type(cx, in->type)));
}

/* The pointer to `width` bytes of site s's map value at Wasm address a
 * (+ in's memarg offset), after its checks; NULL if it always traps. */
static LLVMValueRef site_ptr(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef a,
			     uint32_t s, unsigned width)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	uint64_t vsize = cx->m->maps[fs->f->site_map[s]].value_size, off = in->u.mem.offset;
	LLVMValueRef w, x;

	if (width > vsize || off > vsize - width) {
		be_trap_exit(fs, W2B_TRAP_OOB_MEMORY);
		return NULL;
	}
	w = be_load_ptr(cx, fs->windows[s]);
	be_trap_if(fs, LLVMBuildIsNull(B, w, ""), W2B_TRAP_OOB_MEMORY);
	x = LLVMBuildZExt(B, LLVMBuildSub(B, a, LLVMConstInt(cx->t_i32, site_base(s), 0), ""),
			  cx->t_i64, "");
	/* its traps say what it accessed (common/abi.h, trap_at) */
	be_trap_at(fs, W2B_REGION_MAP_VALUE, x, off, width, vsize);
	x = be_checked_ptr(fs, w, x, vsize, width, off,
			   in->kind == IR_ATOMIC_RMW || in->kind == IR_ATOMIC_CMPXCHG);
	be_trap_at(fs, W2B_REGION_NONE, NULL, 0, 0, 0);
	return x;
}

LLVMValueRef be_map_value_ptr(struct be_fn *fs, const struct ir_inst *in, unsigned width,
			      int *err)
{
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	uint64_t sites = in->u.mem.sites;
	LLVMValueRef a = be_val(fs, in->a), phi, *vals;
	LLVMBasicBlockRef merge, *from;
	unsigned n = 0;

	*err = 0;
	if (fs->bad)
		return NULL;
	if (!sites || (fs->f->nsites < 64 && sites >> fs->f->nsites) || LLVMTypeOf(a) != cx->t_i32) {
		be_fn_ice(fs, in->offset, "map value access with sites %#llx (the function has %u)",
			  (unsigned long long)sites, fs->f->nsites);
		*err = -EINVAL;
		return NULL;
	}
	if (!(sites & (sites - 1)))
		return site_ptr(fs, in, a, (uint32_t)__builtin_ctzll(sites), width);

	/* several sites: the one whose address range holds a */
	vals = calloc(64, sizeof(*vals));
	from = calloc(64, sizeof(*from));
	if (!vals || !from)
		abort();
	merge = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "site.merge");
	for (uint32_t s = 0; s < fs->f->nsites; s++) {
		LLVMBasicBlockRef here, next;
		LLVMValueRef rel, p;

		if (!(sites >> s & 1))
			continue;
		here = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "site");
		next = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "site.next");
		rel = LLVMBuildSub(B, a, LLVMConstInt(cx->t_i32, site_base(s), 0), "");
		LLVMBuildCondBr(B, LLVMBuildICmp(B, LLVMIntULT, rel,
						 LLVMConstInt(cx->t_i32, IR_MAP_VALUE_STRIDE, 0), ""),
				here, next);
		LLVMPositionBuilderAtEnd(B, here);
		if ((p = site_ptr(fs, in, a, s, width))) {
			vals[n] = p;
			from[n++] = LLVMGetInsertBlock(B);
			LLVMBuildBr(B, merge);
		}
		LLVMPositionBuilderAtEnd(B, next);
	}
	be_trap_exit(fs, W2B_TRAP_OOB_MEMORY);
	LLVMPositionBuilderAtEnd(B, merge);
	if (!n) {
		LLVMBuildUnreachable(B);
		free(vals);
		free(from);
		return NULL;
	}
	phi = LLVMBuildPhi(B, cx->t_ptr, "");
	LLVMAddIncoming(phi, vals, from, n);
	free(vals);
	free(from);
	return phi;
}

int be_emit_atomic(struct be_fn *fs, const struct ir_inst *in)
{
	static const LLVMAtomicRMWBinOp ops[] = {
		[IR_RMW_ADD] = LLVMAtomicRMWBinOpAdd, [IR_RMW_SUB] = LLVMAtomicRMWBinOpSub,
		[IR_RMW_AND] = LLVMAtomicRMWBinOpAnd, [IR_RMW_OR] = LLVMAtomicRMWBinOpOr,
		[IR_RMW_XOR] = LLVMAtomicRMWBinOpXor, [IR_RMW_XCHG] = LLVMAtomicRMWBinOpXchg,
	};
	struct be_ctx *cx = fs->cx;
	LLVMBuilderRef B = cx->B;
	unsigned width = in->u.mem.width;
	LLVMTypeRef ty = LLVMIntTypeInContext(cx->C, 8 * width), rt = be_type(cx, in->type);
	LLVMValueRef p, v, old;
	int err = 0;

	if ((width != 4 && width != 8) || (in->type != IR_I32 && in->type != IR_I64) ||
	    width * 8 > LLVMGetIntTypeWidth(rt) || in->u.mem.rmw > IR_RMW_XCHG) {
		be_fn_ice(fs, in->offset, "atomic access of %u bytes", width);
		return -EINVAL;
	}
	if (in->u.mem.region == IR_MEM_MAP_VALUE)
		p = be_map_value_ptr(fs, in, width, &err);
	else if (in->u.mem.region == IR_MEM_INSTANCE)
		p = be_instance_ptr(fs, in, width, &err);
	else {
		be_fn_ice(fs, in->offset, "atomic access in region %u", in->u.mem.region);
		return -EINVAL;
	}
	if (!p)
		return err;
	v = LLVMBuildTrunc(B, be_val(fs, in->b), ty, "");
	if (in->kind == IR_ATOMIC_CMPXCHG) {
		LLVMValueRef nv = LLVMBuildTrunc(B, be_val(fs, in->c), ty, "");

		old = LLVMBuildAtomicCmpXchg(B, p, v, nv, LLVMAtomicOrderingSequentiallyConsistent,
					     LLVMAtomicOrderingSequentiallyConsistent, 0);
		old = LLVMBuildExtractValue(B, old, 0, "");
	} else {
		old = LLVMBuildAtomicRMW(B, ops[in->u.mem.rmw], p, v,
					 LLVMAtomicOrderingSequentiallyConsistent, 0);
	}
	if (fs->bad)
		return 0;
	return be_def(fs, in, ty == rt ? old : LLVMBuildZExt(B, old, rt, ""));
}
