/*
 * main.c — the wasm2bpf command.
 *
 *     wasm2bpf [OPTIONS] INPUT -o OUTPUT      compile (the default)
 *     wasm2bpf check INPUT                    decode and validate only
 *     wasm2bpf run INPUT --invoke FUNC ARGS   compile, load, run once (run.c)
 *
 * Exit status: 0 ok, 1 the input was refused, 2 any other failure,
 * 3 (run) the program trapped, 4 internal compiler error. docs/cli.md is
 * the reference; keep it in step with usage() below.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "cli/cli.h"
#include "common/io.h"
#include "common/kernel.h"
#include "wasm2bpf.h"

static void usage(FILE *out)
{
	fputs("usage: wasm2bpf [OPTIONS] INPUT.wasm|INPUT.wat [-o OUTPUT]\n"
	      "       wasm2bpf check INPUT\n"
	      "       wasm2bpf run [OPTIONS] INPUT --invoke FUNC [TYPE:VALUE ...]\n"
	      "       wasm2bpf run [OPTIONS] INPUT --entry FUNC=xdp --invoke FUNC --packet HEX\n"
	      "       wasm2bpf run [OPTIONS] INPUT --all-exports --batch [--skip-unsupported]\n"
	      "       wasm2bpf events (--map NAME | --map-id ID | --pinned PATH) [--count N]\n"
	      "                       [--timeout SECONDS] [--raw]\n"
	      "\n"
	      "options:\n"
	      "  -o FILE                 output file (default: INPUT with .bpf.o; '-' is stdout)\n"
	      "  --entry FUNC=SECTION    make exported FUNC a program in SECTION (repeatable)\n"
	      "  --all-exports[=SECTION] every exported function, in SECTION (default syscall)\n"
	      "  --skip-unsupported      leave out entries outside the subset, listing why\n"
	      "  --emit=obj|asm|ll|ir    what to write (default obj)\n"
	      "  -O0 -O1 -O2 -O3         optimisation level (default -O2)\n"
	      "  --mcpu=v3|v4            BPF ISA version (default v3)\n"
	      "  --license=NAME          license section (default GPL)\n"
	      "  --memory-size=N[K|M]    instance memory in bytes (default: the module's\n"
	      "                          declared size; smaller traps above N: docs/cli.md)\n"
	      "  --target-kernel=X.Y     oldest kernel the object must load on (default 6.1,\n"
	      "                          at least 5.10; docs/kernels.md)\n"
	      "  --max-loop-iters=N      loop iterations a run may make in all before it\n"
	      "                          traps (default 1000000, at most 8388607)\n"
	      "  --max-recursion-depth=N how deep calls around a cycle may nest before the\n"
	      "                          next traps (default 8, at most 64)\n"
	      "  --strict-align          packet accesses only as aligned as the module says\n"
	      "                          (for kernels on CPUs without fast unaligned access)\n"
	      "  --check                 compile and precheck against the verifier's rules,\n"
	      "                          write nothing (no privileges needed)\n"
	      "  --no-precheck           write the object even where the kernel is expected\n"
	      "                          to refuse it (those errors become warnings)\n"
	      "  --stats                 per program: instructions, stack, the verifier's\n"
	      "                          estimated work (with --verify: what it processed)\n"
	      "  --verify                load each program in the running kernel and print\n"
	      "                          its verifier log, in the module's terms (root)\n"
	      "  --btf=FILE              the kernel BTF that \"core\" imports (kernel fields\n"
	      "                          by name) resolve against (default: the running\n"
	      "                          kernel's, /sys/kernel/btf/vmlinux)\n"
	      "  --map-prefix=NAME       the object's own maps are NAME_env, NAME_mem,\n"
	      "                          NAME_traps (default: from the file name and a hash)\n"
	      "  -v                      print the version and the tools, then go on\n"
	      "  --version               print the version and the tools, and exit\n"
	      "  -h, --help              this text\n", out);
}

static int exit_status(int err)
{
	if (!err)
		return 0;
	if (err == -EINVAL)
		return W2B_EXIT_REFUSED;
	if (err == -ENOTRECOVERABLE)
		return W2B_EXIT_ICE;
	return W2B_EXIT_FAILURE;
}

/* Adds "FUNC=SECTION" to the entry list. */
static int add_entry_spec(struct cli_opts *c, const char *arg)
{
	const char *eq = strrchr(arg, '=');

	if (!eq || eq == arg || !eq[1]) {
		fprintf(stderr, "wasm2bpf: error: --entry %s: expected FUNC=SECTION\n", arg);
		return -1;
	}
	c->entries = realloc(c->entries, (c->nentries + 1) * sizeof(*c->entries));
	if (!c->entries)
		abort();
	c->entries[c->nentries].export_name = strndup(arg, (size_t)(eq - arg));
	c->entries[c->nentries].section = eq + 1;
	c->nentries++;
	return 0;
}

/* --NAME=ARG as a positive 32-bit number into *out; 0, or -1 (said). */
static int positive_u32(const char *name, const char *arg, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);

	if (*end || !arg[0] || v == 0 || v > 0xffffffffUL) {
		fprintf(stderr, "wasm2bpf: error: --%s=%s: expected a positive number\n", name, arg);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_opts *c)
{
	enum { O_ENTRY = 256, O_ALL, O_SKIP, O_EMIT, O_MCPU, O_LICENSE, O_LOOPS,
	       O_INVOKE, O_BATCH, O_MEMSIZE, O_PACKET, O_STRICT_ALIGN, O_TARGET_KERNEL,
	       O_RECURSION, O_MAP_PREFIX, O_VERIFY, O_STATS, O_CHECK, O_NO_PRECHECK, O_BTF,
	       O_VERSION };
	static const struct option longopts[] = {
		{ "entry", required_argument, NULL, O_ENTRY },
		{ "version", no_argument, NULL, O_VERSION },
		{ "all-exports", optional_argument, NULL, O_ALL },
		{ "skip-unsupported", no_argument, NULL, O_SKIP },
		{ "emit", required_argument, NULL, O_EMIT },
		{ "mcpu", required_argument, NULL, O_MCPU },
		{ "license", required_argument, NULL, O_LICENSE },
		{ "max-loop-iters", required_argument, NULL, O_LOOPS },
		{ "max-recursion-depth", required_argument, NULL, O_RECURSION },
		{ "memory-size", required_argument, NULL, O_MEMSIZE },
		{ "strict-align", no_argument, NULL, O_STRICT_ALIGN },
		{ "map-prefix", required_argument, NULL, O_MAP_PREFIX },
		{ "verify", no_argument, NULL, O_VERIFY },
		{ "stats", no_argument, NULL, O_STATS },
		{ "check", no_argument, NULL, O_CHECK },
		{ "btf", required_argument, NULL, O_BTF },
		{ "no-precheck", no_argument, NULL, O_NO_PRECHECK },
		{ "target-kernel", required_argument, NULL, O_TARGET_KERNEL },
		{ "invoke", required_argument, NULL, O_INVOKE },
		{ "batch", no_argument, NULL, O_BATCH },
		{ "packet", required_argument, NULL, O_PACKET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	memset(c, 0, sizeof(*c));
	c->compile.sz = sizeof(c->compile);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:O:hv", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o':
			c->output = optarg;
			break;
		case 'O':
			if (strlen(optarg) != 1 || optarg[0] < '0' || optarg[0] > '3') {
				fprintf(stderr, "wasm2bpf: error: -O%s: expected -O0 to -O3\n", optarg);
				return -1;
			}
			c->compile.opt_level = optarg[0] - '0';
			c->compile.opt_level_set = true;
			break;
		case O_ENTRY:
			if (add_entry_spec(c, optarg))
				return -1;
			break;
		case O_ALL:
			c->compile.all_exports_section = optarg ? optarg : "syscall";
			break;
		case O_SKIP:
			c->compile.skip_unsupported = true;
			break;
		case O_EMIT:
			if (!strcmp(optarg, "obj"))
				c->compile.emit = W2B_EMIT_OBJ;
			else if (!strcmp(optarg, "asm"))
				c->compile.emit = W2B_EMIT_ASM;
			else if (!strcmp(optarg, "ll"))
				c->compile.emit = W2B_EMIT_LL;
			else if (!strcmp(optarg, "ir"))
				c->compile.emit = W2B_EMIT_IR;
			else {
				fprintf(stderr, "wasm2bpf: error: --emit=%s: expected obj, asm, ll or ir\n", optarg);
				return -1;
			}
			break;
		case O_MCPU:
			c->compile.mcpu = optarg;
			break;
		case O_LICENSE:
			c->compile.license = optarg;
			break;
		case O_LOOPS:
			if (positive_u32("max-loop-iters", optarg, &c->compile.max_loop_iters))
				return -1;
			break;
		case O_RECURSION:
			if (positive_u32("max-recursion-depth", optarg, &c->compile.max_recursion_depth))
				return -1;
			break;
		case O_MEMSIZE: {
			/* bytes, or with a K or M suffix */
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);

			if (*end == 'K' || *end == 'k')
				v <<= 10, end++;
			else if (*end == 'M' || *end == 'm')
				v <<= 20, end++;
			if (*end || !optarg[0] || v == 0) {
				fprintf(stderr, "wasm2bpf: error: --memory-size=%s: expected a size in bytes (K, M allowed)\n", optarg);
				return -1;
			}
			c->compile.memory_size = v;
			break;
		}
		case O_STRICT_ALIGN:
			c->compile.strict_align = true;
			break;
		case O_VERIFY:
			c->verify = true;
			break;
		case O_STATS:
			c->stats = true;
			break;
		case O_CHECK:
			c->check_only = true;
			break;
		case O_BTF:
			c->compile.btf_path = optarg;
			break;
		case O_NO_PRECHECK:
			c->compile.no_precheck = true;
			break;
		case O_MAP_PREFIX:
			c->compile.map_prefix = optarg;	/* checked by w2b_compile() */
			break;
		case O_TARGET_KERNEL:
			if (w2b_kernel_parse(optarg, &c->compile.target_kernel)) {
				fprintf(stderr, "wasm2bpf: error: --target-kernel=%s: expected a kernel version such as 5.10 or 6.1\n", optarg);
				return -1;
			}
			break;
		case O_INVOKE:
			c->invoke = optarg;
			break;
		case O_BATCH:
			c->batch = true;
			break;
		case O_PACKET:
			c->packet = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case O_VERSION:
		case 'v': {
			char text[1024];

			w2b_version_text(text, sizeof(text));
			fputs(text, opt == 'v' ? stderr : stdout);
			if (opt == O_VERSION)
				exit(0);
			c->verbose = true;
			break;
		}
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "wasm2bpf: error: no input file\n");
		usage(stderr);
		return -1;
	}
	c->input = argv[optind++];
	/* getopt_long() moved the operands to the end: after the input come
	 * --invoke's TYPE:VALUE arguments */
	c->args = argv + optind;
	c->nargs = (size_t)(argc - optind);
	c->compile.entries = c->entries;
	c->compile.nentries = c->nentries;
	return 0;
}

void cli_opts_free(struct cli_opts *c)
{
	for (size_t k = 0; k < c->nentries; k++)
		free((char *)c->entries[k].export_name);
	free(c->entries);
}

/* INPUT.wasm -> INPUT.bpf.o */
static char *default_output(const char *input)
{
	size_t n = strlen(input);
	const char *dot = strrchr(input, '.');
	char *s;

	if (dot && (!strcmp(dot, ".wasm") || !strcmp(dot, ".wat")) && !strchr(dot, '/'))
		n = (size_t)(dot - input);
	s = malloc(n + 7);
	if (!s)
		abort();
	memcpy(s, input, n);
	memcpy(s + n, ".bpf.o", 7);
	return s;
}

static int cmd_compile(struct cli_opts *c)
{
	struct w2b_output *out = NULL;
	char *path = NULL;
	int err;

	if (c->nargs) {
		fprintf(stderr, "wasm2bpf: error: unexpected argument '%s'\n", c->args[0]);
		return W2B_EXIT_FAILURE;
	}
	if (c->check_only && c->verify) {
		fprintf(stderr, "wasm2bpf: error: --check loads nothing: no --verify\n");
		return W2B_EXIT_FAILURE;
	}
	err = w2b_compile(c->input, &c->compile, &out);
	if (err)
		return exit_status(err);
	/* --skip-unsupported: what was left out, and the refusal that did it */
	for (size_t k = 0; k < out->nskipped; k++)
		fprintf(stderr, "%s: warning: export '%s' left out (--skip-unsupported): %s\n",
			c->input, out->skipped[k].export_name, out->skipped[k].reason);
	if (c->check_only) {
		int status = c->stats ? cli_verify(c, out) : 0;

		w2b_output_free(out);
		return status;
	}
	if (c->output && !strcmp(c->output, "-")) {
		err = fwrite(out->data, 1, out->size, stdout) == out->size ? 0 : -EIO;
	} else if (!c->output && c->compile.emit != W2B_EMIT_OBJ) {
		err = fwrite(out->data, 1, out->size, stdout) == out->size ? 0 : -EIO;
	} else {
		path = c->output ? strdup(c->output) : default_output(c->input);
		err = cli_write_output(path, out->data, out->size);
		if (err)
			fprintf(stderr, "wasm2bpf: error: cannot write %s: %s\n", path, strerror(-err));
	}
	free(path);
	if (!err && (c->verify || c->stats) && c->compile.emit == W2B_EMIT_OBJ) {
		int status = cli_verify(c, out);

		w2b_output_free(out);
		return status;
	}
	w2b_output_free(out);
	return err ? W2B_EXIT_FAILURE : 0;
}

/* A regular file's new contents: a temporary file beside it, renamed
 * over it, so that a failed or interrupted compile never leaves a
 * half-written output. Created as a compiler creates its outputs: mode
 * 0666 less the umask (mkstemp's 0600 would keep a loader running as
 * another user from reading it). */
static int replace_file(const char *path, const void *data, size_t size)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	mode_t mask = umask(0);
	int fd, err;

	umask(mask);
	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	err = fchmod(fd, 0666 & ~mask) < 0 ? -errno : 0;
	if (!err)
		err = w2b_write_all(fd, data, size);
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err;
}

int cli_write_output(const char *path, const void *data, size_t size)
{
	struct stat st;
	char real[PATH_MAX];
	int fd, err;

	/* What is at the path decides how it is written, as for a compiler:
	 * a symbolic link is followed (the file it names gets the output,
	 * the link stays); a device, FIFO or socket (`-o /dev/null`) is
	 * opened and written, never replaced by a file; a directory is an
	 * error. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && realpath(path, real))
		path = real;
	if (stat(path, &st) < 0) {
		if (errno != ENOENT)
			return -errno;
		return replace_file(path, data, size);
	}
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISREG(st.st_mode))
		return replace_file(path, data, size);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = w2b_write_all(fd, data, size);
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int main(int argc, char **argv)
{
	struct cli_opts c;
	int status;

	if (argc > 1 && !strcmp(argv[1], "check")) {
		if (cli_parse(argc - 1, argv + 1, &c))
			return W2B_EXIT_FAILURE;
		status = exit_status(w2b_check(c.input, &c.compile));
	} else if (argc > 1 && !strcmp(argv[1], "events")) {
		return cli_events(argc - 1, argv + 1);
	} else if (argc > 1 && !strcmp(argv[1], "run")) {
		if (cli_parse(argc - 1, argv + 1, &c))
			return W2B_EXIT_FAILURE;
		status = cli_run(&c);
	} else {
		if (cli_parse(argc, argv, &c))
			return W2B_EXIT_FAILURE;
		status = cmd_compile(&c);
	}
	cli_opts_free(&c);
	return status;
}
