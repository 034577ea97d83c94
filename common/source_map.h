/*
 * source_map.h — where each byte of a module's code came from in its
 * source: file, line and column, from the module's DWARF line table
 * (frontend/dwarf_lines.c reads it).
 *
 * A module built with -g (C, Rust) carries one; one built without, or
 * written in the text format, has none, and everything that would name a
 * source line names the Wasm byte offset alone. Three readers: the
 * diagnostics ("func[3] 'parse' (parse.c:42:7)"), the backend's debug
 * locations (BTF line info, so the verifier's log and `bpftool prog dump
 * xlated linum` show C lines), and `wasm2bpf run`'s trap message.
 */
#ifndef W2B_COMMON_SOURCE_MAP_H
#define W2B_COMMON_SOURCE_MAP_H

#include <stddef.h>
#include <stdint.h>

/* From `offset` (a byte offset in the module) up to the next entry's, the
 * code is file[file]'s line:column; line 0: no source line (the end of a
 * DWARF sequence, or code the table does not cover). Column 0: unknown. */
struct source_line {
	uint32_t offset;
	uint32_t file;
	uint32_t line;
	uint32_t column;
};

struct source_map {
	uint32_t nfiles;
	char **files;		/* paths as the DWARF gives them, made absolute
				 * with the unit's directory where it has one */
	uint32_t nlines;
	struct source_line *lines;	/* sorted by offset */
	char *cwd;		/* the working directory: shown paths are relative to it */
};

/* The entry covering offset, or NULL if no source line does. */
const struct source_line *source_map_at(const struct source_map *sm, uint32_t offset);
/* "parse.c:42:7" (the path relative to the working directory when it is
 * under it; ":COL" only when known) into buf, or NULL if offset has no
 * source line (or sm is NULL). */
const char *source_map_text(const struct source_map *sm, uint32_t offset, char *buf, size_t size);
void source_map_free(struct source_map *sm);

#endif
