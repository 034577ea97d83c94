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
 * a main() that runs the harness once over each file named on the command
 * line: the way to replay a crash or a corpus without libFuzzer.
 */
#include <stdint.h>
#include <stdio.h>
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
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = NULL;
		size_t n = 0, cap = 0, got;

		if (!f) {
			perror(argv[i]);
			return 1;
		}
		do {
			if (n == cap) {
				uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 65536);

				if (!nb) {
					fclose(f);
					free(buf);
					return 1;
				}
				buf = nb;
			}
			got = fread(buf + n, 1, cap - n, f);
			n += got;
		} while (got);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	return 0;
}
#endif
