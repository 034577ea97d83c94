/*
 * emit.h — what the backend's files share (private to backend-bpf/).
 *
 * One struct be_ctx lives for one be_emit() call and owns every LLVM object
 * (context, module, builders, DIBuilder, target machine); emit_module.c
 * creates and disposes them all. One struct be_fn lives while one Wasm
 * function's body is emitted (emit_function.c) and holds the per-function
 * tables: the LLVM value of each vreg, the stack slot of each local, what
 * each label jumps to, and the stack of live loop iterators.
 *
 * The files, by family (as in WAMR's aot_emit_*.c):
 *   emit_module.c     be_emit(): target, instance state layout (env value,
 *                     PREFIX_mem, .rodata), maps (ours and the module's),
 *                     license, passes, output
 *   emit_debuginfo.c  DIBuilder: file, compile unit, subprograms, map and
 *                     global variable DI
 *   emit_function.c   signatures, locals, structured control flow, calls,
 *                     traps, and the instance state: loads, stores,
 *                     globals, memory.copy/fill
 *   emit_loops.c      loops in the target kernel's form: counted, bpf_loop
 *                     callbacks, bpf_iter_num iterators; the run's fuel
 *   emit_numeric.c    IR_NUM with Wasm semantics
 *   emit_entry.c      the SEC() program wrappers around entry functions,
 *                     and the lazy per-CPU initialisation of the instance
 *   emit_packet.c     packet entries' data: the packet pointers functions
 *                     get, packet and dispatched accesses, socket filters'
 *                     and cgroup_skb's copies, context fields
 *   emit_maps.c       helper calls (maps, keys, sizes), map values in place
 *                     per lookup site, atomics
 *   emit_memory.c     a memory too large for the env value: its 16 KiB
 *                     blocks, the slow path's global functions
 *   emit_frames.c     the kernel's 8-frame limit, on the optimised module
 *   emit_codegen.c    LLVM code generation in a child process (a fatal
 *                     LLVM error is a diagnostic, not a crash)
 *
 * Errors: a function that fails reports through cx->d and returns -EINVAL;
 * builder calls themselves are not checked, the module is verified once.
 */
#ifndef W2B_BACKEND_BPF_EMIT_H
#define W2B_BACKEND_BPF_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/DebugInfo.h>
#include <llvm-c/TargetMachine.h>

#include "backend-bpf/backend.h"
#include "common/abi.h"
#include "common/diag.h"
#include "ir/ir.h"

/* BPF helper ids and map types used by the generated code (uapi bpf.h). */
#define BE_HELPER_MAP_LOOKUP_ELEM 1
#define BE_HELPER_GET_SMP_PROCESSOR_ID 8
#define BE_HELPER_SKB_PULL_DATA 39
#define BE_HELPER_SKB_LOAD_BYTES 26
#define BE_HELPER_LOOP 181
#define BE_MAP_TYPE_ARRAY 2
#define BE_MAP_TYPE_PERCPU_ARRAY 6

/* The largest value of a PERCPU_ARRAY map (the kernel's
 * PCPU_MIN_UNIT_SIZE): the env value, memory included, must fit. */
#define BE_PERCPU_VALUE_MAX 32768u
/* A memory too large for the env value is cut into blocks of this many
 * bytes (emit_memory.c): the hot one in the env value, the others in
 * W2B_MEMORY_MAP, a PERCPU_ARRAY. */
#define BE_MEM_BLOCK 16384u
#define BE_MEM_BLOCK_SHIFT 14

/* BPF passes at most five arguments in registers. The first is the env
 * (cx->nfixed of them: the memory's base is in it, the hot block of a
 * memory in blocks too); a function that needs the packet (ir_func.packet)
 * gets one more, the packet pointers (emit_packet.c): be_nfixed() in all.
 * A function with more Wasm params than be_max_reg_params() passes params
 * be_spill_first().. through a pointer to the caller's stack, the last
 * argument. */
#define BE_MAX_REG_ARGS 5

/* The largest packet offset the verifier lets a packet pointer carry
 * (MAX_PACKET_OFF in the kernel): an access of w bytes at offset x is
 * accepted only if x + w <= this is known before the pointer compare. */
#define BE_MAX_PACKET_OFF 0xffffu

/* Fields of the env value (LLVM struct type cx->env_ty):
 *   struct { u64 trap; u64 trap_at; u64 results[R]; u64 scratch[S];
 *            u64 initialized; u64 fuel; u64 globals[G]; u64 loops[L];
 *            u8 memory[M]; }
 * The last five exist only when the module needs them (cx->env_field[]
 * is the LLVM field index, or -1): a module without instance state or
 * loops has exactly the first three. fuel: the loop iterations this run
 * may still make (CALLBACK, ITER and GLOBAL loops; emit_loops.c). loops:
 * the loop state of each function with CALLBACK, GLOBAL or ITER loops, from
 * cx->loop_base[f]: the values its loops carry, where the verifier does
 * not track them (emit_loops.c). */
enum {
	BE_ENV_TRAP, BE_ENV_TRAP_AT, BE_ENV_RESULTS, BE_ENV_SCRATCH,
	BE_ENV_INIT, BE_ENV_FUEL, BE_ENV_GLOBALS, BE_ENV_LOOPS, BE_ENV_MEMORY,
	BE_ENV_NFIELDS
};

/* Kinds of memory loop a module can have: fill, copy forwards and
 * backwards, each by 8 and by 1 byte, in an env memory or hot block and in
 * W2B_MEMORY_MAP's blocks, and the data copy from .rodata. */
#define BE_MAX_SPAN_CBS 16

/* One piece of the memory's initial contents (emit_module.c plans them
 * from the data segments; emit_entry.c writes them on a CPU's first run). */
struct be_chunk {
	uint32_t mem_off;	/* where in the memory (8-aligned) */
	uint32_t size;		/* bytes */
	const uint8_t *bytes;	/* the contents, in cx->image */
	uint64_t ro_off;	/* offset in cx->data_blob, or UINT64_MAX: the
				 * chunk is written by constant stores */
};

struct be_ctx {
	const struct ir_module *m;
	struct diag_sink *d;
	const char *mcpu;
	bool native_sdiv;		/* cpu v4: sdiv/smod instructions */
	bool strict_align;		/* be_options.strict_align */

	LLVMContextRef C;
	LLVMModuleRef M;
	LLVMBuilderRef B;
	LLVMTargetMachineRef TM;
	LLVMDIBuilderRef D;

	LLVMTypeRef t_void, t_i1, t_i8, t_i16, t_i32, t_i64, t_ptr;

	/* The env map: its value struct and the sizes of its arrays. */
	LLVMTypeRef env_ty;
	uint32_t env_nresults, env_nscratch;
	int env_field[BE_ENV_NFIELDS];	/* LLVM field index, or -1 */
	LLVMValueRef env_map, stats_map;
	LLVMValueRef *user_maps;	/* per ir_module.maps: its .maps variable */

	/* Instance state (emit_module.c). */
	uint32_t mem_size;		/* bytes of linear memory (0: none, or empty) */
	bool mem_in_map;		/* in blocks: all but the hot one in
					 * W2B_MEMORY_MAP (emit_memory.c) */
	uint32_t mem_nblocks;		/* its blocks (mem_in_map) */
	uint32_t mem_block;		/* a block's bytes (W2B_MEMORY_MAP's value) */
	uint32_t mem_phase;		/* block k holds Wasm addresses from
					 * k * BE_MEM_BLOCK - mem_phase */
	uint32_t mem_hot;		/* the memory base is Wasm address mem_hot */
	uint32_t mem_fast;		/* the bytes at the memory base (in the
					 * env value): all of a small memory,
					 * the hot block of one in blocks */
	unsigned nfixed;		/* leading pointer args of every function */
	LLVMValueRef mem_map;		/* the memory blocks' map (PREFIX_mem), or NULL */
	struct w2b_map_names map_names;	/* the object's own maps' names (common/abi.h) */
	LLVMValueRef mem_gather, mem_scatter;	/* emit_memory.c, made on first use */
	uint32_t env_nglobals;		/* u64 slots: one per mutable global */
	uint32_t env_nloops;		/* u64 slots of the loop states */
	uint32_t *loop_base;		/* per IR function: its loop state's
					 * first slot there */
	uint32_t *global_slot;		/* per IR global: its env slot (mutable) */
	LLVMValueRef *global_var;	/* per IR global: its .rodata variable */
	bool *global_read;		/* per IR global: some reachable code reads
					 * it (else its initial value is unseen) */
	bool need_init;			/* data, non-zero globals or a start
					 * function to set up */
	struct be_chunk *chunks;	/* the memory's initial contents */
	uint32_t nchunks;
	uint8_t *image;			/* bytes the chunks point into (malloc'd) */
	LLVMValueRef data_blob;		/* .rodata "w2b_data", or NULL */
	uint64_t data_blob_size;

	/* The license is one the kernel counts as GPL-compatible: only then
	 * may the program call kfuncs. */
	bool gpl;
	uint32_t max_loop_iters;	/* a run's fuel (be_options) */
	/* The form of the backend's own loops (be_span_loop()): the target
	 * kernel's, as ir_loop_lowering_for() says. */
	enum ir_loop_lowering span_lowering;
	uint64_t ntraps;		/* trap blocks so far (COUNTED targets) */
	/* be_span_loop()'s bpf_loop callbacks, one per kind of span. */
	struct be_span_cb {
		unsigned w;
		bool backward, copy, blocked;
		uint64_t dsize, ssize;
		LLVMValueRef fn;
	} span_cbs[BE_MAX_SPAN_CBS];
	unsigned nspan_cbs;
	LLVMTypeRef span_ctx_ty;

	/* One LLVM function per IR function (NULL if not reachable). */
	LLVMValueRef *fns;
	LLVMTypeRef *fn_tys;

	/* struct w2b_packet { ptr data; ptr data_end; ptr ctx; } (emit_packet.c) */
	LLVMTypeRef pkt_ty;

	/* bpf_iter_num kfuncs, declared on first use. */
	LLVMValueRef k_new, k_next, k_destroy;
	LLVMTypeRef k_new_ty, k_next_ty, k_destroy_ty;

	/* Debug info (emit_debuginfo.c). */
	LLVMMetadataRef di_file, di_cu;
	LLVMMetadataRef *di_src_files;	/* per source file, made on first use */
	uint32_t loc_offset;		/* the Wasm offset be_di_set_loc() last set */
	LLVMMetadataRef di_int, di_uint, di_llong, di_ullong;
	LLVMMetadataRef di_voidp, di_ullongp, di_intp, di_iterp;
	LLVMMetadataRef di_env, di_envp;	/* struct w2b_env_value (*) */
	LLVMMetadataRef di_uchar;
	LLVMMetadataRef di_mem, di_memp;	/* struct w2b_memory_block (*) */
	LLVMMetadataRef di_pktp;	/* struct w2b_packet * */
	LLVMMetadataRef di_xdp_mdp, di_sk_buffp;	/* be_di_ctx_ptr(), made on first use */
	LLVMMetadataRef *fn_sps;	/* per IR function */

	/* Errors LLVM reported through the context's diagnostic handler. */
	char *llvm_errors;		/* the first LLVM errors, "; "-joined */
	size_t llvm_errors_len;
	uint32_t llvm_nerrors;		/* all of them, kept or not */
};

/* The state of one Wasm function while its body is emitted. */
struct be_label {
	LLVMBasicBlockRef bb;	/* where a branch to the label goes; NULL until
				 * its scope is opened */
	uint32_t niters;	/* iterators live at that point */
	bool open;		/* inside its scope: branches may target it */
};

struct be_fn {
	struct be_ctx *cx;
	const struct ir_func *f;
	uint32_t index;			/* in m->funcs */
	LLVMValueRef fn;
	LLVMMetadataRef sp;
	LLVMBuilderRef alloca_b;	/* at the end of the entry block */
	LLVMBasicBlockRef entry;
	LLVMValueRef env;
	LLVMValueRef mem;		/* base of the linear memory, or NULL */
	LLVMValueRef frame;		/* the promoted shadow-stack frame
					 * (ir_func.frame_size bytes), or NULL */
	LLVMValueRef pkt;		/* struct w2b_packet * (f->packet), or NULL */
	LLVMValueRef pkt_data, pkt_end;	/* the packet's data and data_end */
	LLVMValueRef pkt_ctx;		/* load_bytes functions: the skb instead */
	LLVMValueRef pkt_buf;		/* their 8-byte copy slot, made on first use */
	LLVMValueRef span_slot;		/* be_span_loop()'s stack slot (the loops
					 * never nest: one serves them all) */
	LLVMValueRef key_slot, key_fn;	/* emit_memory.c's block key slot, and
					 * the LLVM function it is in */
	LLVMValueRef *locals;		/* allocas */
	LLVMValueRef *vregs;
	const struct ir_inst **defs;	/* each vreg's definition (ir_vreg_defs()) */
	/* What an "out of bounds" trap emitted now accessed, for the env's
	 * trap_at (common/abi.h): set around an access's checks by
	 * be_trap_at(), region W2B_REGION_NONE otherwise. */
	struct be_trap_at {
		LLVMValueRef at;	/* i64 offset in the region, less add */
		uint64_t add, size;	/* size 0: known only at run time */
		uint8_t region, width;
	} trap_at;
	struct be_label *labels;	/* by label id; bb NULL until opened */
	LLVMValueRef *iters;		/* live bpf_iter_num slots, outermost first */
	uint32_t niters, iters_cap;
	LLVMValueRef *windows;		/* per lookup site: the map value's kernel
					 * pointer, or NULL (emit_maps.c) */
	LLVMValueRef *slots;		/* the loop fuel's iterator slot per depth */
	uint32_t nslots;
	/* The CALLBACK or GLOBAL loop whose body function is being emitted
	 * (fn, sp, entry, locals, windows, pointers are the body's), or NULL
	 * (emit_loops.c). */
	struct be_loop *cb;
	/* When the function has CALLBACK, GLOBAL or ITER loops, its loop state:
	 * one struct in the env value that every loop body finds, holding
	 * the exit code, the results and the locals the loops carry, which
	 * live there for the whole function (lfield: per local, its slot or
	 * UINT32_MAX) instead of being copied in and out around each loop;
	 * and for CALLBACK loops the loop pointers: a struct on the stack
	 * (bpf_loop passes only a stack pointer) with the pointers a body
	 * cannot find again, env, memory, packet, map values (emit_loops.c).
	 * In a body, both are the body's. */
	LLVMValueRef lctx, lptrs;
	LLVMTypeRef lctx_ty, lptrs_ty;
	uint32_t *lfield;
	bool bad;			/* an operand was not a defined vreg */
};

/* emit_module.c */
LLVMTypeRef be_type(struct be_ctx *cx, enum ir_type t);
/* Integer load/store with natural alignment (BPF splits anything less
 * into byte accesses). */
LLVMValueRef be_load(struct be_ctx *cx, LLVMTypeRef ty, LLVMValueRef p);
LLVMValueRef be_store(struct be_ctx *cx, LLVMValueRef v, LLVMValueRef p);
/* A pointer stored to / loaded from an 8-aligned slot. */
LLVMValueRef be_store_ptr(struct be_ctx *cx, LLVMValueRef v, LLVMValueRef p);
LLVMValueRef be_load_ptr(struct be_ctx *cx, LLVMValueRef p);
/* An i32/i64 value <-> the u64 of an env, spill or context slot (an i32 is
 * zero-extended; the high half is ignored on the way back). */
LLVMValueRef be_to_u64(struct be_ctx *cx, LLVMValueRef v);
LLVMValueRef be_from_u64(struct be_ctx *cx, LLVMValueRef v, LLVMTypeRef ty);
/* Calls helper `id` with the given function type. */
LLVMValueRef be_call_helper(struct be_ctx *cx, unsigned id, LLVMTypeRef fty,
			    LLVMValueRef *args, unsigned nargs);
/* bpf_map_lookup_elem(map, slot) with the i32 key stored in slot (an
 * i32 stack slot). */
LLVMValueRef be_map_lookup(struct be_ctx *cx, LLVMValueRef map, LLVMValueRef slot,
			   LLVMValueRef key);
/* Pointer to field `field` (BE_ENV_*) of the env value, element idx of the
 * arrays. */
LLVMValueRef be_env_slot(struct be_ctx *cx, LLVMValueRef env, unsigned field,
			 uint32_t idx);
/* The value v (i64) hidden from LLVM behind an empty inline asm: the same
 * register, but the optimiser can no longer see how it was computed. */
LLVMValueRef be_opaque(struct be_ctx *cx, LLVMValueRef v);
/* v (an i64) after a real `v += 0`: clears what the verifier links to it
 * (emit_module.c says why packet offsets need it). */
LLVMValueRef be_unlinked(struct be_ctx *cx, LLVMValueRef v);
LLVMValueRef be_opaque_here(struct be_ctx *cx, LLVMValueRef v);
/* v (an i64) after a real `v &= -1`: a register of its own for the
 * verifier, whose checks refine no other (emit_memory.c says why). */
LLVMValueRef be_unshared(struct be_ctx *cx, LLVMValueRef v);
static inline unsigned be_nfixed(const struct be_ctx *cx, const struct ir_func *f)
{
	return cx->nfixed + (f->packet ? 1u : 0u);
}
static inline unsigned be_max_reg_params(const struct be_ctx *cx, const struct ir_func *f)
{
	return BE_MAX_REG_ARGS - be_nfixed(cx, f);
}
static inline unsigned be_spill_first(const struct be_ctx *cx, const struct ir_func *f)
{
	return BE_MAX_REG_ARGS - be_nfixed(cx, f) - 1;
}
/* Gives function fn the LLVM attribute `name` (nounwind, noinline, ...). */
void be_fn_attr(struct be_ctx *cx, LLVMValueRef fn, const char *name);
/* A call of the intrinsic `name` overloaded on `ty`. */
LLVMValueRef be_intrinsic(struct be_ctx *cx, const char *name, LLVMTypeRef ty,
			  LLVMValueRef *args, unsigned nargs);

/* emit_debuginfo.c */
void be_di_init(struct be_ctx *cx);
void be_di_map(struct be_ctx *cx, LLVMValueRef g, const char *name,
	       unsigned map_type, uint32_t max_entries,
	       LLVMMetadataRef key, LLVMMetadataRef value);
/* A DIGlobalVariable of type ty for g (a .rodata variable). */
void be_di_global(struct be_ctx *cx, LLVMValueRef g, const char *name, LLVMMetadataRef ty);
/* const ty; const volatile ty, the type of a clang `const volatile` global. */
LLVMMetadataRef be_di_const(struct be_ctx *cx, LLVMMetadataRef ty);
LLVMMetadataRef be_di_const_volatile(struct be_ctx *cx, LLVMMetadataRef ty);
LLVMMetadataRef be_di_array(struct be_ctx *cx, LLVMMetadataRef elem, unsigned elem_bits,
			    uint64_t n);
/* A DISubprogram for fn, with one named parameter variable per entry of
 * names/types (ret NULL: void). */
/* A map the module declares: its BTF-defined .maps variable's DI (type,
 * max_entries, key, value, map_flags, pinning as libbpf reads them). */
void be_di_user_map(struct be_ctx *cx, LLVMValueRef g, const struct ir_map *mp);
LLVMMetadataRef be_di_func(struct be_ctx *cx, LLVMValueRef fn, const char *name,
			   unsigned line, bool local, bool definition,
			   LLVMMetadataRef ret, const char *const *names,
			   LLVMMetadataRef *types, unsigned nparams);
LLVMMetadataRef be_di_type(struct be_ctx *cx, enum ir_type t);
/* struct xdp_md * or struct __sk_buff *: the context of program kind
 * `kind` (enum ir_prog_kind, a packet kind). */
/* The debug info type of a C type from the module's DWARF (ir.h's
 * ir_dtype): a map's key or value, a ring buffer's events. */
LLVMMetadataRef be_di_dtype(struct be_ctx *cx, const struct ir_dtype *t);
LLVMMetadataRef be_di_ctx_ptr(struct be_ctx *cx, unsigned kind);
/* Instructions built from here on are at Wasm offset `offset` (its
 * source line where the module has them), in function scope sp; sets
 * cx->loc_offset. */
void be_di_set_loc(struct be_ctx *cx, LLVMMetadataRef sp, uint32_t offset);

/* emit_memory.c: a memory in W2B_MEMORY_MAP's blocks. */
/* An instance-memory access in W2B_MEMORY_MAP whose bytes may lie in
 * two blocks: where that case goes (emit_memory.c). */
struct be_straddle {
	LLVMBasicBlockRef bb;	/* unterminated; NULL: it cannot happen */
	LLVMValueRef ea;	/* the access's block address (i64), valid in bb */
};
/* This CPU's block k (an i32) of the memory; traps INTERNAL if missing. */
LLVMValueRef be_mem_block(struct be_fn *fs, LLVMValueRef k);
/* The pointer to `width` bytes at Wasm address a (an i32) + off, after
 * the checks: the hot block through fs->mem, any other looked up. NULL
 * when it always traps (the block is terminated), or, with st->bb set,
 * when it always straddles two blocks (the builder is in st->bb). An
 * access that may straddle sets st->bb, which the caller finishes with
 * be_mem_gather()/be_mem_scatter(); without st (a helper argument, an
 * atomic) a straddle traps span_split. */
LLVMValueRef be_block_ptr(struct be_fn *fs, LLVMValueRef a, uint64_t width, uint64_t off,
			  bool atomic, struct be_straddle *st);
/* The width (<= 8) bytes at block address ea (i64: the Wasm address +
 * cx->mem_phase, checked), as an i64 /
 * stores the low width bytes of v (i64): through global functions. */
LLVMValueRef be_mem_gather(struct be_ctx *cx, LLVMValueRef ea, unsigned width);
void be_mem_scatter(struct be_ctx *cx, LLVMValueRef ea, unsigned width, LLVMValueRef v);
/* Block k's pointer (k an i32, its key stored in slot, an i32 alloca):
 * the env value's memory for the hot block, else bpf_map_lookup_elem(
 * &W2B_MEMORY_MAP, &k); NULL if the lookup fails. */
LLVMValueRef be_lookup_block(struct be_ctx *cx, LLVMValueRef slot, LLVMValueRef k);
/* Block k's key in W2B_MEMORY_MAP (k is not the hot block, which has
 * none: the keys after it are one less). */
uint32_t be_block_key(const struct be_ctx *cx, uint32_t k);
/* The i32 slot for be_lookup_block() keys at the top of function fn. */
LLVMValueRef be_block_key_slot(struct be_ctx *cx, LLVMValueRef fn);
/* The global function w2b_mem_gather (store: w2b_mem_scatter). */
LLVMValueRef be_mem_straddle_fn(struct be_ctx *cx, bool store);

/* emit_function.c */
int be_declare_func(struct be_ctx *cx, uint32_t index);
int be_emit_func(struct be_ctx *cx, uint32_t index);
/* Calls IR function `index` with args (LLVM values of its params' types);
 * results[0..nresults) receive its results. Spills params past the
 * register limit into a slot made by alloca_b. pkt is the struct
 * w2b_packet pointer (passed only to a function with `packet`). */
LLVMValueRef be_build_call(struct be_ctx *cx, LLVMBuilderRef alloca_b,
			   LLVMValueRef env, LLVMValueRef pkt,
			   uint32_t index, LLVMValueRef *args, LLVMValueRef *results);
/* The bpf_iter_num kfuncs, declared on first use; 0 or -EINVAL. */
int be_declare_iter_kfuncs(struct be_ctx *cx);

/* A loop over cnt units of w bytes (8 or 1) that the verifier checks once,
 * whatever cnt: dbase[d + i*w] = sbase ? sbase[s + i*w] : fill, for i in
 * [0, cnt), descending if backward. Every access is checked against
 * dsize/ssize (a unit that does not fit ends the loop: callers check the
 * whole span first; the checks are for the verifier). cnt <= 2^23.
 * In cx->span_lowering's form: an open-coded bpf_iter_num loop (6.4+ and a
 * GPL-compatible license: kfuncs), a bpf_loop() with a callback (5.17+),
 * or an ordinary loop the verifier walks. *slot is the stack slot it
 * needs, made by alloca_b on first use and reused by the caller's later
 * spans.
 * 0 or -EINVAL (reported). */
struct be_span {
	LLVMValueRef dbase, sbase;	/* sbase NULL: a fill */
	uint64_t dsize, ssize;
	LLVMValueRef d, s;		/* i64 offsets of unit 0 */
	LLVMValueRef cnt;		/* i64 */
	unsigned w;
	bool backward;
	LLVMValueRef fill;		/* fill value, iN with N = 8w */
	/* Both sides in W2B_MEMORY_MAP's blocks (emit_memory.c): no bases,
	 * d and s (NULL: a fill) are Wasm addresses, dsize = ssize the
	 * memory size; each unit looks up its blocks. */
	bool blocked;
};
int be_span_loop(struct be_ctx *cx, LLVMBuilderRef alloca_b, LLVMValueRef *slot,
		 const struct be_span *sp);
/* An 8-byte-aligned struct bpf_iter_num slot, made by alloca_b. */
LLVMValueRef be_iter_slot(struct be_ctx *cx, LLVMBuilderRef alloca_b, const char *name);

/* The block a branch to l goes to from here (destroying the iterators it
 * leaves, or leaving the loop callback being emitted). */
LLVMBasicBlockRef be_edge_to(struct be_fn *fs, const struct be_label *l);
/* Returns vals (f's results) from the function, or from the loop callback
 * being emitted, for the function to return them (emit_loops.c). */
void be_return_values(struct be_fn *fs, LLVMValueRef *vals);
/* The exit of a trap and of a trap's unwinding: returns with zero results
 * (or leaves the loop callback being emitted, for the function to). */
void be_return_zero(struct be_fn *fs);

/* emit_loops.c */
struct be_loop;
/* Opens loop `in` whose label is l, in its lowering: sets l's block,
 * *cont (the block after the loop, in the function that goes on there)
 * and *lp, the state be_close_loop() takes. 0 or -EINVAL (reported). */
int be_open_loop(struct be_fn *fs, const struct ir_inst *in, struct be_label *l,
		 LLVMBasicBlockRef *cont, struct be_loop **lp);
/* The end of the loop's body: falling off it leaves the loop; the builder
 * is then at cont (for a CALLBACK loop, back in the enclosing function).
 * Frees lp. */
void be_close_loop(struct be_fn *fs, struct be_loop *lp, LLVMBasicBlockRef cont);
/* Destroys the live iterators above `keep`, innermost first. */
void be_leave_iters(struct be_fn *fs, uint32_t keep);
/* Before the locals: the function's loop state and pointers, if it has
 * CALLBACK, GLOBAL or ITER loops (fs->lctx, fs->lptrs). 0 or -ENOMEM. */
int be_loops_setup(struct be_fn *fs);
/* The u64 slots of f's loop state if it has CALLBACK, GLOBAL or ITER loops,
 * else 0 (for the env value's layout). */
uint32_t be_loop_state_slots(const struct ir_func *f);
/* The u64 slot of `local` in the loop state, or NULL if it lives in a
 * stack slot of its own. */
LLVMValueRef be_loop_local(struct be_fn *fs, uint32_t local);
/* In a loop callback: is l outside it? Then be_callback_exit_to() is the
 * block that leaves the callback for the function to branch to l. */
bool be_label_outside(const struct be_fn *fs, const struct be_label *l);
LLVMBasicBlockRef be_callback_exit_to(struct be_fn *fs, const struct be_label *l);
/* In a loop callback: leave it to return vals / to unwind a trap. */
void be_callback_return(struct be_fn *fs, LLVMValueRef *vals);
void be_callback_trap_exit(struct be_fn *fs);

/* The LLVM value of vreg v; a vreg that is out of range or not defined yet
 * sets fs->bad (reported after the instruction) and gives undef. */
LLVMValueRef be_val(struct be_fn *fs, uint32_t v);
/* An internal compiler error located at `offset` in fs's function. */
void be_fn_ice(struct be_fn *fs, uint32_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* if (cond) trap with code (env->trap = code, return); continues in a
 * fresh block. */
void be_trap_if(struct be_fn *fs, LLVMValueRef cond, uint32_t code);
/* x (an i64) after `if (x > limit) trap code`, as the value the check
 * itself defines: the register the verifier saw compared (emit_function.c,
 * "Memory accesses"). Continues in a fresh block. */
LLVMValueRef be_checked_index(struct be_fn *fs, LLVMValueRef x, uint64_t limit, uint32_t code);
/* The same check going to block `out` instead of a trap (limit <=
 * INT32_MAX). */
LLVMValueRef be_checked_index_to(struct be_fn *fs, LLVMValueRef x, uint64_t limit,
				 LLVMBasicBlockRef out);
/* Trap with code here: ends the block. */
void be_trap_exit(struct be_fn *fs, uint32_t code);
/* The out-of-bounds traps emitted from here on accessed `width` bytes at
 * offset at + add (at an i64, dominating them) of a region of `size`
 * bytes (0: not known here); region W2B_REGION_NONE ends it. */
void be_trap_at(struct be_fn *fs, unsigned region, LLVMValueRef at, uint64_t add, unsigned width,
		uint64_t size);
/* What a trap here stores in env->trap: the code, the function and the
 * Wasm offset of the instruction being emitted (W2B_TRAP_WORD). */
uint64_t be_trap_word(struct be_fn *fs, uint32_t code);
/* base + x + off for an access of `width` bytes into an object of `size`
 * bytes at base, x an i64 offset (a zext'ed i32): checked (trap out of
 * bounds past the object; for an atomic access also "unaligned atomic"),
 * in the shape the verifier accepts (emit_function.c's essay). The caller
 * has made sure width + off <= size. */
LLVMValueRef be_checked_ptr(struct be_fn *fs, LLVMValueRef base, LLVMValueRef x, uint64_t size,
			    uint64_t width, uint64_t off, bool atomic);
/* x (i64), after `if (x % width) trap "unaligned atomic"`, masked so that
 * the verifier knows it is a multiple of width. */
LLVMValueRef be_aligned(struct be_fn *fs, LLVMValueRef x, unsigned width);
/* Defines in->dst as v (type-checked); 0 or -EINVAL (reported). */
int be_def(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v);
/* The value of vals[0..n) (n >= 1) as it came from blocks from[] into
 * the current one: vals[0] alone, else a phi. */
LLVMValueRef be_join_values(struct be_ctx *cx, LLVMValueRef *vals, LLVMBasicBlockRef *from,
			    unsigned n);
/* The whole access `in` (IR_LOAD, IR_STORE) to instance memory, of any
 * layout: the loaded value, or NULL (a store, or an access that always
 * traps: the block is then terminated); *err < 0 on an error. */
LLVMValueRef be_instance_access(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v,
				int *err);
/* The kernel pointer to `size` bytes of instance memory at Wasm address
 * a (an i32), after the bounds check; NULL with *err 0 if it always traps
 * (the block is then terminated). For helper arguments. */
LLVMValueRef be_instance_span(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef a,
			      uint64_t size, int *err);
/* The pointer an instance-memory access of `width` bytes reaches, after
 * its bounds check; NULL with *err 0 when it always traps (the block is
 * then terminated), NULL with *err < 0 on an error (reported). */
LLVMValueRef be_instance_ptr(struct be_fn *fs, const struct ir_inst *in, unsigned width,
			     int *err);
/* Load/store `in` (IR_LOAD, IR_STORE) at p, with the module's alignment
 * hint; v is the value a store stores. Returns the loaded value, extended
 * to in->type, or the store. */
LLVMValueRef be_access_at(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef p,
			  LLVMValueRef v);

/* emit_maps.c */
/* In fs's entry block: one NULL-initialised window per lookup site. */
void be_maps_setup(struct be_fn *fs);
/* IR_HELPER_CALL: 0 or -EINVAL (reported). */
int be_emit_helper_call(struct be_fn *fs, const struct ir_inst *in);
/* The pointer to byte `at` (an i32) of the function's promoted frame. */
LLVMValueRef be_frame_ptr(struct be_fn *fs, LLVMValueRef at);
/* emit_core.c: IR_CORE, a kernel field through CO-RE. */
int be_emit_core(struct be_fn *fs, const struct ir_inst *in);
/* The pointer a MAP_VALUE access of `width` bytes reaches, after its
 * checks; NULL with *err 0 if it always traps, *err < 0 on an error. */
LLVMValueRef be_map_value_ptr(struct be_fn *fs, const struct ir_inst *in, unsigned width,
			      int *err);
/* IR_ATOMIC_RMW, IR_ATOMIC_CMPXCHG: 0 or -EINVAL (reported). */
int be_emit_atomic(struct be_fn *fs, const struct ir_inst *in);

/* Reports what LLVM's diagnostic handler collected in cx->llvm_errors
 * (when: the step, for the message): the BPF stack limit as a refusal
 * naming the function, anything else as an internal error. 0 if there
 * was nothing, else -EINVAL. */
int be_llvm_errors(struct be_ctx *cx, const char *when);
/* emit_codegen.c: the object (or assembly) for cx->M, made in a child
 * process so that a fatal LLVM error is a diagnostic, not a crash. 0 and a
 * malloc'd buffer (NUL-terminated one byte past *out_size), or -EINVAL
 * (reported). */
int be_codegen(struct be_ctx *cx, LLVMCodeGenFileType ft, void **out, size_t *out_size);

/* emit_frames.c: after optimisation, refuses (located at the entry) an
 * entry whose calls and loop callbacks nest deeper than the kernel's 8
 * frames. 0, or -EINVAL (reported), or without `report` -E2BIG (nothing
 * reported). */
int be_check_frames(struct be_ctx *cx, bool report, bool warn_only);

/* emit_numeric.c: the value of IR_NUM `in`, or NULL (reported). */
LLVMValueRef be_emit_numeric(struct be_fn *fs, const struct ir_inst *in);

/* emit_entry.c */
int be_emit_entry(struct be_ctx *cx, const struct ir_entry *e);
/* In a GLOBAL loop's body function, whose one argument is the program's
 * context ctx: the run found again as the entry found it (a global
 * function gets nothing else): sets fs->env, fs->mem and fs->pkt, a
 * struct w2b_packet on the body's stack; a lookup that fails (never, as
 * in the entry) branches to `missing`. */
void be_refind_run(struct be_fn *fs, LLVMValueRef ctx, LLVMBasicBlockRef missing);

/* emit_packet.c */
/* struct w2b_packet { ptr data; ptr data_end; ptr ctx; }, made on first use. */
LLVMTypeRef be_packet_type(struct be_ctx *cx);
/* In fs's entry block: fs->pkt_ctx (f->ctx), and fs->pkt_data and
 * fs->pkt_end from fs->pkt unless f->changes_packet (then NULL: each use
 * loads them from the struct). */
void be_packet_setup(struct be_fn *fs);
/* After a helper that moved the packet: data and data_end afresh from
 * the context of a program of type `kind` (be_packet_ctx()) into the
 * struct fs->pkt. */
void be_packet_reload(struct be_fn *fs, enum ir_prog_kind kind);
/* A load or store whose region is IR_MEM_PACKET or IR_MEM_DISPATCH
 * (v: the value a store stores). Returns the loaded value (loads), or
 * NULL with *err 0: a store, or an access that always traps (the block is
 * then terminated); *err < 0 on an error (reported). */
LLVMValueRef be_packet_access(struct be_fn *fs, const struct ir_inst *in, LLVMValueRef v,
			      int *err);
/* IR_CTX_GET, IR_CTX_SET: the u32 field at in->u.ctx.offset of the
 * context the packet struct carries. 0 or -EINVAL (reported). */
int be_emit_ctx_field(struct be_fn *fs, const struct ir_inst *in);
/* Pointer to byte `off` of the context ctx, as the verifier wants a
 * context access: base + constant, through llvm.preserve.static.offset
 * (emit_entry.c). */
LLVMValueRef be_ctx_ptr(struct be_ctx *cx, LLVMValueRef ctx, unsigned off);
/* Where a packet entry's context keeps the packet pointers (u32 fields),
 * and whether the skb must be pulled linear first (emit_entry.c): false
 * for a program type without a packet. */
struct be_packet_ctx {
	unsigned data, data_end;
	bool pull;
};
bool be_packet_ctx(enum ir_prog_kind kind, struct be_packet_ctx *pc);
/* The packet pointer in the u32 context field at off (data, data_end),
 * loaded as the verifier needs it (emit_entry.c). */
LLVMValueRef be_packet_field(struct be_ctx *cx, LLVMValueRef ctx, unsigned off);
/* After optimisation: packet offsets, memory and map value indexes that
 * became constants are checked at compile time (emit_packet.c). 0, or
 * -EINVAL (reported). */
int be_fold_constant_checks(struct be_ctx *cx);
/* Tags a barrier (be_opaque_here(), be_unlinked(), a be_checked_index()
 * check) for be_fold_constant_checks(). */
void be_mark_foldable(struct be_ctx *cx, LLVMValueRef barrier);

#endif
