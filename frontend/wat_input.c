/*
 * wat_input.c — the input file: a binary module as is, a text module
 * through binaryen's parser.
 *
 * A file is binary if it starts with the Wasm magic "\0asm"; anything else
 * is taken as text format, which binaryen's parser turns into a binary in
 * its own process (isolate.h, binaryen_tool.c).
 * Byte offsets in later diagnostics of a text module refer to that binary
 * (`wasm2bpf --emit=wasm` is not needed to see it: `wat2wasm` gives the same
 * layout for the same module in most cases, but not always).
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/arena.h"
#include "common/diag.h"
#include "frontend/isolate.h"

/* "[parse exception: msg (at 3:14)]" -> "3:14" and "msg". */
static void parse_message(const char *msgs, char *where, size_t wsz, char *what, size_t sz)
{
	const char *p = strstr(msgs, "parse exception: ");
	const char *at, *end;

	where[0] = '\0';
	if (!p) {
		const char *nl = strchr(msgs, '\n');

		snprintf(what, sz, "%.*s", nl ? (int)(nl - msgs) : (int)strlen(msgs), msgs);
		if (!what[0])
			snprintf(what, sz, "cannot parse the text format");
		return;
	}
	p += strlen("parse exception: ");
	end = strchr(p, ']');
	if (!end)
		end = p + strlen(p);
	at = strstr(p, " (at ");
	if (at && at < end) {
		const char *close = strchr(at, ')');

		if (close && close < end)
			snprintf(where, wsz, ":%.*s", (int)(close - at - 5), at + 5);
		end = at;
	}
	snprintf(what, sz, "%.*s", (int)(end - p), p);
}

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
	if (size >= 4 && memcmp(bytes, magic, 4) == 0) {
		*bytes_out = bytes;
		*size_out = size;
		return 0;
	}
	if (memchr(bytes, '\0', size)) {
		/* neither a binary module nor text */
		diag_error_at(d, 0, "magic header not detected (not a Wasm binary, and not text format)");
		return -EINVAL;
	}
	bytes[size] = '\0';
	err = isolate_binaryen("wat2wasm", bytes, size, &res);
	if (err) {
		diag_report(d, DIAG_ERROR, NULL, "cannot run the text parser: %s", strerror(-err));
		return err;
	}
	if (res.status != 0 || res.output_size == 0) {
		char where[64], what[400];

		parse_message(res.messages, where, sizeof(where), what, sizeof(what));
		if (res.signal)
			diag_report(d, DIAG_ICE, NULL, "the text parser crashed (signal %d)", res.signal);
		else
			diag_report(d, DIAG_ERROR, &(struct diag_loc){ DIAG_NO_OFFSET, DIAG_NO_FUNC,
				    NULL, where[0] ? where + 1 : NULL }, "text format: %s", what);
		isolate_result_free(&res);
		return -EINVAL;
	}
	*bytes_out = arena_alloc(a, res.output_size);
	memcpy((uint8_t *)*bytes_out, res.output, res.output_size);
	*size_out = res.output_size;
	isolate_result_free(&res);
	return 0;
}
