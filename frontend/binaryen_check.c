/*
 * binaryen_check.c — binaryen's validator as the second opinion.
 *
 * build_ir.c validates every function and the module-level rules itself;
 * binaryen then validates the whole module again against the Wasm 2.0
 * feature set (plus tail calls and atomics, which the subset check refuses
 * with its own reasons), in its own process (isolate.h, binaryen_tool.c).
 * Only bytes fe_decode() accepted ever reach it. What it finds that we did
 * not is a warning (binaryen checks rules the spec does not have); what it
 * cannot read is its own limit (binaryen 108 reads no block parameters).
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/diag.h"
#include "frontend/binaryen_tool.h"
#include "frontend/isolate.h"

/* The first line of binaryen's output that says what is wrong. */
static void first_error_line(const char *msgs, char *out, size_t outsz)
{
	const char *p = strstr(msgs, "error");
	const char *start, *end;

	if (!p)
		p = msgs;
	start = p;
	while (start > msgs && start[-1] != '\n')
		start--;
	end = strchr(start, '\n');
	if (!end)
		end = start + strlen(start);
	/* binaryen ends the line with ", on" before the expression it prints
	 * on the next lines */
	while (end > start && (end[-1] == ' ' || end[-1] == ','))
		end--;
	if (end - start > 3 && !strncmp(end - 3, " on", 3))
		end -= 3;
	while (end > start && (end[-1] == ' ' || end[-1] == ','))
		end--;
	snprintf(out, outsz, "%.*s", (int)(end - start), start);
	if (!out[0])
		snprintf(out, outsz, "(no message)");
}

int fe_binaryen_validate(const uint8_t *bytes, size_t size, struct diag_sink *d)
{
	struct isolated_result res;
	char line[400];
	int err;

	err = isolate_binaryen("validate", bytes, size, &res);
	if (err) {
		diag_report(d, DIAG_ERROR, NULL, "cannot run the validator: %s", strerror(-err));
		return err;
	}
	first_error_line(res.messages, line, sizeof(line));
	if (res.status == W2B_BINARYEN_OK) {
		err = 0;
	} else if (res.status == W2B_BINARYEN_INVALID) {
		/* Binaryen checks more than the spec (e.g. that a segment's
		 * offset is "reasonable" for an imported memory of 0 pages), and
		 * ours is the complete spec validator: its disagreement is shown,
		 * not obeyed. */
		diag_report(d, DIAG_WARNING, NULL, "binaryen's validator disagrees: %s", line);
		err = 0;
	} else if (res.signal) {
		diag_report(d, DIAG_ICE, NULL, "binaryen crashed (signal %d) validating the module", res.signal);
		err = -EIO;
	} else {
		/* Binaryen's reader gave up on a module our reader and our
		 * validation accepted: binaryen 108 reads no block parameters
		 * (multi-value), for one. Ours are the complete ones (build_ir.c
		 * validates every function), so that is not the input's fault. */
		err = 0;
	}
	isolate_result_free(&res);
	return err;
}
