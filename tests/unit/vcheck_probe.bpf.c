/*
 * vcheck_probe.bpf.c — a hand-written `syscall` program for test_vcheck.c.
 *
 * It follows the syscall-entry ABI of common/abi.h for a function
 * (i64, i64) -> i64: parameters in the slots at ctx+8 and ctx+16, the result
 * in the slot at ctx+24, status 0 at ctx+0. Built twice:
 *
 *     clang-19 -O2 -g -target bpf -c vcheck_probe.bpf.c -o vcheck_probe.o
 *     clang-19 -O2 -g -target bpf -DVCHECK_PROBE_REJECT -c vcheck_probe.bpf.c \
 *         -o vcheck_reject.o
 *
 * The second build adds a read far beyond any context the kernel accepts
 * for a syscall program (it allows offsets below 65535), so the verifier
 * rejects it with "invalid bpf_context access" and test_vcheck can check
 * that the complaint reaches the diagnostic.
 */

/* No headers: <linux/bpf.h> wants the host's <asm/types.h>, which a plain
 * `-target bpf` compile does not find, and SEC() is all we need. */
#define SEC(name) __attribute__((section(name), used))

typedef unsigned int u32;
typedef unsigned long long u64;

SEC("syscall")
int probe_add(void *ctx)
{
	u64 a = *(u64 *)((char *)ctx + 8);
	u64 b = *(u64 *)((char *)ctx + 16);

#ifdef VCHECK_PROBE_REJECT
	a += *(volatile u64 *)((char *)ctx + 70000);
#endif
	*(u64 *)((char *)ctx + 24) = a + b;
	*(u32 *)ctx = 0;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
