/*
 * vcheck.h — the kernel side: before loading, the precheck of an emitted
 * object against the verifier's rules (precheck.c, stack_depth.c) and what
 * it costs (footprint.c); then load it through libbpf, run its programs
 * with BPF_PROG_TEST_RUN, and report what the verifier said (load.c).
 *
 * This stage reads only BPF bytes (an ELF object in memory); it knows
 * nothing of Wasm or of the IR. Findings and the kernel's log name
 * functions by symbol and instructions by their BTF line info, which the
 * caller maps back to the Wasm module (cli/pipeline.c, cli/verify.c).
 */
#ifndef W2B_VERIFIER_CHECK_VCHECK_H
#define W2B_VERIFIER_CHECK_VCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vc_object;
struct diag_sink;

struct vc_load_opts {
	size_t sz;			/* sizeof(struct vc_load_opts) */
	const char *name;		/* object name for libbpf messages */
	unsigned log_level;		/* 0: log only on failure; 1, 2: as the kernel */
	/* With log_level 1 or 2: each program's log in a buffer of its own,
	 * kept with the object (vc_prog_log()), the rejected one's too. */
	bool keep_logs;
};

/*
 * Open and load every program and map of the object. On failure, reports
 * "error: program 'x' rejected by the kernel verifier: ..." with the tail of
 * the verifier log to d and returns NULL. *log (if non-NULL) receives the
 * whole malloc'd log of the failing program (caller frees), or NULL.
 */
struct vc_object *vc_load(const void *obj, size_t size, const struct vc_load_opts *opts,
			  struct diag_sink *d, char **log);
void vc_close(struct vc_object *o);

/* The kernel's log of loading the program (vc_load_opts.keep_logs), or
 * NULL. */
const char *vc_prog_log(struct vc_object *o, const char *symbol);

/* Program fd by ELF symbol name, or -ENOENT. */
int vc_prog_fd(struct vc_object *o, const char *symbol);

/* Instructions the verifier processed for the program (bpf_prog_info
 * verified_insns), or 0 if unknown. */
uint32_t vc_verified_insns(struct vc_object *o, const char *symbol);
/* Translated (xlated) instruction count of the loaded program. */
uint32_t vc_xlated_insns(struct vc_object *o, const char *symbol);

/*
 * Run a program once with BPF_PROG_TEST_RUN. ctx/ctx_size is the context
 * (for `syscall` programs it is copied back into ctx); data/data_size the
 * packet, if the program type takes one (at least 14 bytes, an Ethernet
 * header; XDP and TC programs see it whole, cgroup_skb ones from byte 14).
 * Returns 0 and the program's return value in *retval, or a negative errno
 * (reported to d). data_out (if not NULL) receives the packet as the
 * program left it, up to *data_out_size bytes; *data_out_size its length.
 */
int vc_test_run(struct vc_object *o, const char *symbol, void *ctx, size_t ctx_size,
		const void *data, size_t data_size, void *data_out, size_t *data_out_size,
		uint32_t *retval, struct diag_sink *d);

/* The instance state's maps in an object (footprint.c), named with
 * map_prefix (common/abi.h; NULL: the default): the env value and the
 * memory map's value and entries (0 if the memory is in the env value),
 * all per CPU. 0 or a negative errno. */
struct vc_footprint {
	uint32_t env_value;
	uint32_t memory_value, memory_entries;
};
int vc_footprint(const void *obj, size_t size, const char *map_prefix, struct vc_footprint *fp);

/* The kernel's limit on the stack of a chain of calls (MAX_BPF_STACK),
 * and on its frames (MAX_CALL_FRAMES). */
#define VC_MAX_STACK 512
#define VC_MAX_FRAMES 8

/* A program's chain of calls with the most stack, as the verifier adds it
 * up (stack_depth.c). */
struct vc_stack_chain {
	const char *prog;		/* the program's symbol */
	unsigned n;			/* frames, the program's own first */
	const char *fn[VC_MAX_FRAMES];	/* each frame's function symbol */
	uint32_t depth[VC_MAX_FRAMES];	/* the stack bytes each one uses */
	uint32_t total;			/* their sum, each rounded up to 32 */
};

/*
 * Before loading (stack_depth.c): for each program of the ELF object obj,
 * the chain of bpf-to-bpf calls and helper callbacks below it with the
 * most stack; over(chain, user) for each one above VC_MAX_STACK, which the
 * kernel would refuse ("combined stack size ... Too large"). 0, or
 * -EINVAL if obj is not a BPF ELF object it can read, -ENOMEM.
 */
int vc_check_stack(const void *obj, size_t size,
		   void (*over)(const struct vc_stack_chain *, void *), void *user);
/* The same walk, each(chain, user) for every program: its deepest chain
 * (`wasm2bpf --stats`). */
int vc_stack_chains(const void *obj, size_t size,
		    void (*each)(const struct vc_stack_chain *, void *), void *user);

/*
 * The precheck (precheck.c): the verifier's rules applied to the object's
 * bytes before anything is loaded, without privileges. An abstract
 * interpretation of every program and the functions it reaches — register
 * types (scalar, ctx, pkt, pkt_end, map_value, map_value_or_null, map_ptr,
 * fp), scalar ranges, packet ranges proven by comparisons with pkt_end,
 * null checks, stack slots — and the limits: instructions, frames, the
 * stack of a chain of calls, helpers and kfuncs for the program type, the
 * license and the target kernel, and an estimate of the instructions the
 * verifier will process.
 *
 * An error is a finding the kernel refuses on every path the analysis
 * sees (it names the rule in the kernel's words); where the analysis is
 * less exact than the verifier (joined paths, loops it does not unroll),
 * a possible refusal is a warning, so a program the kernel accepts gets
 * no error.
 */
enum vc_class {
	VC_CLASS_BOUNDS,	/* memory access outside what was proven */
	VC_CLASS_TYPE,		/* a register of the wrong type (null, scalar) */
	VC_CLASS_HELPER,	/* a helper the program type may not call */
	VC_CLASS_LICENSE,	/* GPL-only helper or kfunc, other license */
	VC_CLASS_KERNEL,	/* newer than --target-kernel */
	VC_CLASS_STACK,		/* 512 bytes of stack, 8 frames */
	VC_CLASS_COMPLEXITY,	/* 1M instructions processed, 1M in the program */
	VC_CLASS_RETURN,	/* the program's return value */
	VC_CLASS_COUNT
};
extern const char *const vc_class_name[VC_CLASS_COUNT];

struct vc_finding {
	bool error;		/* else a warning */
	enum vc_class cls;
	const char *prog;	/* the program's symbol */
	const char *fn;		/* the function holding the instruction */
	const char *section;	/* its section */
	uint64_t insn;		/* its index in the section, or UINT64_MAX: the
				 * program as a whole */
	const char *file;	/* BTF line info of the instruction, or NULL */
	uint32_t line, column;
	const char *msg;
};

struct vc_prog_cost {
	const char *prog;
	const char *section;
	uint64_t insns;		/* the program's and the functions it calls */
	uint64_t processed;	/* estimated instructions the verifier processes */
	bool processed_exact;	/* every loop's trip count was found */
};

struct vc_precheck_opts {
	size_t sz;		/* sizeof(struct vc_precheck_opts) */
	uint32_t target_kernel;	/* common/kernel.h; 0: no kernel version rule */
	void (*finding)(const struct vc_finding *, void *user);
	void (*cost)(const struct vc_prog_cost *, void *user);
	void *user;
};

/* 0 (findings went to opts->finding), -EINVAL if obj is not a BPF ELF
 * object it can read, -ENOMEM. */
int vc_precheck(const void *obj, size_t size, const struct vc_precheck_opts *opts);

/* The verifier's limit on processed instructions per program
 * (BPF_COMPLEXITY_LIMIT_INSNS), and on a program's instructions. */
#define VC_MAX_PROCESSED 1000000u
#define VC_MAX_INSNS 1000000u

#endif
