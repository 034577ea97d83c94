/*
 * precheck_object.c — verifier-check's precheck on any BPF ELF object
 * (clang's too), for tests/precheck/run_precheck.py:
 *
 *     precheck_object OBJ.o
 *
 * prints a line per finding, "error CLASS: MESSAGE" or "warning CLASS:
 * MESSAGE" (classes: vc_class_name[]), and "cost PROG: N instructions,
 * P processed" per program; exit 0, or 2 if the object cannot be read.
 */
#include "verifier-check/vcheck.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_finding(const struct vc_finding *v, void *user)
{
	(void)user;
	printf("%s %s: %s (program '%s', function '%s')\n", v->error ? "error" : "warning",
	       vc_class_name[v->cls], v->msg, v->prog, v->fn);
}

static void on_cost(const struct vc_prog_cost *c, void *user)
{
	(void)user;
	printf("cost %s: %llu instructions, %s%llu processed\n", c->prog,
	       (unsigned long long)c->insns, c->processed_exact ? "" : ">= ",
	       (unsigned long long)c->processed);
}

int main(int argc, char **argv)
{
	struct vc_precheck_opts o = { sizeof(o), 0, on_finding, on_cost, NULL };
	FILE *f;
	char *buf;
	long n;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: precheck_object OBJ.o\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		perror(argv[1]);
		return 2;
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(argv[1]);
		return 2;
	}
	fclose(f);
	err = vc_precheck(buf, (size_t)n, &o);
	free(buf);
	if (err) {
		fprintf(stderr, "precheck_object: %s: %s\n", argv[1], strerror(-err));
		return 2;
	}
	return 0;
}
