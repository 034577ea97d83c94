/*
 * diag.h — the one sink every stage reports to.
 *
 * A diagnostic has a level, an optional location (file, byte offset into the
 * Wasm module, function index and name) and a message. The sink formats it
 * gcc-style:
 *
 *     policy.wasm:0x1a2: error: func[3] 'on_packet': f64.add is not supported (...)
 *
 * and, when the module has source lines (common/source_map.h: built with
 * -g) and one covers the offset, names it after the function:
 *
 *     policy.wasm:0x1a2: error: func[3] 'on_packet' (policy.c:42:7): ...
 *
 * and hands the finished line to a replaceable callback (stderr by default).
 * "internal compiler error" is a separate level: it means a bug in wasm2bpf,
 * not in the input, and the CLI gives it its own exit status.
 */
#ifndef W2B_COMMON_DIAG_H
#define W2B_COMMON_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

enum diag_level {
	DIAG_NOTE,
	DIAG_WARNING,
	DIAG_ERROR,
	DIAG_ICE,		/* internal compiler error */
};

#define DIAG_NO_OFFSET UINT32_MAX
#define DIAG_NO_FUNC UINT32_MAX

struct diag_loc {
	uint32_t offset;	/* byte offset in the module, or DIAG_NO_OFFSET */
	uint32_t func;		/* Wasm function index, or DIAG_NO_FUNC */
	const char *func_name;	/* may be NULL */
	const char *text_pos;	/* "LINE:COL" in a text-format input, or NULL */
};

/* Receives the formatted line (no trailing newline) and the level. */
typedef void (*diag_callback)(void *user, enum diag_level level, const char *line);

struct source_map;

struct diag_sink {
	const char *file;	/* input name printed before every located message */
	const struct source_map *source;	/* the module's source lines, or NULL */
	diag_callback cb;	/* NULL: print to stderr */
	void *user;
	/* If set, sees each diagnostic before it is formatted; returning
	 * true takes it: not printed, not counted (the CLI's
	 * --skip-unsupported turns a pass's located refusal into a skipped
	 * entry this way). */
	bool (*take)(void *user, enum diag_level level, const struct diag_loc *loc,
		     const char *msg);
	void *take_user;
	unsigned nerrors, nwarnings, nices;
};

void diag_init(struct diag_sink *d, const char *file);

void diag_report(struct diag_sink *d, enum diag_level level,
		 const struct diag_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_vreport(struct diag_sink *d, enum diag_level level,
		  const struct diag_loc *loc, const char *fmt, va_list ap);

/* Shorthands. */
#define diag_error_at(d, off, ...) \
	diag_report((d), DIAG_ERROR, &(struct diag_loc){ (off), DIAG_NO_FUNC, NULL, NULL }, __VA_ARGS__)
#define diag_error_func(d, off, fidx, fname, ...) \
	diag_report((d), DIAG_ERROR, &(struct diag_loc){ (off), (fidx), (fname), NULL }, __VA_ARGS__)
#define diag_ice(d, ...) diag_report((d), DIAG_ICE, NULL, __VA_ARGS__)

#endif
