/*
 * replay_main.h — the main() of a harness built with -DW2B_FUZZ_STANDALONE
 * (no libFuzzer): runs LLVMFuzzerTestOneInput() once over each file named
 * on the command line, and over every regular file of each directory named
 * (a saved corpus), in name order so that a failure is reproducible.
 * Included by each tests/fuzz harness after it defines the entry point.
 */
#ifndef W2B_TESTS_FUZZ_REPLAY_MAIN_H
#define W2B_TESTS_FUZZ_REPLAY_MAIN_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		perror(path);
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
	/* the name first: if the input crashes, the log says which */
	fprintf(stderr, "replay %s (%zu bytes)\n", path, n);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int replay_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), err = 0;

	if (n < 0) {
		perror(dir);
		return 1;
	}
	for (int k = 0; k < n; k++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[k]->d_name);
		if (names[k]->d_name[0] != '.' && !stat(path, &st) && S_ISREG(st.st_mode))
			err |= replay_file(path);
		free(names[k]);
	}
	free(names);
	return err;
}

int main(int argc, char **argv)
{
	int err = 0, files = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (!stat(argv[i], &st) && S_ISDIR(st.st_mode))
			err |= replay_dir(argv[i]);
		else
			err |= replay_file(argv[i]);
		files++;
	}
	if (!files)
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
	return err || !files;
}

#endif
