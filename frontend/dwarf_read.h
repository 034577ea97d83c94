/*
 * dwarf_read.h — reading DWARF from a Wasm module's custom sections
 * (.debug_info, .debug_abbrev, .debug_line, .debug_str, .debug_line_str):
 * bounded cursors, the number encodings, attribute forms. Shared by the
 * line table reader (dwarf_lines.c) and the type reader (dwarf_types.c).
 *
 * Every read is bounded by its section: a read past the end clears the
 * cursor's ok and returns 0 or NULL, so a reader checks ok once after a
 * run of reads.
 */
#ifndef W2B_DWARF_READ_H
#define W2B_DWARF_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fe_module;

/* DWARF 5's attribute forms (section 7.5.6). */
enum {
	DW_FORM_addr = 0x01, DW_FORM_block2 = 0x03, DW_FORM_block4 = 0x04,
	DW_FORM_data2 = 0x05, DW_FORM_data4 = 0x06, DW_FORM_data8 = 0x07,
	DW_FORM_string = 0x08, DW_FORM_block = 0x09, DW_FORM_block1 = 0x0a,
	DW_FORM_data1 = 0x0b, DW_FORM_flag = 0x0c, DW_FORM_sdata = 0x0d,
	DW_FORM_strp = 0x0e, DW_FORM_udata = 0x0f, DW_FORM_ref_addr = 0x10,
	DW_FORM_ref1 = 0x11, DW_FORM_ref2 = 0x12, DW_FORM_ref4 = 0x13,
	DW_FORM_ref8 = 0x14, DW_FORM_ref_udata = 0x15, DW_FORM_indirect = 0x16,
	DW_FORM_sec_offset = 0x17, DW_FORM_exprloc = 0x18,
	DW_FORM_flag_present = 0x19, DW_FORM_strx = 0x1a, DW_FORM_ref_sup4 = 0x1c,
	DW_FORM_strp_sup = 0x1d, DW_FORM_data16 = 0x1e, DW_FORM_line_strp = 0x1f,
	DW_FORM_ref_sig8 = 0x20, DW_FORM_implicit_const = 0x21,
	DW_FORM_loclistx = 0x22, DW_FORM_rnglistx = 0x23, DW_FORM_ref_sup8 = 0x24,
	DW_FORM_strx1 = 0x25, DW_FORM_strx2 = 0x26, DW_FORM_strx3 = 0x27,
	DW_FORM_strx4 = 0x28, DW_FORM_addrx = 0x1b, DW_FORM_addrx1 = 0x29,
	DW_FORM_addrx2 = 0x2a, DW_FORM_addrx3 = 0x2b, DW_FORM_addrx4 = 0x2c,

};

/* A bounded reader over one section; any read past the end clears ok. */
struct dw_cur {
	const uint8_t *p;
	size_t pos, end;
	bool ok;
};

/* The module's debug sections, each with whether it is there. */
struct dw_sections {
	struct dw_cur info, abbrev, line, str, line_str;
	bool have_info, have_abbrev, have_line, have_str, have_line_str;
};

void dw_find_sections(const struct fe_module *wm, struct dw_sections *s);

bool dw_need(struct dw_cur *c, size_t n);
/* An n-byte little-endian number. */
uint64_t dw_u(struct dw_cur *c, unsigned n);
uint64_t dw_uleb(struct dw_cur *c);
int64_t dw_sleb(struct dw_cur *c);
void dw_skip(struct dw_cur *c, uint64_t n);
/* A NUL-terminated string in c (pointer into the input), or NULL. */
const char *dw_cstr(struct dw_cur *c);
/* The string at off in a string section, or NULL. */
const char *dw_str_at(const struct dw_cur *sec, bool have, uint64_t off);
/* unit_length: sets *offset_size (4 or 8) and returns the unit's end. */
size_t dw_unit_end(struct dw_cur *c, unsigned *offset_size);
/* Reads (form's value) from c: a number in *num (references relative to
 * their unit, as the form gives them), a string in *str (either may be
 * left alone). False for a form this reader does not know. osz: the
 * unit's offset size; asz: its address size. */
bool dw_read_form(const struct dw_sections *s, struct dw_cur *c, uint64_t form, unsigned osz,
		  unsigned asz, uint64_t *num, const char **str);

#endif
