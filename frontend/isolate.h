/*
 * isolate.h — run a tool (wasm2bpf-binaryen, wat2wasm) and collect what it says.
 *
 * Binaryen cannot live in our process (binaryen_tool.c says why), and it
 * exits on bad input, so every use of it is a child process: input on its
 * stdin, result on its stdout, messages on its stderr, verdict in its exit
 * status. A crash of the child is reported, never shared.
 *
 * The tool is found as $W2B_BINARYEN_TOOL if set, else next to the running
 * executable (the build tree), else in ../libexec/wasm2bpf beside it (an
 * install under any prefix), else in the configured install's libexec.
 */
#ifndef W2B_FRONTEND_ISOLATE_H
#define W2B_FRONTEND_ISOLATE_H

#include <stddef.h>
#include <stdint.h>

struct isolated_result {
	int status;		/* the child's exit status, or -1 if it was killed */
	int signal;		/* the signal that killed it, or 0 */
	char *messages;		/* NUL-terminated stderr (malloc'd) */
	uint8_t *output;	/* its stdout (malloc'd, NUL-terminated) */
	size_t output_size;
};

/* Runs argv (argv[0] looked up in PATH) with `in` on stdin. Returns 0
 * when the child ran (whatever its status), -errno if it could not be
 * started. */
int isolate_exec(const char *const *argv, const void *in, size_t in_size,
		 struct isolated_result *res);
/* Runs `wasm2bpf-binaryen MODE` the same way. */
int isolate_binaryen(const char *mode, const void *in, size_t in_size,
		     struct isolated_result *res);
void isolate_result_free(struct isolated_result *res);
/* Where wasm2bpf-binaryen is looked for, as above (malloc'd). */
char *isolate_binaryen_path(void);

#endif
