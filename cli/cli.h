/*
 * cli.h — what the command's files share.
 */
#ifndef W2B_CLI_CLI_H
#define W2B_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "wasm2bpf.h"

enum {
	W2B_EXIT_OK = 0,
	W2B_EXIT_REFUSED = 1,	/* the input was refused */
	W2B_EXIT_FAILURE = 2,	/* anything else went wrong */
	W2B_EXIT_TRAP = 3,	/* run: the program trapped */
	W2B_EXIT_ICE = 4,	/* internal compiler error */
};

struct cli_opts {
	bool verbose;		/* -v: the version went to stderr */
	const char *input;
	const char *output;
	struct w2b_compile_opts compile;
	struct w2b_entry_spec *entries;
	size_t nentries;
	const char *invoke;	/* run: the export to call */
	bool batch;		/* run: read invoke commands from stdin */
	const char *packet;	/* run: hex bytes of the packet for a packet entry */
	char **args;		/* run: TYPE:VALUE arguments */
	size_t nargs;
	bool verify;		/* --verify: load in the kernel, print its logs */
	bool stats;		/* --stats: what each program costs */
	bool check_only;	/* --check: compile and precheck, write nothing */
};

int cli_parse(int argc, char **argv, struct cli_opts *c);
void cli_opts_free(struct cli_opts *c);
/* Writes an output file as a compiler does (-o): a regular file replaced
 * whole or not at all, under the umask; a link followed; a device or FIFO
 * written in place. 0 or -errno. */
int cli_write_output(const char *path, const void *data, size_t size);
int cli_run(struct cli_opts *c);
/* `wasm2bpf events ...` (events.c): argv[0] is "events". An exit status. */
int cli_events(int argc, char **argv);
/* "func[3] 'parse', offset 0x1a2 (parse.c:42:7)": a Wasm function and a
 * module offset as run.c's traps and verify.c's logs name them (the
 * source line when the module has them), into buf. */
const char *cli_func_offset(const struct w2b_output *out, uint32_t f, uint32_t off, char *buf,
			    size_t size);
/* --stats and --verify of a compiled object (verify.c): 0, or an exit
 * status (the kernel refused a program). */
int cli_verify(const struct cli_opts *c, const struct w2b_output *out);

#endif
