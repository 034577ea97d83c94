/*
 * decode_check — runs the binary reader alone: `decode_check FILE...`.
 *
 * Each file is decoded with fe_decode() and a stderr sink named after the
 * file, so its one diagnostic reads exactly as the compiler would print it
 * ("FILE:0xOFF: error: ..."). Exit status 1 if any file failed to decode
 * (or to be read), 0 if all decoded. The malformed-binary tests and the
 * spec-suite checks drive the reader through this before the CLI exists.
 */
#include <stdio.h>
#include <stdlib.h>

#include "common/arena.h"
#include "common/diag.h"
#include "frontend/wasm_module.h"

static unsigned char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t got;

		if (n == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct diag_sink d;
		struct arena a;
		unsigned char *bytes;
		size_t size = 0;

		bytes = read_file(argv[i], &size);
		if (!bytes) {
			perror(argv[i]);
			status = 1;
			continue;
		}
		diag_init(&d, argv[i]);
		arena_init(&a);
		if (!fe_decode(bytes, size, &a, &d))
			status = 1;
		arena_free(&a);
		free(bytes);
	}
	return status;
}
