/*
 * bench.h — write a benchmark kernel once, compile it two ways.
 *
 * Every kernel in this folder is plain C built twice from the same source:
 *
 *   clang-19 --target=wasm32 -O2      -> .wasm -> wasm2bpf -> BPF object
 *   clang-19 -target bpf -O2 -g       -> BPF object (the native baseline)
 *
 * Both objects hold one `syscall` program named after the kernel, run with
 * BPF_PROG_TEST_RUN on the context of docs/abi.md: u32 status, u32 reserved,
 * u64 parameter 0, u64 result 0 (24 bytes). wasm2bpf derives that layout
 * from the exported function's type; the native wrapper below writes it by
 * hand, so the benchmark driver treats both objects the same way.
 *
 * The two toolchains differ only where eBPF forces them to:
 *
 * - Loops whose trip count is not a constant (BENCH_FOR, BENCH_WHILE). Under
 *   wasm32 they are ordinary C loops; wasm2bpf, with --target-kernel 6.4
 *   (the bench scripts' default), gives every loop a bpf_iter_num iterator
 *   as fuel. Natively they are open-coded bpf_iter_num
 *   loops too (libbpf's bpf_for/bpf_repeat, which Debian's libbpf 1.1 headers
 *   lack, so they are spelled out here): the same kernel mechanism on both
 *   sides, so the verifier checks each loop body once in both.
 * - Data. Kernels keep their arrays in file-scope globals: in Wasm they live in
 *   linear memory (wasm2bpf's per-CPU memory map); natively in the .bss/.data
 *   array maps libbpf creates. Indexes are masked (BENCH_IDX) so that the
 *   native verifier can bound them; the Wasm side runs the same mask.
 *   Arrays outlive a run on both sides (.bss is shared, the Wasm instance
 *   memory is per CPU and kept), so a kernel writes every element it reads:
 *   its result depends on n only.
 *
 * A kernel is written as
 *
 *     BENCH_KERNEL(name)
 *     {
 *             ... uses the parameter `n` (u32), returns a u64 ...
 *     }
 */
#ifndef BENCH_H
#define BENCH_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef unsigned long long u64;

/* Fuel for BENCH_WHILE on the native side: the same default wasm2bpf's
 * --max-loop-iters uses (run_bench.py passes the same value to both). */
#ifndef BENCH_MAX_ITERS
#define BENCH_MAX_ITERS 8388607
#endif

/* Index into a power-of-two array of `len` elements. */
#define BENCH_IDX(i, len) ((u32)(i) & ((len) - 1))

#ifdef __bpf__

#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

/* libbpf's bpf_for(): i runs over [start, end) and the verifier learns that
 * from the explicit range check (the iterator itself promises nothing about
 * the value it yields). */
#define BENCH_FOR(i, start, end)                                               \
	for (struct bpf_iter_num ___it __attribute__((aligned(8),              \
			cleanup(bpf_iter_num_destroy))),                       \
	     *___p __attribute__((unused)) =                                   \
		(bpf_iter_num_new(&___it, (start), (end)),                     \
		 (void)bpf_iter_num_destroy, (void *)0);                       \
	     ({                                                                \
		int *___t = bpf_iter_num_next(&___it);                         \
		(___t && ((i) = *___t, (i) >= (start) && (i) < (end)));        \
	     });)

/* libbpf's bpf_repeat() with the condition tested at the top. */
#define BENCH_WHILE(cond)                                                      \
	for (struct bpf_iter_num ___it __attribute__((aligned(8),              \
			cleanup(bpf_iter_num_destroy))),                       \
	     *___p __attribute__((unused)) =                                   \
		(bpf_iter_num_new(&___it, 0, BENCH_MAX_ITERS),                 \
		 (void)bpf_iter_num_destroy, (void *)0);                       \
	     bpf_iter_num_next(&___it) && (cond);)

/* The syscall context of docs/abi.md for one parameter and one result. */
struct bench_ctx {
	__u32 status;
	__u32 reserved;
	__u64 param;
	__u64 result;
};

#define BENCH_KERNEL(name)                                                     \
	static __always_inline u64 name##_body(u32 n);                         \
	SEC("syscall") int name(struct bench_ctx *ctx)                         \
	{                                                                      \
		ctx->result = name##_body((u32)ctx->param);                    \
		ctx->status = 0;                                               \
		return 0;                                                      \
	}                                                                      \
	static __always_inline u64 name##_body(u32 n)

#define BENCH_LICENSE char LICENSE[] SEC("license") = "GPL"

#else /* wasm32 */

#define BENCH_FOR(i, start, end) for ((i) = (start); (i) < (end); (i)++)
#define BENCH_WHILE(cond) while (cond)

#define BENCH_KERNEL(name)                                                     \
	__attribute__((export_name(#name))) u64 name(u32 n)

#define BENCH_LICENSE

#endif

#endif
