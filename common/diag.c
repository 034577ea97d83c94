/*
 * diag.c — formatting of diagnostics; see diag.h.
 */
#include "diag.h"
#include "source_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag_sink *d, const char *file)
{
	*d = (struct diag_sink){ .file = file };
}

static const char *level_name(enum diag_level level)
{
	switch (level) {
	case DIAG_NOTE: return "note";
	case DIAG_WARNING: return "warning";
	case DIAG_ERROR: return "error";
	case DIAG_ICE: return "internal compiler error";
	}
	return "error";
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *s;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	s = malloc((size_t)n + 1);
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	return s;
}

void diag_vreport(struct diag_sink *d, enum diag_level level,
		  const struct diag_loc *loc, const char *fmt, va_list ap)
{
	char where[32] = "", func[32] = "", src[320] = "";
	const char *name = loc && loc->func_name ? loc->func_name : NULL;
	char *msg, *line;

	msg = vformat(fmt, ap);
	if (!msg)
		return;
	if (d->take && d->take(d->take_user, level, loc, msg)) {
		free(msg);
		return;
	}
	if (loc && loc->offset != DIAG_NO_OFFSET)
		snprintf(where, sizeof(where), ":0x%x", loc->offset);
	else if (loc && loc->text_pos)
		snprintf(where, sizeof(where), ":%.24s", loc->text_pos);
	if (loc && loc->func != DIAG_NO_FUNC)
		snprintf(func, sizeof(func), "func[%u]", loc->func);
	if (loc && loc->offset != DIAG_NO_OFFSET && d->source &&
	    source_map_text(d->source, loc->offset, src + 2, sizeof(src) - 3)) {
		src[0] = (func[0] || name) ? ' ' : '\0';
		src[1] = '(';
		if (!src[0])
			memmove(src, src + 1, sizeof(src) - 1);
		strcat(src, ")");
	}

	/* FILE:0xOFF: LEVEL: func[N] 'name' (SRC:LINE:COL): MESSAGE */
	line = format("%s%s: %s: %s%s%s%s%s%s%s",
		      d->file ? d->file : "wasm2bpf", where, level_name(level),
		      func, name ? (func[0] ? " '" : "'") : "", name ? name : "",
		      name ? "'" : "", src, (func[0] || name || src[0]) ? ": " : "", msg);
	if (line) {
		if (d->cb)
			d->cb(d->user, level, line);
		else
			fprintf(stderr, "%s\n", line);
	}
	switch (level) {
	case DIAG_ERROR: d->nerrors++; break;
	case DIAG_WARNING: d->nwarnings++; break;
	case DIAG_ICE: d->nices++; break;
	case DIAG_NOTE: break;
	}
	free(line);
	free(msg);
}

void diag_report(struct diag_sink *d, enum diag_level level,
		 const struct diag_loc *loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vreport(d, level, loc, fmt, ap);
	va_end(ap);
}
