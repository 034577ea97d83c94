/*
 * binaryen_tool.c — wasm2bpf-binaryen, the one program that links binaryen.
 *
 * Binaryen's shared library carries its own copy of parts of LLVM (its DWARF
 * support) and exports those symbols; loaded into the same process as
 * LLVM 19 (the backend) the two copies collide and the process crashes
 * before main. Binaryen also exits the process on bad input. So the
 * frontend never loads binaryen itself: it runs this small program
 * (isolate.c) and reads its exit status, stderr and stdout.
 *
 *     wasm2bpf-binaryen validate    binary module on stdin; exit 0 valid,
 *                                   3 invalid (binaryen's reasons on stderr)
 *
 * Binaryen's own fatal errors exit with status 1.
 */
#include <binaryen-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend/binaryen_tool.h"

/* Binaryen does not free everything on its error paths; in a sanitizer
 * build that would turn every refusal into a leak report. */
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return 1;
}

static char *read_all(FILE *f, size_t *size)
{
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap + 1);

	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf)
		buf[n] = '\0';
	*size = n;
	return buf;
}

static BinaryenFeatures wasm2_features(void)
{
	return BinaryenFeatureMVP() | BinaryenFeatureMutableGlobals() |
	       BinaryenFeatureNontrappingFPToInt() | BinaryenFeatureSignExt() |
	       BinaryenFeatureBulkMemory() | BinaryenFeatureMultivalue() |
	       BinaryenFeatureReferenceTypes() | BinaryenFeatureSIMD128() |
	       /* valid Wasm the subset check refuses with its own reasons */
	       BinaryenFeatureTailCall() | BinaryenFeatureAtomics();
}

int main(int argc, char **argv)
{
	size_t size;
	char *in;
	BinaryenModuleRef m;
	bool ok;

	if (argc != 2 || strcmp(argv[1], "validate")) {
		fprintf(stderr, "usage: wasm2bpf-binaryen validate < MODULE.wasm\n");
		return W2B_BINARYEN_USAGE;
	}
	in = read_all(stdin, &size);
	if (!in) {
		fprintf(stderr, "wasm2bpf-binaryen: cannot read stdin\n");
		return W2B_BINARYEN_USAGE;
	}
	m = BinaryenModuleRead(in, size);
	BinaryenModuleSetFeatures(m, wasm2_features());
	ok = BinaryenModuleValidate(m);
	BinaryenModuleDispose(m);
	free(in);
	return ok ? W2B_BINARYEN_OK : W2B_BINARYEN_INVALID;
}
