/*
 * loader.c — a userspace loader written against the skeleton that
 * `bpftool gen skeleton` makes of a wasm2bpf object: it sets the module's
 * exported immutable globals through skel->rodata before load and calls
 * the programs with the syscall ABI (docs/abi.md). Built twice: against
 * tunable.wat's object (exported immutable globals) and tunable.c's (the
 * SDK's W2B_CONFIG), which have the same programs and settings.
 *
 *     loader            defaults: threshold 10, scale 3
 *     loader set        threshold 42, scale 1000, set before load
 *
 * Prints "skeleton: N passed, M failed".
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/abi.h"
#include "tunable.skel.h"
#include "expect.h"


/* One call of a one-parameter, one-result syscall entry. */
static uint64_t call(struct bpf_program *prog, uint64_t arg)
{
	uint8_t ctx[W2B_SYSCALL_CTX_SIZE(1, 1)] = { 0 };
	uint32_t status;
	uint64_t result;
	struct bpf_test_run_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.ctx_in = ctx;
	opts.ctx_size_in = sizeof(ctx);
	memcpy(ctx + W2B_SYSCALL_CTX_SLOTS, &arg, 8);
	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts)) {
		perror("bpf_prog_test_run_opts");
		failed++;
		return ~0ull;
	}
	memcpy(&status, ctx + W2B_SYSCALL_CTX_STATUS, 4);
	memcpy(&result, ctx + W2B_SYSCALL_CTX_SLOTS + 8, 8);
	if (status) {
		printf("FAIL trap %u\n", status);
		failed++;
	}
	return result;
}

int main(int argc, char **argv)
{
	int set = argc > 1 && !strcmp(argv[1], "set");
	struct tunable *skel = tunable__open();

	if (!skel) {
		perror("tunable__open");
		return 1;
	}
	expect("rodata threshold as compiled", (uint32_t)skel->rodata->threshold, 10);
	expect("rodata scale as compiled", (uint64_t)skel->rodata->scale, 3);
	if (set) {
		skel->rodata->threshold = 42;
		skel->rodata->scale = 1000;
	}
	if (tunable__load(skel)) {
		perror("tunable__load");
		tunable__destroy(skel);
		return 1;
	}
	expect("over(41)", call(skel->progs.over, 41), set ? 0 : 1);
	expect("over(43)", call(skel->progs.over, 43), 1);
	expect("over(10)", call(skel->progs.over, 10), set ? 0 : 0);
	expect("scaled(7)", call(skel->progs.scaled, 7), set ? 7000 : 21);
	tunable__destroy(skel);
	printf("skeleton: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
