/*
 * abi.h — what an emitted object promises to whoever loads it.
 * docs/abi.md is the prose version of this file; keep them together.
 */
#ifndef W2B_COMMON_ABI_H
#define W2B_COMMON_ABI_H

#include <stdint.h>
#include <stdio.h>

/*
 * A `syscall` entry's context (BPF_PROG_TEST_RUN ctx_in, copied back out):
 *
 *     offset 0   u32 status     0 = the function returned; else a trap code
 *                               (common/trap_kinds.def)
 *     offset 4   u32 reserved   0
 *     offset 8   u64 slots[]    parameters 0..P-1, then results 0..R-1
 *
 * Every slot is 8 bytes, little endian; an i32 occupies the low 4 bytes of
 * its slot (the high 4 are ignored on input and zero on output). The caller
 * passes a context of W2B_SYSCALL_CTX_SIZE(P, R) bytes; with a shorter one
 * the kernel refuses the test run itself (EINVAL): syscall programs' context
 * accesses are checked against ctx_size_in at run time.
 */
#define W2B_SYSCALL_CTX_STATUS 0
#define W2B_SYSCALL_CTX_SLOTS 8
#define W2B_SYSCALL_CTX_SIZE(nparams, nresults) (8 + 8 * ((nparams) + (nresults)))

/*
 * Maps every object carries, named PREFIX_env (per-CPU scratch of the
 * instance), PREFIX_mem (PERCPU_ARRAY: a large memory's 16 KiB blocks but
 * the hot one) and PREFIX_traps (per-CPU u64 count per trap code). The
 * kernel keeps 15 characters of a map's name and bpftool finds maps by
 * it, so each object's names must differ from every other's: wasm2bpf
 * makes PREFIX from the module's file name and a hash of the module and
 * its options (cli/pipeline.c, map_prefix()), or takes --map-prefix; the
 * backend alone (be_options.map_prefix NULL) uses "w2b", the names below.
 */
#define W2B_MAP_PREFIX_MAX 9		/* 9 + "_traps" = 15 */
#define W2B_DEFAULT_MAP_PREFIX "w2b"
#define W2B_ENV_SUFFIX "_env"
#define W2B_MEMORY_SUFFIX "_mem"
#define W2B_TRAP_STATS_SUFFIX "_traps"
#define W2B_ENV_MAP W2B_DEFAULT_MAP_PREFIX W2B_ENV_SUFFIX
#define W2B_MEMORY_MAP W2B_DEFAULT_MAP_PREFIX W2B_MEMORY_SUFFIX
#define W2B_TRAP_STATS_MAP W2B_DEFAULT_MAP_PREFIX W2B_TRAP_STATS_SUFFIX

struct w2b_map_names {
	char env[16], memory[16], trap_stats[16];
};

/* The names of an object's maps for prefix (NULL: the default). */
static inline void w2b_map_names(struct w2b_map_names *n, const char *prefix)
{
	if (!prefix)
		prefix = W2B_DEFAULT_MAP_PREFIX;
	snprintf(n->env, sizeof(n->env), "%.9s" W2B_ENV_SUFFIX, prefix);
	snprintf(n->memory, sizeof(n->memory), "%.9s" W2B_MEMORY_SUFFIX, prefix);
	snprintf(n->trap_stats, sizeof(n->trap_stats), "%.9s" W2B_TRAP_STATS_SUFFIX, prefix);
}

/*
 * The env value's first u64, `trap`: 0 while a run goes on; after a run
 * that trapped (until the next run on that CPU) where and how:
 *
 *     bits  0..7   the trap code (common/trap_kinds.def)
 *     bits  8..31  the Wasm function index it trapped in (low 24 bits)
 *     bits 32..63  the byte offset in the module of the instruction
 */
#define W2B_TRAP_WORD(code, func, offset) \
	((uint64_t)(code) | ((uint64_t)(func) & 0xffffff) << 8 | (uint64_t)(offset) << 32)
#define W2B_TRAP_WORD_CODE(w) ((unsigned)((w) & 0xff))
#define W2B_TRAP_WORD_FUNC(w) ((uint32_t)((w) >> 8 & 0xffffff))
#define W2B_TRAP_WORD_OFFSET(w) ((uint32_t)((w) >> 32))

/*
 * The env value's second u64, `trap_at`: written with the trap word; for
 * an "out of bounds memory access" what was accessed, else 0:
 *
 *     bits  0..31  the access's byte offset in its region (its low 32 bits)
 *     bits 32..59  the region's size in bytes (0: known only at run time,
 *                  the packet's; at most W2B_TRAP_AT_SIZE_MAX)
 *     bits 60..61  log2 of the access's width (1, 2, 4, 8 bytes)
 *     bits 62..63  the region: enum w2b_trap_region
 */
enum w2b_trap_region {
	W2B_REGION_NONE, W2B_REGION_MEMORY, W2B_REGION_PACKET, W2B_REGION_MAP_VALUE
};
#define W2B_TRAP_AT_SIZE_MAX ((1ull << 28) - 1)
#define W2B_TRAP_AT_REGION(d) ((unsigned)((d) >> 62))
#define W2B_TRAP_AT_WIDTH(d) (1u << ((d) >> 60 & 3))
#define W2B_TRAP_AT_SIZE(d) ((uint64_t)((d) >> 32 & W2B_TRAP_AT_SIZE_MAX))
#define W2B_TRAP_AT_OFFSET(d) ((uint32_t)(d))

#endif
