/*
 * dwarf_lines.c — the source lines of a module built with -g: its DWARF
 * line table (.debug_line) as a source map (common/source_map.h).
 *
 * In a Wasm object the DWARF addresses are byte offsets into the code
 * section's payload (the function count's LEB first), so an address A is
 * module offset code_offset + A: the offsets the IR already carries on
 * every instruction. What is read:
 *
 *   .debug_info   only each compile unit's first DIE, for DW_AT_stmt_list
 *                 (which line table is its) and DW_AT_comp_dir (what a
 *                 relative path in that table is relative to);
 *   .debug_line   line tables of DWARF 2 to 5, 32- and 64-bit: the header's
 *                 directories and files (v5: through its entry formats,
 *                 strings inline or in .debug_line_str / .debug_str), then
 *                 the line program, run as the DWARF state machine; each
 *                 row (address, file, line, column) becomes an entry, each
 *                 end_sequence an entry with line 0.
 *
 * A sequence outside the code section (wasm-ld's tombstones for functions
 * it dropped) is left out. Debug info never stops a compile: DWARF this
 * reader cannot follow is a warning and no source map, and the module
 * compiles as one without -g; so is a line table without rows, which is
 * what binaryen's wasm-opt leaves (clang runs it when it links with -O).
 * Every read is bounded by its section.
 */
#include "frontend/frontend.h"
#include "frontend/dwarf_read.h"
#include "frontend/wasm_module.h"
#include "common/diag.h"
#include "common/source_map.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* DWARF constants (DWARF 5, section 7). */
enum {
	DW_AT_stmt_list = 0x10,
	DW_AT_comp_dir = 0x1b,

	DW_LNCT_path = 1, DW_LNCT_directory_index = 2,

	DW_LNS_copy = 1, DW_LNS_advance_pc, DW_LNS_advance_line, DW_LNS_set_file,
	DW_LNS_set_column, DW_LNS_negate_stmt, DW_LNS_set_basic_block,
	DW_LNS_const_add_pc, DW_LNS_fixed_advance_pc,

	DW_LNE_end_sequence = 1, DW_LNE_set_address, DW_LNE_define_file,
};

/* --- .debug_info: each unit's line table and directory ------------------- */

struct unit_dir {
	uint64_t stmt_list;
	const char *comp_dir;
};

/* The first DIE of the unit whose header c is at: its stmt_list and
 * comp_dir. False if the unit cannot be read (the caller stops). */
static bool read_unit(const struct dw_sections *s, struct dw_cur *c, struct unit_dir *ud, bool *has_lines)
{
	unsigned osz, asz;
	size_t end = dw_unit_end(c, &osz);
	unsigned version = (unsigned)dw_u(c, 2);
	uint64_t abbrev_off, code;
	struct dw_cur ab = s->abbrev;

	*has_lines = false;
	if (version >= 5) {
		dw_u(c, 1);	/* unit_type */
		asz = (unsigned)dw_u(c, 1);
		abbrev_off = dw_u(c, osz);
	} else {
		abbrev_off = dw_u(c, osz);
		asz = (unsigned)dw_u(c, 1);
	}
	if (!c->ok || version < 2 || version > 5 || asz > 8 || abbrev_off >= ab.end)
		return false;
	code = dw_uleb(c);
	/* the abbreviation with that code */
	ab.pos = (size_t)abbrev_off;
	for (;;) {
		uint64_t ac = dw_uleb(&ab);

		if (!ab.ok || !ac)
			return false;
		dw_uleb(&ab);	/* tag */
		dw_u(&ab, 1);	/* children */
		if (ac == code)
			break;
		for (;;) {
			uint64_t at = dw_uleb(&ab), form = dw_uleb(&ab);

			if (!ab.ok)
				return false;
			if (form == DW_FORM_implicit_const)
				dw_sleb(&ab);
			if (!at && !form)
				break;
		}
	}
	ud->comp_dir = NULL;
	for (;;) {
		uint64_t at = dw_uleb(&ab), form = dw_uleb(&ab), num = 0;
		const char *str = NULL;

		if (!ab.ok)
			return false;
		if (!at && !form)
			break;
		if (form == DW_FORM_indirect)
			form = dw_uleb(c);
		if (form == DW_FORM_implicit_const)
			num = (uint64_t)dw_sleb(&ab);
		if (!dw_read_form(s, c, form, osz, asz, &num, &str))
			break;	/* a form not known here: what was read is kept */
		if (at == DW_AT_stmt_list) {
			ud->stmt_list = num;
			*has_lines = true;
		} else if (at == DW_AT_comp_dir) {
			ud->comp_dir = str;
		}
	}
	c->ok = true;
	c->pos = end;
	return true;
}

/* --- .debug_line ------------------------------------------------------- */

struct build {
	struct source_map *sm;
	uint32_t lines_cap, files_cap;
	uint32_t code_offset, code_size;
	/* sm->files by path: index + 1, 0 empty; open addressing, at most
	 * half full (a table may name a million files) */
	uint32_t *slots, nslots;
};

static uint32_t path_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* The slot of path in b->slots: its file's, or the empty one it goes in. */
static uint32_t *path_slot(struct build *b, const char *path)
{
	uint32_t k = path_hash(path) & (b->nslots - 1);

	while (b->slots[k] && strcmp(b->sm->files[b->slots[k] - 1], path))
		k = (k + 1) & (b->nslots - 1);
	return &b->slots[k];
}

static bool grow_slots(struct build *b)
{
	uint32_t n = b->nslots ? 2 * b->nslots : 64, *old = b->slots, oldn = b->nslots;

	if (!(b->slots = calloc(n, sizeof(*b->slots)))) {
		b->slots = old;
		return false;
	}
	b->nslots = n;
	for (uint32_t k = 0; k < oldn; k++)
		if (old[k])
			*path_slot(b, b->sm->files[old[k] - 1]) = old[k];
	free(old);
	return true;
}

static bool grow(void **p, uint32_t *cap, uint32_t n, size_t size)
{
	void *q;
	uint32_t c;

	if (n < *cap)
		return true;
	c = *cap ? 2 * *cap : 64;
	if (c <= n || !(q = realloc(*p, (size_t)c * size)))
		return false;
	*p = q;
	*cap = c;
	return true;
}

/* The index in sm->files of dir/name (name alone if absolute or dir is
 * NULL); the same path once. UINT32_MAX on failure. */
static uint32_t add_file(struct build *b, const char *dir, const char *dir2, const char *name)
{
	struct source_map *sm = b->sm;
	uint32_t *slot;
	size_t n;
	char *path;

	if (!name)
		return UINT32_MAX;
	if (name[0] == '/' || (!dir && !dir2))
		dir = dir2 = NULL;
	else if (dir2 && dir2[0] == '/')
		dir = NULL;	/* an absolute include directory */
	n = (dir ? strlen(dir) + 1 : 0) + (dir2 ? strlen(dir2) + 1 : 0) + strlen(name) + 1;
	if (!(path = malloc(n)))
		return UINT32_MAX;
	path[0] = '\0';
	if (dir)
		strcat(strcat(path, dir), "/");
	if (dir2 && dir2[0])
		strcat(strcat(path, dir2), "/");
	strcat(path, name);
	if (2 * (sm->nfiles + 1) > b->nslots && !grow_slots(b)) {
		free(path);
		return UINT32_MAX;
	}
	slot = path_slot(b, path);
	if (*slot) {
		free(path);
		return *slot - 1;
	}
	if (!grow((void **)&sm->files, &b->files_cap, sm->nfiles, sizeof(*sm->files))) {
		free(path);
		return UINT32_MAX;
	}
	sm->files[sm->nfiles] = path;
	*slot = sm->nfiles + 1;
	return sm->nfiles++;
}

static bool add_row(struct build *b, uint64_t addr, uint32_t file, uint64_t line, uint64_t col)
{
	struct source_map *sm = b->sm;

	if (!grow((void **)&sm->lines, &b->lines_cap, sm->nlines, sizeof(*sm->lines)))
		return false;
	sm->lines[sm->nlines++] = (struct source_line){
		(uint32_t)(b->code_offset + addr), file,
		line > UINT32_MAX ? 0 : (uint32_t)line, col > UINT32_MAX ? 0 : (uint32_t)col };
	return true;
}

/* A v5 directory or file table: its entries' paths (and, for files,
 * directory indices). */
static bool v5_table(const struct dw_sections *s, struct dw_cur *c, unsigned osz, uint32_t *n,
		     const char ***paths, uint64_t **dirs)
{
	uint8_t nfmt = (uint8_t)dw_u(c, 1);
	uint64_t fmt[2 * 255];
	uint64_t count;

	for (unsigned k = 0; k < nfmt; k++) {
		fmt[2 * k] = dw_uleb(c);
		fmt[2 * k + 1] = dw_uleb(c);
	}
	count = dw_uleb(c);
	if (!c->ok || count > c->end - c->pos)
		return false;
	*n = (uint32_t)count;
	*paths = calloc(count ? count : 1, sizeof(**paths));
	*dirs = calloc(count ? count : 1, sizeof(**dirs));
	if (!*paths || !*dirs)
		return false;
	for (uint64_t e = 0; e < count; e++) {
		for (unsigned k = 0; k < nfmt; k++) {
			uint64_t num = 0;
			const char *str = NULL;

			if (!dw_read_form(s, c, fmt[2 * k + 1], osz, 4, &num, &str))
				return false;
			if (fmt[2 * k] == DW_LNCT_path)
				(*paths)[e] = str;
			else if (fmt[2 * k] == DW_LNCT_directory_index)
				(*dirs)[e] = num;
		}
	}
	return true;
}

/* One line table at c (its unit_length), with its unit's comp_dir. */
static bool read_table(struct build *b, const struct dw_sections *s, struct dw_cur *c,
		       const char *comp_dir)
{
	unsigned osz;
	size_t end = dw_unit_end(c, &osz), prog;
	unsigned version = (unsigned)dw_u(c, 2);
	uint8_t min_inst, opcode_base, line_range, std_len[256] = { 0 };
	int8_t line_base;
	uint64_t header_len;
	const char **dirs = NULL, **fnames = NULL;
	uint64_t *fdirs = NULL, *unused = NULL;
	uint32_t ndirs = 0, nfiles = 0, *file_ids = NULL;
	bool ok = false;

	if (version >= 5) {
		dw_u(c, 1);	/* address_size */
		dw_u(c, 1);	/* segment_selector_size */
	}
	header_len = dw_u(c, osz);
	if (!c->ok || version < 2 || version > 5 || header_len > end - c->pos)
		return false;
	prog = c->pos + (size_t)header_len;
	min_inst = (uint8_t)dw_u(c, 1);
	if (version >= 4)
		dw_u(c, 1);	/* maximum_operations_per_instruction */
	dw_u(c, 1);		/* default_is_stmt */
	line_base = (int8_t)dw_u(c, 1);
	line_range = (uint8_t)dw_u(c, 1);
	opcode_base = (uint8_t)dw_u(c, 1);
	for (unsigned k = 1; k < opcode_base; k++)
		std_len[k] = (uint8_t)dw_u(c, 1);
	if (!c->ok || !line_range)
		return false;
	if (version >= 5) {
		if (!v5_table(s, c, osz, &ndirs, &dirs, &unused) ||
		    !v5_table(s, c, osz, &nfiles, &fnames, &fdirs))
			goto out;
	} else {
		/* directories 1..n (0 is the unit's), files 1..n */
		uint32_t cap = 0, fcap = 0;

		if (!grow((void **)&dirs, &cap, 0, sizeof(*dirs)))
			goto out;
		dirs[ndirs++] = comp_dir;
		for (const char *d; (d = dw_cstr(c)) && *d;) {
			if (!grow((void **)&dirs, &cap, ndirs, sizeof(*dirs)))
				goto out;
			dirs[ndirs++] = d;
		}
		if (!grow((void **)&fnames, &fcap, 0, sizeof(*fnames)) ||
		    !(fdirs = calloc(fcap, sizeof(*fdirs))))
			goto out;
		fnames[nfiles++] = NULL;
		for (const char *f; (f = dw_cstr(c)) && *f;) {
			uint32_t old = fcap;

			if (!grow((void **)&fnames, &fcap, nfiles, sizeof(*fnames)))
				goto out;
			if (fcap != old) {
				uint64_t *q = realloc(fdirs, fcap * sizeof(*fdirs));

				if (!q)
					goto out;
				fdirs = q;
			}
			fdirs[nfiles] = dw_uleb(c);
			dw_uleb(c);	/* mtime */
			dw_uleb(c);	/* length */
			fnames[nfiles++] = f;
		}
	}
	if (!c->ok)
		goto out;
	/* the map's index of each file, made when a row first names it */
	if (!(file_ids = malloc((nfiles ? nfiles : 1) * sizeof(*file_ids))))
		goto out;
	for (uint32_t k = 0; k < nfiles; k++)
		file_ids[k] = UINT32_MAX - 1;	/* not made yet */

	c->pos = prog;
	c->end = end;
	{
		uint64_t addr = 0, line = 1, col = 0, file = 1, seq_start = b->sm->nlines;
		bool in_code = true;

		while (c->ok && c->pos < end) {
			uint8_t op = (uint8_t)dw_u(c, 1);
			bool row = false, end_seq = false;

			if (op >= opcode_base) {
				uint8_t adj = op - opcode_base;

				addr += (uint64_t)(adj / line_range) * min_inst;
				line += (int64_t)line_base + adj % line_range;
				row = true;
			} else if (op == 0) {
				uint64_t len = dw_uleb(c);
				size_t next = c->pos + (size_t)len;
				uint8_t sub;

				if (!len || !dw_need(c, len))
					goto out;
				sub = (uint8_t)dw_u(c, 1);
				if (sub == DW_LNE_end_sequence)
					end_seq = row = true;
				else if (sub == DW_LNE_set_address)
					addr = dw_u(c, len - 1 > 8 ? 8 : (unsigned)(len - 1));
				c->pos = next;
			} else if (op == DW_LNS_copy) {
				row = true;
			} else if (op == DW_LNS_advance_pc) {
				addr += dw_uleb(c) * min_inst;
			} else if (op == DW_LNS_advance_line) {
				line += (uint64_t)dw_sleb(c);
			} else if (op == DW_LNS_set_file) {
				file = dw_uleb(c);
			} else if (op == DW_LNS_set_column) {
				col = dw_uleb(c);
			} else if (op == DW_LNS_const_add_pc) {
				addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst;
			} else if (op == DW_LNS_fixed_advance_pc) {
				addr += dw_u(c, 2);
			} else {
				for (unsigned k = 0; k < std_len[op]; k++)
					dw_uleb(c);
			}
			if (!row || !c->ok)
				continue;
			if (addr > b->code_size || (!end_seq && addr == b->code_size))
				in_code = false;	/* a dropped function's tombstone */
			if (end_seq) {
				if (in_code && !add_row(b, addr, 0, 0, 0))
					goto out;
				if (!in_code)
					b->sm->nlines = (uint32_t)seq_start;
				seq_start = b->sm->nlines;
				in_code = true;
				addr = 0;
				line = file = 1;
				col = 0;
				continue;
			}
			if (!in_code)
				continue;
			{
				uint32_t id = UINT32_MAX;

				if (file < nfiles) {
					if (file_ids[file] == UINT32_MAX - 1) {
						uint64_t di = fdirs ? fdirs[file] : 0;
						const char *d = di < ndirs ? dirs[di] : NULL;

						/* v5 directories other than 0 are relative to 0;
						 * v4's to the unit's comp_dir */
						file_ids[file] = add_file(b, di ? (version >= 5 ? dirs[0] : comp_dir) : NULL,
									  d, fnames[file]);
					}
					id = file_ids[file];
				}
				if (!add_row(b, addr, id, id == UINT32_MAX ? 0 : line, col))
					goto out;
			}
		}
	}
	ok = c->ok;
out:
	free(dirs);
	free(fnames);
	free(fdirs);
	free(unused);
	free(file_ids);
	return ok;
}

/* Sorted by offset, stably (merge sort): at one offset the row read last
 * wins, as DWARF consumers take it, except that a sequence's end (line
 * 0) goes first, so it never hides the start of the next sequence. */
static bool before(const struct source_line *x, const struct source_line *y)
{
	if (x->offset != y->offset)
		return x->offset < y->offset;
	return !x->line && y->line;
}

static bool sort_lines(struct source_line *v, uint32_t n)
{
	struct source_line *tmp = malloc((n ? n : 1) * sizeof(*tmp)), *src = v, *dst = tmp;

	if (!tmp)
		return false;
	for (uint32_t w = 1; w < n; w *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * w) {
			uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			uint32_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				dst[k++] = before(&src[j], &src[i]) ? src[j++] : src[i++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		struct source_line *t = src;

		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return true;
}

struct source_map *fe_read_source_lines(const struct fe_module *wm, struct diag_sink *d)
{
	struct dw_sections s;
	struct build b = { 0 };
	struct unit_dir *units = NULL;
	uint32_t nunits = 0, ucap = 0;
	struct dw_cur info, line;
	char cwd[4096];
	bool ok = true;

	dw_find_sections(wm, &s);
	if (!s.have_line || !wm->code_size)
		return NULL;
	if (!(b.sm = calloc(1, sizeof(*b.sm))))
		return NULL;
	b.code_offset = wm->code_offset;
	b.code_size = wm->code_size;
	/* each unit's table and directory */
	for (info = s.info; s.have_info && s.have_abbrev && info.ok && info.pos < info.end;) {
		struct unit_dir ud = { 0, NULL };
		bool has_lines;

		if (!read_unit(&s, &info, &ud, &has_lines))
			break;
		if (!has_lines)
			continue;
		if (!grow((void **)&units, &ucap, nunits, sizeof(*units))) {
			ok = false;
			break;
		}
		units[nunits++] = ud;
	}
	/* every table in .debug_line, in order, with its unit's directory */
	for (line = s.line; ok && line.pos < line.end;) {
		const char *comp_dir = NULL;
		size_t at = line.pos, next;
		unsigned osz;
		struct dw_cur t = line;

		next = dw_unit_end(&line, &osz);
		if (!line.ok) {
			ok = false;
			break;
		}
		for (uint32_t k = 0; k < nunits; k++)
			if (units[k].stmt_list == at)
				comp_dir = units[k].comp_dir;
		if (!read_table(&b, &s, &t, comp_dir)) {
			diag_report(d, DIAG_WARNING, NULL,
				    "the DWARF line table at .debug_line+0x%zx is not one this reader "
				    "follows: no source lines (diagnostics and BTF line info name Wasm "
				    "offsets)", at);
			ok = false;
			break;
		}
		line.pos = next;
	}
	free(units);
	free(b.slots);
	if (ok && !b.sm->nlines)
		diag_report(d, DIAG_WARNING, NULL,
			    "the module's DWARF line table has no rows (binaryen's wasm-opt, which "
			    "clang runs when it links with -O, drops them): no source lines in "
			    "diagnostics and BTF line info; compile with -g -c and link without -O "
			    "(docs/c-recipe.md, Source lines)");
	if (!ok || !b.sm->nlines) {
		source_map_free(b.sm);
		return NULL;
	}
	if (!sort_lines(b.sm->lines, b.sm->nlines)) {
		source_map_free(b.sm);
		return NULL;
	}
	if (getcwd(cwd, sizeof(cwd)))
		b.sm->cwd = strdup(cwd);
	return b.sm;
}
