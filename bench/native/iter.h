/*
 * iter.h — libbpf's bpf_repeat() for the native packet programs: an
 * open-coded bpf_iter_num loop (kernel 6.4+; the kfuncs are declared by
 * hand because Debian's libbpf 1.1 headers lack bpf_repeat, as in
 * bench/kernels/bench.h). wasm2bpf gives every loop the same kind of
 * iterator as fuel, so both sides have the verifier check the loop body
 * once, and both pay one bpf_iter_num_next() call per iteration.
 */
#ifndef NATIVE_ITER_H
#define NATIVE_ITER_H

struct bpf_iter_num {
	__u64 __opaque[1];
} __attribute__((aligned(8)));

extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __ksym;

/* At most `n` passes (wasm2bpf's default --max-loop-iters is 1000000). */
#define REPEAT(n)                                                              \
	for (struct bpf_iter_num ___it __attribute__((aligned(8),              \
			cleanup(bpf_iter_num_destroy))),                       \
	     *___p __attribute__((unused)) =                                   \
		(bpf_iter_num_new(&___it, 0, (n)),                             \
		 (void)bpf_iter_num_destroy, (void *)0);                       \
	     bpf_iter_num_next(&___it);)

#endif
