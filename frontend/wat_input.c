/*
 * wat_input.c — the input file: a binary module as is, a text module
 * through wabt's wat2wasm.
 *
 * A file is text format if it is not empty and has no NUL byte; anything
 * else goes to the binary reader (a Wasm binary starts with "\0asm"). Text goes through wat2wasm (wabt, the reference
 * text parser the spec tests are written against; binaryen 108's parser
 * reads its own dialect and accepts malformed literals and duplicate local
 * names) in a child process (isolate.h). Its proposals are switched on
 * where they are valid Wasm the subset check refuses with its own reasons
 * (threads, tail calls). Byte offsets in later diagnostics of a text module
 * refer to wat2wasm's binary: `wat2wasm FILE` shows the same bytes.
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/diag.h"
#include "frontend/isolate.h"

static int read_file(const char *path, struct arena *a, struct diag_sink *d,
		     uint8_t **bytes, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f) {
		int e = errno;

		diag_report(d, DIAG_ERROR, NULL, "cannot open input: %s", strerror(e));
		return -e;
	}
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		diag_report(d, DIAG_ERROR, NULL, "cannot read input: not a regular file");
		fclose(f);
		return -EINVAL;
	}
	if (n > (1L << 30)) {
		diag_report(d, DIAG_ERROR, NULL, "input too large (%ld bytes; at most 1 GiB)", n);
		fclose(f);
		return -EFBIG;
	}
	*bytes = arena_alloc(a, (size_t)n + 1);
	if (fread(*bytes, 1, (size_t)n, f) != (size_t)n) {
		diag_report(d, DIAG_ERROR, NULL, "cannot read input: %s", strerror(errno));
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*size = (size_t)n;
	return 0;
}

/* Reports wat2wasm's first error, "PATH:LINE:COL: error: MESSAGE", as ours. */
static void report_text_error(struct diag_sink *d, const char *path, const char *msgs)
{
	const char *p = strstr(msgs, ": error: ");
	const char *start, *end;
	char pos[32] = "";

	if (!p) {
		end = strchr(msgs, '\n');
		diag_report(d, DIAG_ERROR, NULL, "text format: %.*s",
			    end ? (int)(end - msgs) : (int)strlen(msgs), msgs);
		return;
	}
	start = p;
	while (start > msgs && start[-1] != '\n')
		start--;
	/* what stands between the path and ": error: " is LINE:COL */
	if (!strncmp(start, path, strlen(path)) && start[strlen(path)] == ':') {
		const char *lc = start + strlen(path) + 1;

		if (p - lc > 0 && p - lc < (long)sizeof(pos))
			snprintf(pos, sizeof(pos), "%.*s", (int)(p - lc), lc);
	}
	p += strlen(": error: ");
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	diag_report(d, DIAG_ERROR, &(struct diag_loc){ DIAG_NO_OFFSET, DIAG_NO_FUNC, NULL,
		    pos[0] ? pos : NULL }, "text format: %.*s", (int)(end - p), p);
}

int fe_read_input(const char *path, struct arena *a, struct diag_sink *d,
		  const uint8_t **bytes_out, size_t *size_out)
{
	static const uint8_t magic[4] = { 0, 'a', 's', 'm' };
	struct isolated_result res;
	uint8_t *bytes = NULL;
	size_t size = 0;
	int err;

	err = read_file(path, a, d, &bytes, &size);
	if (err)
		return err;
	/* Text has no NUL bytes; anything else (a bad or truncated header
	 * too) is the binary reader's to judge and locate. */
	if (size == 0 || (size >= 4 && memcmp(bytes, magic, 4) == 0) || memchr(bytes, '\0', size)) {
		*bytes_out = bytes;
		*size_out = size;
		return 0;
	}
	{
		/* a path that starts with '-' would read as an option */
		char *arg = arena_printf(a, "%s%s", path[0] == '-' ? "./" : "", path);
		/* parse only (--no-check): validation is ours, so a text module
		 * and its binary are judged alike; keep $names for symbols */
		const char *argv[] = { "wat2wasm", "--no-check", "--debug-names",
				       "--enable-threads", "--enable-tail-call",
				       arg, "--output=/dev/stdout", NULL };

		err = isolate_exec(argv, NULL, 0, &res);
		if (err) {
			diag_report(d, DIAG_ERROR, NULL, "cannot run wat2wasm (from wabt): %s",
				    strerror(-err));
			return err;
		}
		if (res.status != 0 || res.output_size == 0) {
			if (res.signal)
				/* wabt's parser recurses per nested block: 10,000
				 * nested `if`s overflow its stack. The module may
				 * still be fine as a binary, whose reader is ours. */
				diag_report(d, DIAG_ERROR, NULL,
					    "wat2wasm (wabt) crashed reading the text (signal %d; "
					    "blocks nested deeper than it can parse?): give "
					    "wasm2bpf the binary module", res.signal);
			else if (res.status == 127)
				diag_report(d, DIAG_ERROR, NULL, "cannot run wat2wasm: install wabt (%s)",
					    res.messages);
			else
				report_text_error(d, arg, res.messages);
			isolate_result_free(&res);
			return -EINVAL;
		}
	}
	*bytes_out = arena_alloc(a, res.output_size);
	memcpy((uint8_t *)*bytes_out, res.output, res.output_size);
	*size_out = res.output_size;
	isolate_result_free(&res);
	return 0;
}
