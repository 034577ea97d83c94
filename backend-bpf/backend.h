/*
 * backend.h — IR to BPF ELF through the LLVM C API.
 *
 * be_emit() turns a module that went through every IR pass into an
 * eBPF object (or its assembly, or LLVM IR) in memory:
 *   - each entry becomes a global function in its SEC() section, a wrapper
 *     that unpacks the program context (common/abi.h; for a packet entry,
 *     XDP, TC or cgroup_skb, the packet's pointers), calls the Wasm
 *     function and reports a trap (returning the section's trap action);
 *   - each reachable Wasm function becomes a static subprogram (LLVM may
 *     inline it);
 *   - BTF and .BTF.ext come from debug info: one DISubprogram per function,
 *     one DILocation per instruction whose line is the instruction's Wasm
 *     byte offset, so the kernel's verifier log points into the module;
 *   - the license section (opts->license);
 *   - the instance state, one Wasm instance per CPU: mutable globals and
 *     (up to 32 KiB) the linear memory in the per-CPU env map, a larger
 *     memory in 16 KiB blocks, the hot one in the env map, the others in
 *     W2B_MEMORY_MAP (a PERCPU_ARRAY: the kernel allocates both for each
 *     possible CPU), set up from the data
 *     segments on each CPU's first run; data segments and exported immutable globals in .rodata.
 * Optimisation runs LLVM's default<On> pipeline on the BPF target machine,
 * which is the only way to get the BPF-specific IR passes.
 *
 * Output is deterministic: the same module and options give the same bytes.
 */
#ifndef W2B_BACKEND_BPF_BACKEND_H
#define W2B_BACKEND_BPF_BACKEND_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct ir_module;
struct diag_sink;

/* The symbol of a loop body's function (a bpf_loop callback, a global
 * function) is the enclosing function's, this, and the loop's Wasm byte
 * offset in hex: how a diagnostic about the object finds the loop. */
#define BE_LOOP_BODY_INFIX "__loop_"

enum be_emit_kind {
	BE_EMIT_OBJ,	/* ELF relocatable object */
	BE_EMIT_ASM,	/* BPF assembly text */
	BE_EMIT_LL,	/* LLVM IR text, after optimisation */
};

struct be_options {
	const char *mcpu;		/* "v3" (default) or "v4" */
	int opt_level;			/* 0..3; default 2 */
	const char *license;		/* "GPL" by default */
	enum be_emit_kind emit;
	/* Packet loads and stores as aligned as the module promises (byte by
	 * byte where it promises less). Without it they are done at their
	 * full width: the verifier lets packet accesses be unaligned on
	 * CPUs with efficient unaligned access (x86-64, arm64), and header
	 * fields are rarely aligned, so a C module's memcpy of 8 packet bytes
	 * is one load instead of eight. */
	bool strict_align;
	/* Loop iterations a run may make (the env's fuel), and the target
	 * kernel (common/kernel.h), whose loop form the backend's own loops
	 * (memory.copy/fill, data segments) take too. */
	uint32_t max_loop_iters;
	uint32_t target_kernel;
	/* Inline every Wasm function (only loop bodies and programs stay
	 * functions): fewer frames and less stack in a chain of calls, for
	 * more code. Done anyway when the chains are too deep. */
	bool flatten;
	/* The object's own maps are PREFIX_env, PREFIX_mem, PREFIX_traps
	 * (common/abi.h); NULL: "w2b". */
	const char *map_prefix;
	/* --no-precheck: a chain of calls deeper than the kernel's frames is
	 * a warning, and the object is written for the kernel to judge. */
	bool kernel_limits_warn;
};

/* The version of the LLVM the backend is linked with. */
void be_llvm_version(unsigned *major, unsigned *minor, unsigned *patch);

/* Returns 0 and a malloc'd buffer in *out (caller frees), or a negative
 * errno with the diagnostic already reported: -E2BIG when a program's
 * chain of calls is deeper than the kernel's frames even with every
 * function inlined, or a function's jumps reach further than BPF's
 * 16-bit offsets. */
int be_emit(const struct ir_module *m, const struct be_options *opts,
	    struct diag_sink *d, void **out, size_t *out_size);

#endif
