/*
 * dwarf_read.c — bounded DWARF reading primitives (dwarf_read.h).
 */
#include "frontend/dwarf_read.h"
#include "frontend/wasm_module.h"

#include <string.h>

bool dw_need(struct dw_cur *c, size_t n)
{
	if (!c->ok || n > c->end - c->pos) {
		c->ok = false;
		return false;
	}
	return true;
}

uint64_t dw_u(struct dw_cur *c, unsigned n)
{
	uint64_t v = 0;

	if (!dw_need(c, n))
		return 0;
	for (unsigned k = 0; k < n; k++)
		v |= (uint64_t)c->p[c->pos + k] << (8 * k);
	c->pos += n;
	return v;
}

uint64_t dw_uleb(struct dw_cur *c)
{
	uint64_t v = 0;

	for (unsigned shift = 0; dw_need(c, 1); shift += 7) {
		uint8_t b = c->p[c->pos++];

		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
	return 0;
}

int64_t dw_sleb(struct dw_cur *c)
{
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t b = 0;

	do {
		if (!dw_need(c, 1))
			return 0;
		b = c->p[c->pos++];
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
	} while (b & 0x80);
	if (shift < 64 && (b & 0x40))
		v |= ~0ull << shift;
	return (int64_t)v;
}

void dw_skip(struct dw_cur *c, uint64_t n)
{
	if (dw_need(c, n))
		c->pos += (size_t)n;
}

/* A NUL-terminated string in c (pointer into the input), or NULL. */
const char *dw_cstr(struct dw_cur *c)
{
	const uint8_t *s = c->p + c->pos;
	const uint8_t *nul;

	if (!c->ok || c->pos >= c->end || !(nul = memchr(s, 0, c->end - c->pos))) {
		c->ok = false;
		return NULL;
	}
	c->pos += (size_t)(nul - s) + 1;
	return (const char *)s;
}

/* The string at off in a string section, or NULL. */
const char *dw_str_at(const struct dw_cur *sec, bool have, uint64_t off)
{
	struct dw_cur c = *sec;

	if (!have || off >= c.end)
		return NULL;
	c.pos = (size_t)off;
	return dw_cstr(&c);
}

/* unit_length: sets *offset_size (4 or 8) and returns the unit's end. */
size_t dw_unit_end(struct dw_cur *c, unsigned *offset_size)
{
	uint64_t len = dw_u(c, 4);

	*offset_size = 4;
	if (len == 0xffffffffu) {
		len = dw_u(c, 8);
		*offset_size = 8;
	}
	if (!c->ok || len > c->end - c->pos) {
		c->ok = false;
		return c->pos;
	}
	return c->pos + (size_t)len;
}


/* Reads (form's value) from c: a number in *num, a string in *s (either
 * may be left alone). False for a form this reader does not know. */
bool dw_read_form(const struct dw_sections *s, struct dw_cur *c, uint64_t form, unsigned osz,
		      unsigned asz, uint64_t *num, const char **str)
{
	switch (form) {
	case DW_FORM_addr: *num = dw_u(c, asz); break;
	case DW_FORM_data1: case DW_FORM_ref1: case DW_FORM_flag: case DW_FORM_strx1:
	case DW_FORM_addrx1:
		*num = dw_u(c, 1); break;
	case DW_FORM_data2: case DW_FORM_ref2: case DW_FORM_strx2: case DW_FORM_addrx2:
		*num = dw_u(c, 2); break;
	case DW_FORM_strx3: case DW_FORM_addrx3: *num = dw_u(c, 3); break;
	case DW_FORM_data4: case DW_FORM_ref4: case DW_FORM_ref_sup4: case DW_FORM_strx4:
	case DW_FORM_addrx4:
		*num = dw_u(c, 4); break;
	case DW_FORM_data8: case DW_FORM_ref8: case DW_FORM_ref_sig8: case DW_FORM_ref_sup8:
		*num = dw_u(c, 8); break;
	case DW_FORM_data16: dw_u(c, 8); dw_u(c, 8); break;
	case DW_FORM_sdata: *num = (uint64_t)dw_sleb(c); break;
	case DW_FORM_udata: case DW_FORM_ref_udata: case DW_FORM_strx: case DW_FORM_addrx:
	case DW_FORM_loclistx: case DW_FORM_rnglistx:
		*num = dw_uleb(c); break;
	case DW_FORM_string: *str = dw_cstr(c); break;
	case DW_FORM_strp: *num = dw_u(c, osz); *str = dw_str_at(&s->str, s->have_str, *num); break;
	case DW_FORM_line_strp:
		*num = dw_u(c, osz);
		*str = dw_str_at(&s->line_str, s->have_line_str, *num);
		break;
	case DW_FORM_sec_offset: case DW_FORM_ref_addr: case DW_FORM_strp_sup:
		*num = dw_u(c, osz); break;
	case DW_FORM_flag_present: case DW_FORM_implicit_const: break;
	case DW_FORM_block1: dw_skip(c, dw_u(c, 1)); break;
	case DW_FORM_block2: dw_skip(c, dw_u(c, 2)); break;
	case DW_FORM_block4: dw_skip(c, dw_u(c, 4)); break;
	case DW_FORM_block: case DW_FORM_exprloc: dw_skip(c, dw_uleb(c)); break;
	default: return false;
	}
	return c->ok;
}


void dw_find_sections(const struct fe_module *wm, struct dw_sections *s)
{
	static const struct {
		const char *name;
		size_t cur, have;
	} names[] = {
		{ ".debug_info", offsetof(struct dw_sections, info), offsetof(struct dw_sections, have_info) },
		{ ".debug_abbrev", offsetof(struct dw_sections, abbrev), offsetof(struct dw_sections, have_abbrev) },
		{ ".debug_line", offsetof(struct dw_sections, line), offsetof(struct dw_sections, have_line) },
		{ ".debug_str", offsetof(struct dw_sections, str), offsetof(struct dw_sections, have_str) },
		{ ".debug_line_str", offsetof(struct dw_sections, line_str), offsetof(struct dw_sections, have_line_str) },
	};

	memset(s, 0, sizeof(*s));
	for (uint32_t k = 0; k < wm->ncustoms; k++) {
		for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
			if (strcmp(wm->customs[k].name, names[n].name))
				continue;
			*(struct dw_cur *)((char *)s + names[n].cur) =
				(struct dw_cur){ wm->customs[k].payload, 0, wm->customs[k].size, true };
			*(bool *)((char *)s + names[n].have) = true;
		}
	}
}


