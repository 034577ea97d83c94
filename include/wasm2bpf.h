/*
 * wasm2bpf.h — the compiler as a library.
 *
 *     struct w2b_compile_opts opts = { .sz = sizeof(opts), .mcpu = "v3" };
 *     struct w2b_output *out;
 *     int err = w2b_compile("policy.wasm", &opts, &out);
 *     ... out->data, out->size: the BPF ELF object ...
 *     w2b_output_free(out);
 *
 * Options structs start with their size (libbpf's convention), so fields can
 * be added without breaking callers compiled against an older header; zero
 * means "default" for every field.
 */
#ifndef WASM2BPF_H
#define WASM2BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct source_map;

enum w2b_emit {
	W2B_EMIT_OBJ = 0,	/* BPF ELF object */
	W2B_EMIT_ASM,		/* BPF assembly */
	W2B_EMIT_LL,		/* LLVM IR after optimisation */
	W2B_EMIT_IR,		/* wasm2bpf IR after all passes */
};

/* Diagnostic levels given to the callback. */
enum w2b_diag_level { W2B_NOTE, W2B_WARNING, W2B_ERROR, W2B_ICE };
typedef void (*w2b_diag_fn)(void *user, enum w2b_diag_level level, const char *line);

struct w2b_entry_spec {
	const char *export_name;	/* exported function */
	const char *section;		/* program section, libbpf SEC() name */
};

struct w2b_compile_opts {
	size_t sz;				/* sizeof(struct w2b_compile_opts) */
	const char *mcpu;			/* "v3" (default) or "v4" */
	int opt_level;				/* 0..3; -1 or unset: 2 */
	bool opt_level_set;			/* opt_level 0 is meant, not "unset" */
	const char *license;			/* default "GPL" */
	uint32_t max_loop_iters;		/* loop iterations per run; 0: W2B_DEFAULT_MAX_LOOP_ITERS */
	uint64_t memory_size;			/* instance memory bytes; 0: as declared (docs/cli.md) */
	bool strict_align;			/* see --strict-align */
	const struct w2b_entry_spec *entries;
	size_t nentries;
	const char *all_exports_section;	/* every exported function in this section */
	bool skip_unsupported;			/* drop entries outside the subset, list them */
	/* With no entries given: the module's recorded entries (the SDK's
	 * W2B_PROGRAM), plus this export as a syscall entry unless one of
	 * them is it (wasm2bpf run --invoke). */
	const char *fallback_entry;
	enum w2b_emit emit;
	/* The oldest kernel the object must load on, major << 8 | minor
	 * (0x50a: 5.10); 0: 6.1. Picks loop lowerings, and refuses program
	 * types, helpers and --mcpu the kernel lacks (docs/kernels.md). */
	uint32_t target_kernel;
	w2b_diag_fn diag;			/* NULL: print to stderr */
	void *diag_user;
	/* How deep calls around a cycle (recursion) may nest before the
	 * next traps "call stack exhausted"; 0: W2B_DEFAULT_MAX_RECURSION_DEPTH
	 * (ir/bound_recursion.c). */
	uint32_t max_recursion_depth;
	/* The object's own maps are PREFIX_env, PREFIX_mem, PREFIX_traps (at
	 * most 9 characters, a C identifier); NULL: the module's file name
	 * and a hash of the module and these options (docs/abi.md, Maps). */
	const char *map_prefix;
	/* --no-precheck: the object is written even where the compiler
	 * expects the kernel to refuse it (the precheck, the stack of call
	 * chains, helpers, program types, licence and kernel versions are
	 * warnings then): for kernels with backports, and for measuring the
	 * precheck against the kernel. */
	bool no_precheck;
	/* --btf FILE: the kernel BTF imports from module "core" (kernel
	 * fields by name) are resolved against; NULL: the running kernel's,
	 * /sys/kernel/btf/vmlinux. */
	const char *btf_path;
};

#define W2B_DEFAULT_MAX_LOOP_ITERS 1000000u
#define W2B_DEFAULT_MAX_RECURSION_DEPTH 8u
#define W2B_MAX_RECURSION_DEPTH_LIMIT 64u
/* A run's loops may make --max-loop-iters iterations (passes through a
 * loop body, the first included) in all; the kernel's BPF_MAX_LOOPS (8M)
 * bounds what one bpf_loop or iterator may count. */
#define W2B_MAX_LOOP_ITERS_LIMIT (8u * 1024 * 1024 - 1)

enum w2b_valtype { W2B_I32 = 1, W2B_I64 = 2 };

/* How an entry's parameters and results travel (docs/abi.md). */
enum w2b_entry_abi {
	W2B_ABI_SLOTS,		/* syscall: the context's u64 slots */
	W2B_ABI_PACKET,		/* (i32 pkt, i32 len) -> i32 verdict */
	W2B_ABI_ARGS,		/* the context's u64 words; the result returned */
	W2B_ABI_ARGS0,		/* the same, the program returns 0 */
	W2B_ABI_REGS,		/* pt_regs' argument registers; the result returned */
	W2B_ABI_CTX,		/* the context pointer; the result returned */
	W2B_ABI_RET,		/* pt_regs' return value register; the result
				 * returned */
	W2B_ABI_VERDICT,	/* the context's u64 words; the result returned
				 * as an LSM verdict: 0 or -errno */
};

struct w2b_entry_info {
	char *export_name;
	char *symbol;		/* the program's ELF symbol */
	char *section;
	uint8_t abi;		/* enum w2b_entry_abi */
	uint32_t nparams, nresults;
	uint8_t *param_types;	/* enum w2b_valtype */
	uint8_t *result_types;
};

struct w2b_skipped_entry {
	char *export_name;
	char *reason;		/* the diagnostic that refused it */
};

struct w2b_output {
	void *data;		/* the emitted object or text */
	size_t size;
	struct w2b_entry_info *entries;
	size_t nentries;
	struct w2b_skipped_entry *skipped;
	size_t nskipped;
	/* The module's function names by Wasm function index (NULL where it
	 * has none), for what a trap word names (common/abi.h). */
	char **func_names;
	size_t nfunc_names;
	/* Each defined function's body offset in the module, by the same
	 * index (0: imported or none): w2b_func_at() finds a function by an
	 * offset in it. */
	uint32_t *func_offsets;
	/* The module's source lines when it was built with -g (its DWARF),
	 * else NULL: read through w2b_source_text(). */
	struct source_map *source;
	/* The prefix of the object's own maps' names (common/abi.h). */
	char map_prefix[16];
};

/*
 * Compile a module file (.wasm, or .wat text). Returns 0 and *out, or:
 *   -EINVAL  the input was refused (malformed, invalid, outside the subset)
 *   -ENOTRECOVERABLE  internal compiler error
 *   other -errno  anything else (I/O, ...)
 * Diagnostics go to opts->diag.
 */
int w2b_compile(const char *path, const struct w2b_compile_opts *opts, struct w2b_output **out);
void w2b_output_free(struct w2b_output *out);
/* The Wasm index of the function whose body holds module offset
 * `offset`, or -1. */
long w2b_func_at(const struct w2b_output *out, uint32_t offset);
/* "parse.c:42:7": the source line of the module's byte offset, into buf,
 * or NULL when the module has no source lines (no -g) or none covers it. */
const char *w2b_source_text(const struct w2b_output *out, uint32_t offset, char *buf, size_t size);

/* Decode and validate only (`wasm2bpf check`): 0 valid, -EINVAL not. */
int w2b_check(const char *path, const struct w2b_compile_opts *opts);

/* "wasm2bpf 0.1.0" and the tools it is made of (LLVM, libbpf, the
 * binaryen helper's path), one per line, into buf. */
void w2b_version_text(char *buf, size_t size);

#endif
