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
 *   emit_module.c     be_emit(): target, maps, license, passes, output
 *   emit_debuginfo.c  DIBuilder: file, compile unit, subprograms, map DI
 *   emit_function.c   signatures, locals, structured control flow, calls,
 *                     traps and the bpf_iter_num loop fuel
 *   emit_numeric.c    IR_NUM with Wasm semantics
 *   emit_entry.c      the SEC() program wrappers around entry functions
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
#include "common/diag.h"
#include "ir/ir.h"

/* BPF helper ids and map types used by the generated code (uapi bpf.h). */
#define BE_HELPER_MAP_LOOKUP_ELEM 1
#define BE_MAP_TYPE_PERCPU_ARRAY 6

/* BPF passes at most five arguments in registers; the first is the env. */
#define BE_MAX_REG_ARGS 5
/* A function with more Wasm params than this passes params
 * BE_SPILL_FIRST.. through a pointer to the caller's stack. */
#define BE_MAX_REG_PARAMS (BE_MAX_REG_ARGS - 1)
#define BE_SPILL_FIRST (BE_MAX_REG_ARGS - 2)

/* Field numbers of the env value struct { u64 trap; u64 results[R];
 * u64 scratch[S]; } (LLVM struct type cx->env_ty). */
enum { BE_ENV_TRAP, BE_ENV_RESULTS, BE_ENV_SCRATCH };

struct be_ctx {
	const struct ir_module *m;
	struct diag_sink *d;
	const char *mcpu;
	bool native_sdiv;		/* cpu v4: sdiv/smod instructions */

	LLVMContextRef C;
	LLVMModuleRef M;
	LLVMBuilderRef B;
	LLVMTargetMachineRef TM;
	LLVMDIBuilderRef D;

	LLVMTypeRef t_void, t_i1, t_i8, t_i16, t_i32, t_i64, t_ptr;

	/* The env map: its value struct and the sizes of its arrays. */
	LLVMTypeRef env_ty;
	uint32_t env_nresults, env_nscratch;
	LLVMValueRef env_map, stats_map;

	/* One LLVM function per IR function (NULL if not reachable). */
	LLVMValueRef *fns;
	LLVMTypeRef *fn_tys;

	/* bpf_iter_num kfuncs, declared on first use. */
	LLVMValueRef k_new, k_next, k_destroy;
	LLVMTypeRef k_new_ty, k_next_ty, k_destroy_ty;

	/* Debug info (emit_debuginfo.c). */
	LLVMMetadataRef di_file, di_cu;
	LLVMMetadataRef di_int, di_uint, di_llong, di_ullong;
	LLVMMetadataRef di_voidp, di_ullongp, di_intp, di_iterp;
	LLVMMetadataRef di_env, di_envp;	/* struct w2b_env_value (*) */
	LLVMMetadataRef *fn_sps;	/* per IR function */

	/* Errors LLVM reported through the context's diagnostic handler. */
	char *llvm_errors;
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
	LLVMValueRef *locals;		/* allocas */
	LLVMValueRef *vregs;
	struct be_label *labels;	/* by label id; bb NULL until opened */
	LLVMValueRef *iters;		/* live bpf_iter_num slots, outermost first */
	uint32_t niters, iters_cap;
	bool bad;			/* an operand was not a defined vreg */
};

/* emit_module.c */
LLVMTypeRef be_type(struct be_ctx *cx, enum ir_type t);
/* Integer load/store with natural alignment (BPF splits anything less
 * into byte accesses). */
LLVMValueRef be_load(struct be_ctx *cx, LLVMTypeRef ty, LLVMValueRef p);
LLVMValueRef be_store(struct be_ctx *cx, LLVMValueRef v, LLVMValueRef p);
/* An i32/i64 value <-> the u64 of an env, spill or context slot (an i32 is
 * zero-extended; the high half is ignored on the way back). */
LLVMValueRef be_to_u64(struct be_ctx *cx, LLVMValueRef v);
LLVMValueRef be_from_u64(struct be_ctx *cx, LLVMValueRef v, LLVMTypeRef ty);
/* Calls helper `id` with the given function type. */
LLVMValueRef be_call_helper(struct be_ctx *cx, unsigned id, LLVMTypeRef fty,
			    LLVMValueRef *args, unsigned nargs);
/* Pointer to field `field` (BE_ENV_*) of the env value, element idx of the
 * arrays. */
LLVMValueRef be_env_slot(struct be_ctx *cx, LLVMValueRef env, unsigned field,
			 uint32_t idx);
/* A call of the intrinsic `name` overloaded on `ty`. */
LLVMValueRef be_intrinsic(struct be_ctx *cx, const char *name, LLVMTypeRef ty,
			  LLVMValueRef *args, unsigned nargs);

/* emit_debuginfo.c */
void be_di_init(struct be_ctx *cx);
void be_di_map(struct be_ctx *cx, LLVMValueRef g, const char *name,
	       unsigned map_type, uint32_t max_entries,
	       LLVMMetadataRef key, LLVMMetadataRef value);
/* A DISubprogram for fn, with one named parameter variable per entry of
 * names/types (ret NULL: void). */
LLVMMetadataRef be_di_func(struct be_ctx *cx, LLVMValueRef fn, const char *name,
			   unsigned line, bool local, bool definition,
			   LLVMMetadataRef ret, const char *const *names,
			   LLVMMetadataRef *types, unsigned nparams);
LLVMMetadataRef be_di_type(struct be_ctx *cx, enum ir_type t);
void be_di_set_loc(struct be_ctx *cx, LLVMMetadataRef sp, unsigned line);

/* emit_function.c */
int be_declare_func(struct be_ctx *cx, uint32_t index);
int be_emit_func(struct be_ctx *cx, uint32_t index);
/* Calls IR function `index` with args (LLVM values of its params' types);
 * results[0..nresults) receive its results. Spills params past the
 * register limit into a slot made by alloca_b. */
LLVMValueRef be_build_call(struct be_ctx *cx, LLVMBuilderRef alloca_b,
			   LLVMValueRef env, uint32_t index,
			   LLVMValueRef *args, LLVMValueRef *results);

/* The LLVM value of vreg v; a vreg that is out of range or not defined yet
 * sets fs->bad (reported after the instruction) and gives undef. */
LLVMValueRef be_val(struct be_fn *fs, uint32_t v);

/* emit_numeric.c: the value of IR_NUM `in`, or NULL (reported). */
LLVMValueRef be_emit_numeric(struct be_fn *fs, const struct ir_inst *in);

/* emit_entry.c */
int be_emit_entry(struct be_ctx *cx, const struct ir_entry *e);

#endif
