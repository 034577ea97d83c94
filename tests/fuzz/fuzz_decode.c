/*
 * fuzz_decode.c — libFuzzer harness for the binary reader.
 *
 * Every input goes through fe_decode() with a fresh arena and a sink that
 * throws the diagnostic away: what is being tested is that no input makes
 * the reader read outside its buffer, trip a sanitizer, abort, recurse or
 * take super-linear time, and that a failure reports exactly one error.
 *
 *   clang-19 -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -I. \
 *     common/arena.c common/diag.c frontend/opcodes.c frontend/wasm_decode.c \
 *     tests/fuzz/fuzz_decode.c -o fuzz_decode
 *   ./fuzz_decode -max_total_time=300 CORPUS_DIR
 *
 * Built with -DW2B_FUZZ_STANDALONE (and without -fsanitize=fuzzer) it gets
 * a main() (replay_main.h) that runs the harness once over each file or
 * directory named on the command line: the way to replay a crash or a
 * corpus without libFuzzer. scripts/fuzz.sh builds and runs the fuzzer.
 */
#include <stdint.h>
#include <stdlib.h>

#include "common/arena.h"
#include "common/diag.h"
#include "frontend/wasm_module.h"

static void discard(void *user, enum diag_level level, const char *line)
{
	(void)user;
	(void)level;
	(void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_sink d;
	struct arena a;
	struct fe_module *m;

	diag_init(&d, "fuzz.wasm");
	d.cb = discard;
	arena_init(&a);
	m = fe_decode(data, size, &a, &d);
	/* The contract: NULL with exactly one error, or a module and none. */
	if (m ? d.nerrors != 0 : d.nerrors != 1)
		abort();
	arena_free(&a);
	return 0;
}

#ifdef W2B_FUZZ_STANDALONE
#include "replay_main.h"
#endif
