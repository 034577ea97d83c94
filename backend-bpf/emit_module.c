/*
 * emit_module.c — be_emit(): one IR module to one BPF object.
 *
 * The order of the steps is forced by LLVM, not chosen:
 *
 *   1. Target machine first, and the module's DataLayout from it, before a
 *      single instruction is built: the builder takes load/store alignment
 *      from the DataLayout, and with the default one an i64 gets align 4,
 *      which the BPF backend splits into two 32-bit accesses (a context
 *      read the verifier then refuses).
 *   2. Debug info (compile unit, basic types) before any function: every
 *      function gets a DISubprogram as it is created, because the kernel
 *      needs BTF for maps, kfuncs and line info, and BTF comes only from DI.
 *   3. The module-level state every object carries: the env map (per-CPU
 *      instance state: the pending trap, extra results of multi-value
 *      functions, the scratch slots that launder loop variables), the trap
 *      statistics map and the license. A module with instance state also
 *      gets its place here (below), before any function is declared,
 *      since where the memory lives decides every function's signature.
 *   4. Every reachable Wasm function is declared before any body is emitted
 *      (calls may go forward), then the bodies, then the entry wrappers.
 *   5. DIBuilder finalize, verify once, LLVMRunPasses("default<On>") with
 *      the BPF target machine (the only route that runs the BPF IR passes),
 *      the folding of checks on packet offsets and indexes that became
 *      constants (emit_packet.c),
 *      then codegen into memory.
 *
 * LLVM reports codegen errors (e.g. "unsupported signed division") through
 * the context's diagnostic handler, whose default prints and exits. Ours
 * collects them, and be_emit() turns them into an internal compiler error:
 * a module that reached the backend should never provoke one.
 *
 * Instance state (one Wasm instance per CPU: docs/abi.md). Mutable globals
 * are u64 slots of the per-CPU env value. The linear memory is there too
 * when it fits: a PERCPU_ARRAY value is at most 32 KiB, header included.
 * A larger memory is cut into 16 KiB blocks (emit_memory.c): the hot one
 * in the env value, where the memory base is for every function, the
 * others in W2B_MEMORY_MAP, a PERCPU_ARRAY.
 *
 * The data segments are the memory's initial contents, written on a CPU's
 * first run (emit_entry.c). The plan is made here, from an image of the
 * segments applied in order (later ones win where they overlap): runs of
 * non-zero bytes, merged across gaps of fewer than BE_CHUNK_GAP zero bytes
 * (the memory starts zeroed, so zeros need not be written). A chunk of at
 * most BE_CHUNK_SMALL bytes becomes constant stores; a larger one is
 * copied in a loop from "w2b_data", a .rodata array with BTF (libbpf makes
 * .rodata a frozen array map), so the verifier's cost does not grow with
 * the data. Exported immutable globals are `const volatile` .rodata
 * variables too, so that a loader can set them through a skeleton.
 *
 * A module with none of this (no memory, no mutable global, no exported
 * immutable one) gets exactly the object it got before instance state
 * existed.
 *
 * Everything is deterministic: no pointer values, no timestamps, no host
 * paths other than m->file end up in the output.
 */
#include "backend-bpf/emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>

#include "common/abi.h"
#include "common/kernel.h"
#include "common/license.h"
#include "wasm2bpf.h"
#include "common/trap_kinds.h"

#define BPF_TRIPLE "bpfel"

/* Zero runs shorter than this do not split a chunk of initial data. */
#define BE_CHUNK_GAP 256u
/* Chunks up to this size are written by constant stores. */
#define BE_CHUNK_SMALL 64u
/* The .rodata array that holds the larger chunks. */
#define BE_DATA_SYMBOL "w2b_data"

LLVMTypeRef be_type(struct be_ctx *cx, enum ir_type t)
{
	switch (t) {
	case IR_I32: return cx->t_i32;
	case IR_I64: return cx->t_i64;
	case IR_VOID: break;
	}
	return cx->t_void;
}

LLVMValueRef be_load(struct be_ctx *cx, LLVMTypeRef ty, LLVMValueRef p)
{
	LLVMValueRef v = LLVMBuildLoad2(cx->B, ty, p, "");

	LLVMSetAlignment(v, LLVMGetIntTypeWidth(ty) / 8);
	return v;
}

LLVMValueRef be_store(struct be_ctx *cx, LLVMValueRef v, LLVMValueRef p)
{
	LLVMValueRef s = LLVMBuildStore(cx->B, v, p);

	LLVMSetAlignment(s, LLVMGetIntTypeWidth(LLVMTypeOf(v)) / 8);
	return s;
}

LLVMValueRef be_to_u64(struct be_ctx *cx, LLVMValueRef v)
{
	return LLVMTypeOf(v) == cx->t_i64 ? v : LLVMBuildZExt(cx->B, v, cx->t_i64, "");
}

LLVMValueRef be_from_u64(struct be_ctx *cx, LLVMValueRef v, LLVMTypeRef ty)
{
	return ty == cx->t_i64 ? v : LLVMBuildTrunc(cx->B, v, ty, "");
}

LLVMValueRef be_store_ptr(struct be_ctx *cx, LLVMValueRef v, LLVMValueRef p)
{
	LLVMValueRef st = LLVMBuildStore(cx->B, v, p);

	LLVMSetAlignment(st, 8);
	return st;
}

LLVMValueRef be_load_ptr(struct be_ctx *cx, LLVMValueRef p)
{
	LLVMValueRef v = LLVMBuildLoad2(cx->B, cx->t_ptr, p, "");

	LLVMSetAlignment(v, 8);
	return v;
}

void be_llvm_version(unsigned *major, unsigned *minor, unsigned *patch)
{
	LLVMGetVersion(major, minor, patch);
}

LLVMValueRef be_call_helper(struct be_ctx *cx, unsigned id, LLVMTypeRef fty,
			    LLVMValueRef *args, unsigned nargs)
{
	/* A helper is called through its number cast to a pointer, exactly
	 * what clang emits for `static void *(*f)(...) = (void *)1`. */
	LLVMValueRef callee = LLVMConstIntToPtr(LLVMConstInt(cx->t_i64, id, 0), cx->t_ptr);

	return LLVMBuildCall2(cx->B, fty, callee, args, nargs, "");
}

LLVMValueRef be_map_lookup(struct be_ctx *cx, LLVMValueRef map, LLVMValueRef slot,
			   LLVMValueRef key)
{
	LLVMTypeRef pt[2] = { cx->t_ptr, cx->t_ptr };
	LLVMValueRef args[2] = { map, slot };

	be_store(cx, key, slot);
	return be_call_helper(cx, BE_HELPER_MAP_LOOKUP_ELEM, LLVMFunctionType(cx->t_ptr, pt, 2, 0),
			      args, 2);
}

LLVMValueRef be_env_slot(struct be_ctx *cx, LLVMValueRef env, unsigned field,
			 uint32_t idx)
{
	LLVMValueRef ix[3] = {
		LLVMConstInt(cx->t_i32, 0, 0),
		LLVMConstInt(cx->t_i32, (unsigned)cx->env_field[field], 0),
		LLVMConstInt(cx->t_i64, idx, 0),
	};

	return LLVMBuildInBoundsGEP2(cx->B, cx->env_ty, env, ix,
				     field == BE_ENV_TRAP || field == BE_ENV_TRAP_AT || field == BE_ENV_INIT ||
				     field == BE_ENV_FUEL ? 2 : 3, "");
}

/* An inline asm whose output is v's own register ("=r,0"). */
static LLVMValueRef same_register_asm(struct be_ctx *cx, LLVMValueRef v, const char *text,
				      bool side_effects)
{
	LLVMTypeRef ty = LLVMTypeOf(v);
	LLVMTypeRef fty = LLVMFunctionType(ty, &ty, 1, 0);
	LLVMValueRef as = LLVMGetInlineAsm(fty, text, strlen(text), "=r,0", 4, side_effects, 0,
					   LLVMInlineAsmDialectATT, 0);

	return LLVMBuildCall2(cx->B, fty, as, &v, 1, "");
}

LLVMValueRef be_opaque(struct be_ctx *cx, LLVMValueRef v)
{
	/* No instruction, no side effects: LLVM may still CSE or hoist it as
	 * a whole, but cannot see through it. */
	return same_register_asm(cx, v, "", false);
}

LLVMValueRef be_opaque_here(struct be_ctx *cx, LLVMValueRef v)
{
	/* As be_opaque(), but with side effects: never hoisted out of a
	 * loop nor merged with another, so the value is made next to the
	 * check and the access that use it. */
	return same_register_asm(cx, v, "", true);
}

LLVMValueRef be_unlinked(struct be_ctx *cx, LLVMValueRef v)
{
	/* "$0 += 0": one real instruction. The verifier records `rX += K` on
	 * a register copied from another as "the copy plus K" (K in off) and
	 * refuses to add a scalar whose K is 2^29 or more to a packet
	 * pointer; a second constant add to such a register drops the link
	 * and K, and on any other register this add leaves K at 0. */
	return same_register_asm(cx, v, "$0 += 0", true);
}

LLVMValueRef be_unshared(struct be_ctx *cx, LLVMValueRef v)
{
	/* "$0 &= -1": one real instruction, which leaves the value and ends
	 * any link the verifier keeps between it and the register it was
	 * copied from (a plain copy shares the id, a constant add keeps it
	 * with a delta on 6.11+): what a compare then learns stays on it. */
	return same_register_asm(cx, v, "$0 &= -1", true);
}

LLVMValueRef be_intrinsic(struct be_ctx *cx, const char *name, LLVMTypeRef ty,
			  LLVMValueRef *args, unsigned nargs)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cx->M, id, &ty, 1);
	LLVMTypeRef fty = LLVMIntrinsicGetType(cx->C, id, &ty, 1);

	return LLVMBuildCall2(cx->B, fty, fn, args, nargs, "");
}

#define BE_LLVM_ERRORS_KEPT 8

static void on_llvm_diag(LLVMDiagnosticInfoRef di, void *user)
{
	struct be_ctx *cx = user;
	LLVMDiagnosticSeverity sev = LLVMGetDiagInfoSeverity(di);
	char *msg;

	if (sev != LLVMDSError && sev != LLVMDSWarning)
		return;
	msg = LLVMGetDiagInfoDescription(di);
	if (sev == LLVMDSWarning) {
		diag_report(cx->d, DIAG_WARNING, NULL, "LLVM: %s", msg);
	} else if (cx->llvm_nerrors++ < BE_LLVM_ERRORS_KEPT) {
		/* the first few only, and their length kept: a module of
		 * thousands of functions over the stack limit made as many
		 * messages, and re-measuring their growing concatenation was
		 * quadratic (a 1,000-loop nest ran for minutes in strlen) */
		size_t old = cx->llvm_errors_len, n = strlen(msg);
		char *s = realloc(cx->llvm_errors, old + n + 3);

		if (s) {
			if (old) {
				memcpy(s + old, "; ", 2);
				old += 2;
			}
			memcpy(s + old, msg, n + 1);
			cx->llvm_errors = s;
			cx->llvm_errors_len = old + n;
		}
	}
	LLVMDisposeMessage(msg);
}

/* The largest number of laundered locals of any loop of f; *fuel is set if
 * f has a CALLBACK or ITER loop (COUNTED ones take no fuel). The walk keeps its own stack:
 * nesting depth comes from the input. */
static uint32_t max_laundered(const struct ir_func *f, bool *fuel)
{
	struct { const struct ir_region *r; uint32_t i; } *st;
	uint32_t n = 0, cap = 16, best = 0;

	st = malloc(cap * sizeof(*st));
	if (!st)
		return 1;
	st[n].r = &f->body;
	st[n++].i = 0;
	while (n) {
		const struct ir_region *r = st[n - 1].r;
		const struct ir_inst *in;

		if (st[n - 1].i >= r->n) {
			n--;
			continue;
		}
		in = r->insts[st[n - 1].i++];
		if (in->kind != IR_BLOCK && in->kind != IR_LOOP && in->kind != IR_IF)
			continue;
		if (in->kind == IR_LOOP && in->u.scope.loop.lowering != IR_LOOP_PLAIN) {
			*fuel |= in->u.scope.loop.lowering != IR_LOOP_COUNTED;
			if (in->u.scope.loop.nlaundered > best)
				best = in->u.scope.loop.nlaundered;
		}
		if (n + 2 > cap) {
			void *p = realloc(st, 2 * cap * sizeof(*st));

			if (!p) {
				free(st);
				return best > 0 ? best : 1;
			}
			st = p;
			cap *= 2;
		}
		st[n].r = &in->u.scope.body;
		st[n++].i = 0;
		if (in->kind == IR_IF) {
			st[n].r = &in->u.scope.else_body;
			st[n++].i = 0;
		}
	}
	free(st);
	return best;
}

static bool all_zero(const uint8_t *p, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* The initial contents of the memory as chunks (the essay above). */
static int plan_data(struct be_ctx *cx)
{
	const struct ir_memory *mem = &cx->m->memory;
	uint64_t lo = UINT64_MAX, hi = 0, blob = 0;
	uint32_t cap = 0;

	/* no memory (memory_used()): nothing reads what they would hold */
	for (uint32_t k = 0; k < mem->ndatas && cx->mem_size; k++) {
		const struct ir_data *dt = &mem->datas[k];

		if ((uint64_t)dt->offset + dt->size > cx->mem_size || (dt->size && !dt->bytes)) {
			diag_ice(cx->d, "data segment %u (%u bytes at %u) is outside the %u-byte memory",
				 k, dt->size, dt->offset, cx->mem_size);
			return -EINVAL;
		}
		if (!dt->size)
			continue;
		if (dt->offset < lo)
			lo = dt->offset;
		if ((uint64_t)dt->offset + dt->size > hi)
			hi = (uint64_t)dt->offset + dt->size;
	}
	if (hi == 0)
		return 0;
	lo &= ~(uint64_t)7;
	hi = (hi + 7) & ~(uint64_t)7;
	if (hi > cx->mem_size)
		hi = cx->mem_size;
	cx->image = calloc(1, hi - lo);
	if (!cx->image)
		return -ENOMEM;
	for (uint32_t k = 0; k < mem->ndatas; k++) {
		const struct ir_data *dt = &mem->datas[k];

		if (dt->size)
			memcpy(cx->image + (dt->offset - lo), dt->bytes, dt->size);
	}
	/* Runs of non-zero 8-byte words, merged across short zero gaps. */
	for (uint64_t w = lo; w < hi;) {
		uint64_t start, end, zeros = 0;
		struct be_chunk *c;

		while (w < hi && all_zero(cx->image + (w - lo), hi - w < 8 ? hi - w : 8))
			w += 8;
		if (w >= hi)
			break;
		start = w;
		end = w;
		for (; w < hi && zeros < BE_CHUNK_GAP; w += 8) {
			uint64_t n = hi - w < 8 ? hi - w : 8;

			if (!all_zero(cx->image + (w - lo), n)) {
				end = w + n;
				zeros = 0;
			} else {
				zeros += 8;
			}
		}
		w = end;
		if (cx->nchunks == cap) {
			void *p;

			cap = cap ? 2 * cap : 8;
			p = realloc(cx->chunks, cap * sizeof(*cx->chunks));
			if (!p)
				return -ENOMEM;
			cx->chunks = p;
		}
		c = &cx->chunks[cx->nchunks++];
		c->mem_off = (uint32_t)start;
		c->size = (uint32_t)(end - start);
		c->bytes = cx->image + (start - lo);
		if (c->size <= BE_CHUNK_SMALL) {
			c->ro_off = UINT64_MAX;
		} else {
			c->ro_off = blob;
			blob += (c->size + 7) & ~7u;
		}
	}
	cx->data_blob_size = blob;
	return 0;
}

static void note_global_read(struct ir_inst *i, void *user)
{
	if (i->kind == IR_GLOBAL_GET)
		((bool *)user)[i->u.global] = true;
}

static void note_memory_use(struct ir_inst *i, void *user)
{
	if (ir_inst_uses_memory(i))
		*(bool *)user = true;
}

/* Does the code an entry runs touch the linear memory? A module that
 * never does (wasm-ld gives every C module one, a page at least) gets no
 * memory at all: what it holds is never observed, and memory.size and
 * memory.grow answer without it. */
static bool memory_used(const struct ir_module *m)
{
	bool used = false;

	for (uint32_t k = 0; k < m->nfuncs && !used; k++)
		if (m->funcs[k].reachable)
			ir_walk_insts((struct ir_region *)&m->funcs[k].body, note_memory_use, &used);
	return used;
}

/* Where the instance state lives, and the env value's type:
 * { u64 trap; u64 results[R]; u64 scratch[S]; [u64 initialized;]
 *   [u64 fuel;] [u64 globals[G];] [u64 loops[L];] [u8 memory[M];] }. */
static int build_env_type(struct be_ctx *cx)
{
	const struct ir_module *m = cx->m;
	uint32_t r = 1, s = 1, n;
	uint64_t header;
	bool fuel = false;
	LLVMTypeRef fields[BE_ENV_NFIELDS];
	int err;

	for (uint32_t i = 0; i < m->nfuncs; i++) {
		const struct ir_func *f = &m->funcs[i];
		uint32_t l;

		if (!f->reachable)
			continue;
		if (f->nresults > 1 && f->nresults - 1 > r)
			r = f->nresults - 1;
		l = max_laundered(f, &fuel);
		if (l > s)
			s = l;
	}
	cx->env_nresults = r;
	cx->env_nscratch = s;

	/* the loop states of functions with CALLBACK or GLOBAL loops, one
	 * after another (no recursion: a function never runs twice at once) */
	cx->loop_base = calloc(m->nfuncs + 1, sizeof(*cx->loop_base));
	if (!cx->loop_base)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		uint32_t l = m->funcs[i].reachable ? be_loop_state_slots(&m->funcs[i]) : 0;

		cx->loop_base[i] = cx->env_nloops;
		cx->env_nloops += l;
	}

	/* mutable globals: env slots; exported immutable ones: .rodata */
	cx->global_slot = calloc(m->nglobals + 1, sizeof(*cx->global_slot));
	cx->global_var = calloc(m->nglobals + 1, sizeof(*cx->global_var));
	if (!cx->global_slot || !cx->global_var)
		return -ENOMEM;
	/* a global no code reads (the stack pointer, once every frame is
	 * promoted) needs no initial value: nothing could see it */
	cx->global_read = calloc(m->nglobals + 1, sizeof(*cx->global_read));
	if (!cx->global_read)
		return -ENOMEM;
	for (uint32_t k = 0; k < m->nfuncs; k++)
		if (m->funcs[k].reachable)
			ir_walk_insts((struct ir_region *)&m->funcs[k].body, note_global_read,
				      cx->global_read);
	for (uint32_t k = 0; k < m->nglobals; k++) {
		const struct ir_global *g = &m->globals[k];

		if (g->type != IR_I32 && g->type != IR_I64) {
			diag_ice(cx->d, "global %u has type %s", k, ir_type_name(g->type));
			return -EINVAL;
		}
		if (g->mutable_) {
			cx->global_slot[k] = cx->env_nglobals++;
			if (g->init && cx->global_read[k])
				cx->need_init = true;
		}
	}

	if (m->memory.present && memory_used(m))
		cx->mem_size = m->memory.size;
	header = 8 * (1 + (uint64_t)r + s + 2 + cx->env_nglobals + cx->env_nloops);
	cx->mem_in_map = cx->mem_size && header + ((cx->mem_size + 7) & ~7u) > BE_PERCPU_VALUE_MAX;
	cx->mem_fast = cx->mem_size;
	if (cx->mem_in_map) {
		/* the hot block starts at m->memory.hot (emit_memory.c) */
		uint32_t hot = m->memory.hot;

		if (header + BE_MEM_BLOCK > BE_PERCPU_VALUE_MAX) {
			diag_error_at(cx->d, m->memory.offset,
				    "the instance state (%llu bytes of globals, results and loop "
				    "state) leaves no room for the memory's hot block (%u bytes) in "
				    "a per-CPU map value (at most %u)", (unsigned long long)header,
				    BE_MEM_BLOCK, BE_PERCPU_VALUE_MAX);
			return -EINVAL;
		}
		if (hot > cx->mem_size - BE_MEM_BLOCK)
			hot = (cx->mem_size - BE_MEM_BLOCK) & ~7u;
		cx->mem_hot = hot;
		cx->mem_phase = (BE_MEM_BLOCK - hot % BE_MEM_BLOCK) % BE_MEM_BLOCK;
		cx->mem_block = BE_MEM_BLOCK;
		cx->mem_fast = BE_MEM_BLOCK;
		cx->mem_nblocks = (uint32_t)(((uint64_t)cx->mem_size + cx->mem_phase + BE_MEM_BLOCK - 1) /
					     BE_MEM_BLOCK);
	}
	cx->nfixed = 1;
	if ((err = plan_data(cx)))
		return err;
	if (cx->nchunks || m->has_start)
		cx->need_init = true;

	for (unsigned f = 0; f < BE_ENV_NFIELDS; f++)
		cx->env_field[f] = -1;
	n = 0;
	cx->env_field[BE_ENV_TRAP] = (int)n;
	fields[n++] = cx->t_i64;
	cx->env_field[BE_ENV_TRAP_AT] = (int)n;
	fields[n++] = cx->t_i64;
	cx->env_field[BE_ENV_RESULTS] = (int)n;
	fields[n++] = LLVMArrayType2(cx->t_i64, r);
	cx->env_field[BE_ENV_SCRATCH] = (int)n;
	fields[n++] = LLVMArrayType2(cx->t_i64, s);
	if (cx->need_init) {
		cx->env_field[BE_ENV_INIT] = (int)n;
		fields[n++] = cx->t_i64;
	}
	if (fuel) {
		cx->env_field[BE_ENV_FUEL] = (int)n;
		fields[n++] = cx->t_i64;
	}
	if (cx->env_nglobals) {
		cx->env_field[BE_ENV_GLOBALS] = (int)n;
		fields[n++] = LLVMArrayType2(cx->t_i64, cx->env_nglobals);
	}
	if (cx->env_nloops) {
		cx->env_field[BE_ENV_LOOPS] = (int)n;
		fields[n++] = LLVMArrayType2(cx->t_i64, cx->env_nloops);
	}
	if (cx->mem_size) {
		cx->env_field[BE_ENV_MEMORY] = (int)n;
		fields[n++] = LLVMArrayType2(cx->t_i8, cx->mem_fast);
	}
	cx->env_ty = LLVMStructTypeInContext(cx->C, fields, n, 0);
	return 0;
}

/* A libbpf BTF-defined map: a global of four pointers in ".maps" whose
 * meaning lives entirely in its debug info (be_di_map). */
static LLVMValueRef add_map(struct be_ctx *cx, const char *name, unsigned type,
			    uint32_t max_entries, LLVMMetadataRef key, LLVMMetadataRef value)
{
	LLVMTypeRef ptrs[4] = { cx->t_ptr, cx->t_ptr, cx->t_ptr, cx->t_ptr };
	LLVMTypeRef ty = LLVMStructTypeInContext(cx->C, ptrs, 4, 0);
	LLVMValueRef g = LLVMAddGlobal(cx->M, ty, name);

	LLVMSetInitializer(g, LLVMConstNull(ty));
	LLVMSetSection(g, ".maps");
	LLVMSetAlignment(g, 8);
	be_di_map(cx, g, name, type, max_entries, key, value);
	return g;
}

/* The maps the module declares (W2B_MAP): BTF-defined, in .maps under
 * their own names, so bpftool, skeletons and pinning see them. */
/* A ring buffer's event type in the object's BTF, where a consumer finds
 * it by the map's name: the variable w2b_event__NAME of that type, in
 * section .w2b.types, which libbpf skips (a ring buffer map itself may
 * not carry a value type: the kernel refuses one). docs/abi.md. */
static int add_event_type(struct be_ctx *cx, const struct ir_map *mp)
{
	char name[160];
	LLVMTypeRef ty = LLVMArrayType2(cx->t_i8, mp->value_type->size);
	LLVMValueRef g;

	snprintf(name, sizeof(name), "w2b_event__%s", mp->name);
	if (LLVMGetNamedGlobal(cx->M, name) || LLVMGetNamedFunction(cx->M, name)) {
		diag_ice(cx->d, "map '%s': the symbol %s is taken", mp->name, name);
		return -EINVAL;
	}
	g = LLVMAddGlobal(cx->M, ty, name);
	LLVMSetInitializer(g, LLVMConstNull(ty));
	LLVMSetSection(g, ".w2b.types");
	LLVMSetAlignment(g, 8);
	be_di_global(cx, g, name, be_di_dtype(cx, mp->value_type));
	return 0;
}

static int add_user_maps(struct be_ctx *cx)
{
	const struct ir_module *m = cx->m;
	LLVMTypeRef ptrs[6] = { cx->t_ptr, cx->t_ptr, cx->t_ptr, cx->t_ptr, cx->t_ptr, cx->t_ptr };

	cx->user_maps = calloc(m->nmaps ? m->nmaps : 1, sizeof(*cx->user_maps));
	if (!cx->user_maps)
		return -ENOMEM;
	for (uint32_t k = 0; k < m->nmaps; k++) {
		const struct ir_map *mp = &m->maps[k];
		unsigned n = 2 + !!mp->key_size + !!mp->value_size + !!mp->map_flags + !!mp->pinning;
		LLVMTypeRef ty = LLVMStructTypeInContext(cx->C, ptrs, n, 0);
		LLVMValueRef g;

		if (LLVMGetNamedGlobal(cx->M, mp->name)) {
			diag_ice(cx->d, "map '%s': the symbol is taken", mp->name);
			return -EINVAL;
		}
		g = LLVMAddGlobal(cx->M, ty, mp->name);
		LLVMSetInitializer(g, LLVMConstNull(ty));
		LLVMSetSection(g, ".maps");
		LLVMSetAlignment(g, 8);
		be_di_user_map(cx, g, mp);
		cx->user_maps[k] = g;
		if (!mp->key_size && !mp->value_size && mp->value_type &&
		    add_event_type(cx, mp))
			return -EINVAL;
	}
	return 0;
}

/* A .rodata variable with BTF. Constant to LLVM; reads that a loader's
 * value must reach are volatile (the globals), the others may be folded. */
static LLVMValueRef add_rodata(struct be_ctx *cx, const char *name, LLVMValueRef init,
			       unsigned align, LLVMMetadataRef di_ty)
{
	LLVMValueRef g = LLVMAddGlobal(cx->M, LLVMTypeOf(init), name);

	LLVMSetInitializer(g, init);
	LLVMSetGlobalConstant(g, 1);
	LLVMSetSection(g, ".rodata");
	LLVMSetAlignment(g, align);
	be_di_global(cx, g, name, di_ty);
	return g;
}

static int add_instance_state(struct be_ctx *cx)
{
	const struct ir_module *m = cx->m;

	if (cx->mem_in_map)
		cx->mem_map = add_map(cx, cx->map_names.memory, BE_MAP_TYPE_PERCPU_ARRAY, cx->mem_nblocks - 1,
				      cx->di_uint, cx->di_mem);
	for (uint32_t k = 0; k < m->nglobals; k++) {
		const struct ir_global *g = &m->globals[k];
		LLVMTypeRef ty = be_type(cx, g->type);

		if (g->mutable_ || !g->symbol)
			continue;
		if (LLVMGetNamedFunction(cx->M, g->symbol) || LLVMGetNamedGlobal(cx->M, g->symbol)) {
			diag_ice(cx->d, "global %u: symbol '%s' is defined twice", k, g->symbol);
			return -EINVAL;
		}
		cx->global_var[k] = add_rodata(cx, g->symbol,
					       LLVMConstInt(ty, (unsigned long long)g->init, 1),
					       g->type == IR_I64 ? 8 : 4,
					       be_di_const_volatile(cx, be_di_type(cx, g->type)));
	}
	if (cx->data_blob_size) {
		char *bytes = calloc(1, cx->data_blob_size);
		LLVMValueRef init;

		if (!bytes)
			return -ENOMEM;
		for (uint32_t k = 0; k < cx->nchunks; k++)
			if (cx->chunks[k].ro_off != UINT64_MAX)
				memcpy(bytes + cx->chunks[k].ro_off, cx->chunks[k].bytes,
				       cx->chunks[k].size);
		init = LLVMConstStringInContext(cx->C, bytes, (unsigned)cx->data_blob_size, 1);
		free(bytes);
		if (LLVMGetNamedFunction(cx->M, BE_DATA_SYMBOL) ||
		    LLVMGetNamedGlobal(cx->M, BE_DATA_SYMBOL)) {
			diag_ice(cx->d, "a symbol is named '%s'", BE_DATA_SYMBOL);
			return -EINVAL;
		}
		cx->data_blob = add_rodata(cx, BE_DATA_SYMBOL, init, 8,
					   be_di_const(cx, be_di_array(cx, cx->di_uchar, 8,
								       cx->data_blob_size)));
	}
	return 0;
}

static void add_license(struct be_ctx *cx, const char *license)
{
	size_t n = strlen(license);
	LLVMValueRef init = LLVMConstStringInContext(cx->C, license, (unsigned)n, 0);
	LLVMValueRef g = LLVMAddGlobal(cx->M, LLVMTypeOf(init), "LICENSE");

	LLVMSetInitializer(g, init);
	LLVMSetSection(g, "license");
	LLVMSetAlignment(g, 1);
}

static int target_setup(struct be_ctx *cx, int opt_level)
{
	/* -O0 leaves the IR as emitted but still allocates registers (Less):
	 * LLVM's -O0 allocator gives every value that crosses a block its
	 * own stack slot, and chains of calls ran out of the kernel's 512
	 * bytes (the memory's slow-path calls, emit_memory.c, made it
	 * common) */
	static const LLVMCodeGenOptLevel levels[4] = {
		LLVMCodeGenLevelLess, LLVMCodeGenLevelLess,
		LLVMCodeGenLevelDefault, LLVMCodeGenLevelAggressive,
	};
	LLVMTargetRef t;
	LLVMTargetDataRef dl;
	char *err = NULL;

	LLVMInitializeBPFTargetInfo();
	LLVMInitializeBPFTarget();
	LLVMInitializeBPFTargetMC();
	LLVMInitializeBPFAsmPrinter();
	LLVMInitializeBPFAsmParser();	/* be_unlinked()'s inline asm */
	if (LLVMGetTargetFromTriple(BPF_TRIPLE, &t, &err)) {
		diag_ice(cx->d, "LLVM has no BPF target: %s", err ? err : "?");
		LLVMDisposeMessage(err);
		return -EINVAL;
	}
	cx->TM = LLVMCreateTargetMachine(t, BPF_TRIPLE, cx->mcpu, "", levels[opt_level],
					 LLVMRelocDefault, LLVMCodeModelDefault);
	if (!cx->TM) {
		diag_ice(cx->d, "cannot create the BPF target machine (cpu %s)", cx->mcpu);
		return -EINVAL;
	}

	LLVMSetTarget(cx->M, BPF_TRIPLE);
	dl = LLVMCreateTargetDataLayout(cx->TM);
	LLVMSetModuleDataLayout(cx->M, dl);
	LLVMDisposeTargetData(dl);
	return 0;
}

/* Runs the new pass manager's `pipeline` on the module. */
static int run_pipeline(struct be_ctx *cx, const char *pipeline)
{
	LLVMPassBuilderOptionsRef po = LLVMCreatePassBuilderOptions();
	LLVMErrorRef e = LLVMRunPasses(cx->M, pipeline, cx->TM, po);

	LLVMDisposePassBuilderOptions(po);
	if (e) {
		char *msg = LLVMGetErrorMessage(e);

		diag_ice(cx->d, "LLVM %s pipeline failed: %s", pipeline, msg);
		LLVMDisposeErrorMessage(msg);
		return -EINVAL;
	}
	return 0;
}

static int run_passes(struct be_ctx *cx, int opt_level)
{
	char pipeline[32];

	snprintf(pipeline, sizeof(pipeline), "default<O%d>", opt_level);
	return run_pipeline(cx, pipeline);
}

void be_fn_attr(struct be_ctx *cx, LLVMValueRef fn, const char *name)
{
	unsigned kind = LLVMGetEnumAttributeKindForName(name, strlen(name));

	LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(cx->C, kind, 0));
}

/* Too many frames in some chain of calls: every Wasm function inlined
 * into its callers (loop bodies and programs stay functions), and the
 * module optimised again. Costs code size, so only when needed. */
static int flatten(struct be_ctx *cx, int opt_level)
{
	char pipeline[48];

	/* what is left of the Wasm functions (cx->fns may name deleted ones
	 * now): the internal functions; a callback is never called directly,
	 * so the attribute leaves it alone */
	for (LLVMValueRef f = LLVMGetFirstFunction(cx->M); f; f = LLVMGetNextFunction(f))
		if (LLVMCountBasicBlocks(f) && LLVMGetLinkage(f) == LLVMInternalLinkage)
			be_fn_attr(cx, f, "alwaysinline");
	snprintf(pipeline, sizeof(pipeline), "always-inline,default<O%d>", opt_level);
	if (run_pipeline(cx, pipeline))
		return -EINVAL;
	return opt_level > 0 ? be_fold_constant_checks(cx) : 0;
}

static int verify(struct be_ctx *cx, const char *when)
{
	char *msg = NULL;
	int bad = LLVMVerifyModule(cx->M, LLVMReturnStatusAction, &msg);

	if (bad)
		diag_ice(cx->d, "invalid LLVM module %s: %s", when, msg ? msg : "?");
	LLVMDisposeMessage(msg);
	return bad ? -EINVAL : 0;
}

int be_llvm_errors(struct be_ctx *cx, const char *when)
{
	const char *fn;

	if (!cx->llvm_errors)
		return 0;
	/* The one limit of the input LLVM reports itself: a function whose
	 * locals and spills need more than the 512 bytes of BPF stack. That
	 * is the input's size, not our bug: a refusal, named by function.
	 * LLVM's text is "FILE:LINE:1: in function NAME TYPE: Looks like the
	 * BPF stack limit is exceeded...". */
	fn = strstr(cx->llvm_errors, "in function ");
	if (strstr(cx->llvm_errors, "BPF stack limit is exceeded") && fn) {
		const char *name = fn + strlen("in function ");
		size_t n = strcspn(name, " :");
		const struct ir_func *f = ir_func_by_symbol(cx->m, name, n);

		if (f)
			diag_report(cx->d, DIAG_ERROR,
				    &(struct diag_loc){ f->offset, f->wasm_index, f->name, NULL },
				    "needs more than the kernel's 512 bytes of BPF stack for its locals "
				    "and spills after inlining (a C module compiled at -O0 often does: "
				    "compile it with -O2, or split the function)");
		else
			diag_report(cx->d, DIAG_ERROR, NULL,
				    "function '%.*s' needs more than the kernel's 512 bytes of BPF stack "
				    "for its locals (a C module compiled at -O0 often does: compile it with -O2, "
				    "or split the function)", (int)n, name);
		free(cx->llvm_errors);
		cx->llvm_errors = NULL;
		cx->llvm_errors_len = 0;
		/* -E2BIG: over the stack, which a retry with less on it (frames
		 * left in the memory, fewer recursion copies) may fix */
		return -E2BIG;
	}
	diag_ice(cx->d, "LLVM %s: %s%s", when, cx->llvm_errors,
		 cx->llvm_nerrors > BE_LLVM_ERRORS_KEPT ? "; ..." : "");
	free(cx->llvm_errors);
	cx->llvm_errors = NULL;
	cx->llvm_errors_len = 0;
	return -EINVAL;
}

static int output(struct be_ctx *cx, enum be_emit_kind kind, void **out, size_t *out_size)
{
	char *text, *buf;
	size_t size;

	if (kind != BE_EMIT_LL)
		return be_codegen(cx, kind == BE_EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile, out,
				  out_size);
	text = LLVMPrintModuleToString(cx->M);
	size = strlen(text);
	buf = malloc(size + 1);
	if (buf)
		memcpy(buf, text, size + 1);
	LLVMDisposeMessage(text);
	if (!buf) {
		diag_ice(cx->d, "out of memory for the %zu-byte output", size);
		return -ENOMEM;
	}
	*out = buf;
	*out_size = size;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int be_emit(const struct ir_module *m, const struct be_options *opts,
	    struct diag_sink *d, void **out, size_t *out_size)
{
	struct be_ctx cx;
	const char *license = opts && opts->license ? opts->license : "GPL";
	int opt_level = opts ? opts->opt_level : 2;
	enum be_emit_kind kind = opts ? opts->emit : BE_EMIT_OBJ;
	const char *file = m->file ? m->file : "module.wasm";
	int err = -EINVAL;

	*out = NULL;
	*out_size = 0;
	memset(&cx, 0, sizeof(cx));
	cx.m = m;
	cx.d = d;
	cx.mcpu = opts && opts->mcpu ? opts->mcpu : "v3";
	if (strcmp(cx.mcpu, "v1") && strcmp(cx.mcpu, "v2") && strcmp(cx.mcpu, "v3") &&
	    strcmp(cx.mcpu, "v4")) {
		diag_report(d, DIAG_ERROR, NULL, "unknown BPF cpu '%s' (expected v1, v2, v3 or v4)",
			    cx.mcpu);
		return -EINVAL;
	}
	cx.native_sdiv = !strcmp(cx.mcpu, "v4");
	cx.strict_align = opts && opts->strict_align;
	cx.gpl = w2b_license_is_gpl_compatible(license);
	cx.max_loop_iters = opts && opts->max_loop_iters ? opts->max_loop_iters : W2B_DEFAULT_MAX_LOOP_ITERS;
	w2b_map_names(&cx.map_names, opts ? opts->map_prefix : NULL);
	cx.span_lowering = ir_loop_lowering_for(opts && opts->target_kernel ? opts->target_kernel :
						W2B_DEFAULT_TARGET_KERNEL, cx.gpl);
	/* a span's body is a few instructions: not worth a global function,
	 * which would have to find the instance again (walked instead) */
	if (cx.span_lowering == IR_LOOP_GLOBAL)
		cx.span_lowering = IR_LOOP_COUNTED;
	if (opt_level < 0 || opt_level > 3) {
		diag_report(d, DIAG_ERROR, NULL, "optimisation level %d is not 0..3", opt_level);
		return -EINVAL;
	}

	cx.C = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(cx.C, on_llvm_diag, &cx);
	cx.M = LLVMModuleCreateWithNameInContext(base_name(file), cx.C);
	LLVMSetSourceFileName(cx.M, base_name(file), strlen(base_name(file)));
	if (target_setup(&cx, opt_level))
		goto out;
	cx.B = LLVMCreateBuilderInContext(cx.C);
	cx.t_void = LLVMVoidTypeInContext(cx.C);
	cx.t_i1 = LLVMInt1TypeInContext(cx.C);
	cx.t_i8 = LLVMInt8TypeInContext(cx.C);
	cx.t_i16 = LLVMInt16TypeInContext(cx.C);
	cx.t_i32 = LLVMInt32TypeInContext(cx.C);
	cx.t_i64 = LLVMInt64TypeInContext(cx.C);
	cx.t_ptr = LLVMPointerTypeInContext(cx.C, 0);
	cx.fns = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(*cx.fns));
	cx.fn_tys = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(*cx.fn_tys));
	cx.fn_sps = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(*cx.fn_sps));
	if (!cx.fns || !cx.fn_tys || !cx.fn_sps) {
		diag_ice(d, "out of memory");
		err = -ENOMEM;
		goto out;
	}

	if ((err = build_env_type(&cx))) {
		if (err == -ENOMEM)
			diag_ice(d, "out of memory");
		goto out;
	}
	err = -EINVAL;
	be_di_init(&cx);
	cx.env_map = add_map(&cx, cx.map_names.env, BE_MAP_TYPE_PERCPU_ARRAY, 1, cx.di_uint, cx.di_env);
	cx.stats_map = add_map(&cx, cx.map_names.trap_stats, BE_MAP_TYPE_PERCPU_ARRAY, W2B_TRAP_MAX,
			       cx.di_uint, cx.di_ullong);
	if ((err = add_user_maps(&cx)))
		goto out;
	if ((err = add_instance_state(&cx))) {
		if (err == -ENOMEM)
			diag_ice(d, "out of memory");
		goto out;
	}
	err = -EINVAL;
	add_license(&cx, license);

	for (uint32_t i = 0; i < m->nfuncs; i++)
		if (m->funcs[i].reachable && be_declare_func(&cx, i))
			goto out;
	for (uint32_t i = 0; i < m->nfuncs; i++)
		if (m->funcs[i].reachable && be_emit_func(&cx, i))
			goto out;
	for (uint32_t i = 0; i < m->nentries; i++)
		if (be_emit_entry(&cx, &m->entries[i]))
			goto out;

	LLVMDIBuilderFinalize(cx.D);
	if (verify(&cx, "before optimisation") || be_llvm_errors(&cx, "failed"))
		goto out;
	if (run_passes(&cx, opt_level) || be_llvm_errors(&cx, "optimisation failed"))
		goto out;
	if (opt_level > 0 && (be_fold_constant_checks(&cx) || be_llvm_errors(&cx, "optimisation failed")))
		goto out;
	/* the frames as LLVM's inliner left them; too many: every function
	 * inlined, and those counted again, reported this time */
	err = opts && opts->flatten ? -E2BIG : be_check_frames(&cx, false, false);
	if (err == -E2BIG && (flatten(&cx, opt_level) || be_llvm_errors(&cx, "optimisation failed")))
		err = -EINVAL;
	else if (err == -E2BIG && (err = be_check_frames(&cx, true, opts && opts->kernel_limits_warn)))
		err = -E2BIG;	/* reported: too deep for the kernel */
	if (!err)
		err = output(&cx, kind, out, out_size);
out:
	free(cx.llvm_errors);
	free(cx.fns);
	free(cx.fn_tys);
	free(cx.fn_sps);
	free(cx.global_slot);
	free(cx.global_read);
	free(cx.loop_base);
	free(cx.global_var);
	free(cx.user_maps);
	free(cx.di_src_files);
	free(cx.chunks);
	free(cx.image);
	if (cx.D)
		LLVMDisposeDIBuilder(cx.D);
	if (cx.B)
		LLVMDisposeBuilder(cx.B);
	if (cx.M)
		LLVMDisposeModule(cx.M);
	if (cx.TM)
		LLVMDisposeTargetMachine(cx.TM);
	LLVMContextDispose(cx.C);
	return err;
}
