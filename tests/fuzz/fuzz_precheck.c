/*
 * fuzz_precheck.c — libFuzzer harness for verifier-check's reading of BPF
 * objects.
 *
 * Every input is taken as a BPF ELF object and goes through what the
 * compiler runs on the object it has just written, and `wasm2bpf verify`
 * on one it is given: the precheck (bpf_image.c's decoder, then the
 * abstract interpretation of every program) at two target kernels, the
 * stack chains, and the instance-state footprint. Those objects come from
 * our own backend or from clang, but the decoder must still not trust
 * them: a truncated section, a symbol past its section's end, a
 * relocation at no instruction, a call into nowhere or a jump out of its
 * function must be refused (-EINVAL) or judged, never read out of bounds,
 * loop or recurse without limit.
 *
 * Findings and costs go to callbacks that only look at them (their
 * strings must be readable: they are measured). The seed corpus is objects
 * wasm2bpf builds from the tests and objects clang -target bpf builds
 * (tests/fuzz/corpus/precheck).
 *
 * scripts/fuzz.sh precheck SECONDS builds and runs it; built with
 * -DW2B_FUZZ_STANDALONE it replays files and directories (replay_main.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "common/kernel.h"
#include "verifier-check/vcheck.h"

/* A sink every string handed out must survive being read by: the sum
 * keeps the reads from being optimised away. */
static size_t seen;

static void look(const char *s)
{
	if (s)
		seen += strlen(s);
}

static void on_finding(const struct vc_finding *v, void *user)
{
	(void)user;
	if ((unsigned)v->cls >= VC_CLASS_COUNT)
		abort();
	look(v->prog);
	look(v->fn);
	look(v->section);
	look(v->file);
	look(v->msg);
}

static void on_cost(const struct vc_prog_cost *c, void *user)
{
	(void)user;
	look(c->prog);
	look(c->section);
}

static void on_chain(const struct vc_stack_chain *ch, void *user)
{
	(void)user;
	if (ch->n > VC_MAX_FRAMES)
		abort();
	look(ch->prog);
	for (unsigned k = 0; k < ch->n; k++)
		look(ch->fn[k]);
}

/* libbpf (the maps' value sizes, the footprint) would print a warning
 * for most inputs: slow, and no part of what is tested */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* libbpf (not ours) allocates sizes it computes from an object's fields,
 * and fails the open when malloc returns NULL for an absurd one, as it
 * does outside a sanitizer; ASan would abort there instead. Our own
 * absurd sizes are still findings: libFuzzer's -malloc_limit_mb (the
 * -rss_limit_mb scripts/fuzz.sh sets) reports any malloc over it. */
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vc_precheck_opts o = { sizeof(o), 0, on_finding, on_cost, NULL };
	struct vc_footprint fp;
	static bool silenced;
	int err;

	if (!silenced) {
		libbpf_set_print(quiet);
		silenced = true;
	}
	/* without a kernel rule, and with the oldest target kernel (its
	 * rules: no bpf_loop, fewer helpers) */
	err = vc_precheck(data, size, &o);
	if (err && err != -EINVAL && err != -ENOMEM)
		abort();
	if (!err) {
		o.target_kernel = W2B_OLDEST_TARGET_KERNEL;
		vc_precheck(data, size, &o);
	}
	vc_stack_chains(data, size, on_chain, NULL);
	vc_check_stack(data, size, on_chain, NULL);
	vc_footprint(data, size, NULL, &fp);
	return 0;
}

#ifdef W2B_FUZZ_STANDALONE
#include "replay_main.h"
#endif
