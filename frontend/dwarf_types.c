/*
 * dwarf_types.c — the C types of a module's map keys, map values and ring
 * buffer events, from its DWARF (.debug_info), for the object's BTF.
 *
 * Clang-built BPF objects describe a map's key and value with their C
 * types, so bpftool prints a struct value by field and a skeleton names
 * them; a module's map definition has only sizes. The C SDK's W2B_MAP also
 * declares two unused pointers, NAME__w2b_key and NAME__w2b_value, of the
 * key's and value's types (W2B_RINGBUF_OF: the value is the event type),
 * and a module built with -g has them in its DWARF; the Rust SDK's map
 * static NAME is a generic handle, HashMap<K, V>, whose template
 * parameters K and V are the types. This reads every DIE of
 * every unit into a flat table (offset, tag, name, size, type reference,
 * member offset, array bounds), finds each map's two variables at unit
 * level, and turns the types they point to into ir_dtype trees:
 *
 *   base types          INT (signedness, char, bool) or FLOAT
 *   pointers            INT "w2b_addr", 4 bytes: a Wasm address
 *   enums               their enumerators (names, values)
 *   structs, unions     their members by name and byte offset
 *   arrays              element type and count, one level per dimension
 *   typedefs, const, volatile, restrict, _Atomic   looked through (an
 *                       anonymous struct or union takes its typedef's name)
 *
 * A bit-field, a declaration without a definition, a string form this
 * reader cannot resolve (DWARF 5's strx without .debug_str_offsets), a
 * type nested deeper than MAX_DEPTH, or a size that differs from the map's
 * leaves that map described by size, as without -g (a note says so when
 * the variable was there). DWARF never stops a compile; every read is
 * bounded by its section (dwarf_read.h).
 */
#include "frontend/frontend.h"
#include "frontend/dwarf_read.h"
#include "frontend/wasm_module.h"
#include "common/arena.h"
#include "common/diag.h"
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

enum {
	DW_TAG_array_type = 0x01, DW_TAG_enumeration_type = 0x04, DW_TAG_member = 0x0d,
	DW_TAG_pointer_type = 0x0f, DW_TAG_compile_unit = 0x11, DW_TAG_structure_type = 0x13,
	DW_TAG_enumerator = 0x28, DW_TAG_template_type_parameter = 0x2f, DW_TAG_namespace = 0x39,
	DW_TAG_typedef = 0x16, DW_TAG_union_type = 0x17, DW_TAG_subrange_type = 0x21,
	DW_TAG_base_type = 0x24, DW_TAG_const_type = 0x26, DW_TAG_variable = 0x34,
	DW_TAG_volatile_type = 0x35, DW_TAG_restrict_type = 0x37, DW_TAG_atomic_type = 0x47,

	DW_AT_name = 0x03, DW_AT_byte_size = 0x0b, DW_AT_bit_size = 0x0d, DW_AT_const_value = 0x1c,
	DW_AT_upper_bound = 0x2f, DW_AT_count = 0x37, DW_AT_data_member_location = 0x38,
	DW_AT_declaration = 0x3c, DW_AT_encoding = 0x3e, DW_AT_type = 0x49,
	DW_AT_data_bit_offset = 0x6b,

	DW_ATE_boolean = 0x02, DW_ATE_float = 0x04, DW_ATE_signed = 0x05,
	DW_ATE_signed_char = 0x06, DW_ATE_unsigned_char = 0x08,

	DW_OP_plus_uconst = 0x23,
};

#define MAX_DEPTH 16		/* type nesting followed */
#define MAX_ABBREVS 65536	/* abbreviation codes kept per unit */

struct die {
	uint64_t off;		/* in .debug_info */
	uint64_t type;		/* DW_AT_type: the DIE's offset */
	uint64_t size;		/* DW_AT_byte_size */
	uint64_t member_off;	/* DW_AT_data_member_location */
	uint64_t count;		/* subrange: DW_AT_count, or upper bound + 1;
				 * enumerator: DW_AT_const_value */
	const char *name;
	uint32_t parent;	/* index of the parent DIE; UINT32_MAX at the root */
	uint32_t next;		/* index of the DIE after its children */
	uint16_t tag;
	uint8_t encoding;
	bool has_type, has_size, has_member_off, has_count, bitfield, declaration;
};

struct abbrev_attr {
	uint64_t at, form;
	int64_t implicit;
};

struct abbrev {
	uint64_t tag;
	bool children;
	uint32_t first, n;	/* its attributes in the unit's attrs[] */
};

struct reader {
	const struct dw_sections *s;
	struct die *dies;
	uint32_t ndies, cap;
	/* the unit being read */
	struct abbrev *abbrevs;	/* by code */
	uint32_t nabbrevs;
	struct abbrev_attr *attrs;
	uint32_t nattrs, attrs_cap;
	bool ok;
	/* convert()'s results per DIE, so that a type used many times is
	 * converted once (a hostile module's fan-out stays linear) */
	const struct ir_dtype **memo;
	uint8_t *state;		/* 0 not yet, 1 converting (a cycle), 2 done */
};

static bool grow(void **p, uint32_t *cap, uint32_t n, size_t size)
{
	void *q;
	uint32_t nc;

	if (n < *cap)
		return true;
	nc = *cap ? *cap * 2 : 256;
	if (nc <= n || !(q = realloc(*p, (size_t)nc * size)))
		return false;
	*p = q;
	*cap = nc;
	return true;
}

/* The unit's abbreviations, from .debug_abbrev at off. */
static bool read_abbrevs(struct reader *r, uint64_t off)
{
	struct dw_cur c = r->s->abbrev;

	free(r->abbrevs);
	r->abbrevs = NULL;
	r->nabbrevs = 0;
	r->nattrs = 0;
	if (off >= c.end)
		return false;
	c.pos = (size_t)off;
	for (;;) {
		uint64_t code = dw_uleb(&c), tag;
		struct abbrev a;

		if (!c.ok)
			return false;
		if (!code)
			return true;
		tag = dw_uleb(&c);
		a = (struct abbrev){ tag, dw_u(&c, 1) != 0, r->nattrs, 0 };
		for (;;) {
			uint64_t at = dw_uleb(&c), form = dw_uleb(&c);
			int64_t implicit = form == DW_FORM_implicit_const ? dw_sleb(&c) : 0;

			if (!c.ok)
				return false;
			if (!at && !form)
				break;
			if (!grow((void **)&r->attrs, &r->attrs_cap, r->nattrs, sizeof(*r->attrs)))
				return false;
			r->attrs[r->nattrs++] = (struct abbrev_attr){ at, form, implicit };
			a.n++;
		}
		if (code >= MAX_ABBREVS)
			continue;	/* not one clang makes: its DIEs end the unit */
		if (code >= r->nabbrevs) {
			struct abbrev *q = realloc(r->abbrevs, (size_t)(code + 1) * sizeof(*q));

			if (!q)
				return false;
			memset(q + r->nabbrevs, 0, (size_t)(code + 1 - r->nabbrevs) * sizeof(*q));
			r->abbrevs = q;
			r->nabbrevs = (uint32_t)code + 1;
		}
		r->abbrevs[code] = a;
	}
}

/* A member's location: a constant, or DWARF 2's DW_OP_plus_uconst block. */
static bool member_location(struct dw_cur *c, uint64_t form, uint64_t *off)
{
	uint64_t len;
	size_t end;

	if (form != DW_FORM_exprloc && form != DW_FORM_block1)
		return false;
	len = form == DW_FORM_block1 ? dw_u(c, 1) : dw_uleb(c);
	if (!dw_need(c, len))
		return true;
	end = c->pos + (size_t)len;
	if (len && c->p[c->pos] == DW_OP_plus_uconst) {
		c->pos++;
		*off = dw_uleb(c);
	}
	c->pos = end;
	return true;
}

/* Every DIE of the unit whose header c is at; false when the unit cannot
 * be read (the reader stops there, keeping what it has). */
static bool read_unit(struct reader *r, struct dw_cur *c)
{
	size_t start = c->pos, end;
	unsigned osz, asz, version;
	uint64_t abbrev_off;
	uint32_t stack[MAX_DEPTH * 4], depth = 0;

	end = dw_unit_end(c, &osz);
	version = (unsigned)dw_u(c, 2);
	if (version >= 5) {
		if (dw_u(c, 1) != 1)	/* DW_UT_compile only */
			return false;
		asz = (unsigned)dw_u(c, 1);
		abbrev_off = dw_u(c, osz);
	} else {
		abbrev_off = dw_u(c, osz);
		asz = (unsigned)dw_u(c, 1);
	}
	if (!c->ok || version < 2 || version > 5 || asz > 8 || !read_abbrevs(r, abbrev_off))
		return false;
	while (c->ok && c->pos < end) {
		size_t at_off = c->pos;
		uint64_t code = dw_uleb(c);
		const struct abbrev *a;
		struct die d;

		if (!code) {
			if (depth)
				r->dies[stack[--depth]].next = r->ndies;
			continue;
		}
		if (code >= r->nabbrevs || !(a = &r->abbrevs[code])->tag)
			return false;
		memset(&d, 0, sizeof(d));
		d.off = at_off;
		d.tag = (uint16_t)a->tag;
		d.parent = depth ? stack[depth - 1] : UINT32_MAX;
		d.next = r->ndies + 1;	/* without children; with them, set at their end */
		for (uint32_t k = 0; k < a->n && c->ok; k++) {
			const struct abbrev_attr *aa = &r->attrs[a->first + k];
			uint64_t form = aa->form, num = (uint64_t)aa->implicit;
			const char *str = NULL;

			if (form == DW_FORM_indirect)
				form = dw_uleb(c);
			if (aa->at == DW_AT_data_member_location &&
			    member_location(c, form, &d.member_off)) {
				d.has_member_off = true;
				continue;
			}
			if (!dw_read_form(r->s, c, form, osz, asz, &num, &str))
				return false;
			switch (aa->at) {
			case DW_AT_name:
				d.name = str;
				break;
			case DW_AT_byte_size:
				d.size = num;
				d.has_size = true;
				break;
			case DW_AT_type:
				/* unit-relative references, but ref_addr */
				d.type = form == DW_FORM_ref_addr ? num : start + num;
				d.has_type = true;
				break;
			case DW_AT_data_member_location:
				d.member_off = num;
				d.has_member_off = true;
				break;
			case DW_AT_count:
				d.count = num;
				d.has_count = true;
				break;
			case DW_AT_upper_bound:
				d.count = num + 1;
				d.has_count = true;
				break;
			case DW_AT_const_value:
				d.count = num;	/* sdata: the value's bits */
				d.has_count = true;
				break;
			case DW_AT_encoding:
				d.encoding = (uint8_t)num;
				break;
			case DW_AT_bit_size:
			case DW_AT_data_bit_offset:
				d.bitfield = true;
				break;
			case DW_AT_declaration:
				d.declaration = true;
				break;
			}
		}
		if (!c->ok || !grow((void **)&r->dies, &r->cap, r->ndies, sizeof(*r->dies)))
			return false;
		if (a->children)
			d.next = UINT32_MAX;	/* until its children end */
		r->dies[r->ndies] = d;
		if (a->children) {
			if (depth == sizeof(stack) / sizeof(stack[0]))
				return false;
			stack[depth++] = r->ndies;
		}
		r->ndies++;
	}
	c->ok = true;
	c->pos = end;
	return true;
}

/* The DIE at .debug_info offset off (the table is in offset order). */
static const struct die *die_at(const struct reader *r, uint64_t off)
{
	uint32_t lo = 0, hi = r->ndies;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (r->dies[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->ndies && r->dies[lo].off == off ? &r->dies[lo] : NULL;
}

static const struct ir_dtype *convert(const struct reader *r, struct arena *a, const struct die *d,
				      unsigned depth);

static const struct ir_dtype *new_int(struct arena *a, const char *name, uint32_t size,
				      bool is_signed)
{
	struct ir_dtype *t = arena_alloc(a, sizeof(*t));

	*t = (struct ir_dtype){ .kind = IR_DT_INT, .name = name, .size = size,
				.is_signed = is_signed };
	return t;
}

/* The elements of array d from its subrange children, from dimension
 * `dim` inward. */
static const struct ir_dtype *array_dims(const struct reader *r, struct arena *a,
					 const struct die *d, uint32_t dim, unsigned depth)
{
	uint32_t idx = (uint32_t)(d - r->dies), seen = 0;

	for (uint32_t k = idx + 1; k < r->ndies && k < d->next; k++) {
		const struct die *s = &r->dies[k];
		const struct ir_dtype *elem;
		struct ir_dtype *t;

		if (s->parent != idx || s->tag != DW_TAG_subrange_type)
			continue;
		if (seen++ < dim)
			continue;
		elem = array_dims(r, a, d, dim + 1, depth + 1);
		if (!elem || !s->has_count || s->count > UINT32_MAX ||
		    (elem->size && s->count > UINT32_MAX / elem->size))
			return NULL;
		t = arena_alloc(a, sizeof(*t));
		*t = (struct ir_dtype){ .kind = IR_DT_ARRAY, .size = (uint32_t)s->count * elem->size,
					.elem = elem, .count = (uint32_t)s->count };
		return t;
	}
	/* past the last dimension: the element type */
	return d->has_type && seen == dim ? convert(r, a, die_at(r, d->type), depth + 1) : NULL;
}

static const struct ir_dtype *enumeration(const struct reader *r, struct arena *a,
					  const struct die *d)
{
	uint32_t idx = (uint32_t)(d - r->dies), n = 0;
	struct ir_dmember *m;
	struct ir_dtype *t;

	if (d->declaration || !d->has_size || !d->size || d->size > 8)
		return NULL;
	for (uint32_t k = idx + 1; k < r->ndies && k < d->next; k++)
		n += r->dies[k].parent == idx && r->dies[k].tag == DW_TAG_enumerator;
	m = arena_alloc(a, (n ? n : 1) * sizeof(*m));
	n = 0;
	for (uint32_t k = idx + 1; k < r->ndies && k < d->next; k++) {
		const struct die *e = &r->dies[k];

		if (e->parent != idx || e->tag != DW_TAG_enumerator)
			continue;
		if (!e->name || !e->has_count)
			return NULL;
		m[n++] = (struct ir_dmember){ .name = e->name, .value = (int64_t)e->count };
	}
	t = arena_alloc(a, sizeof(*t));
	*t = (struct ir_dtype){ .kind = IR_DT_ENUM, .name = d->name, .size = (uint32_t)d->size,
				.nmembers = n, .members = m };
	return t;
}

static const struct ir_dtype *composite(const struct reader *r, struct arena *a,
					const struct die *d, unsigned depth)
{
	uint32_t idx = (uint32_t)(d - r->dies), n = 0;
	struct ir_dmember *m;
	struct ir_dtype *t;

	if (d->declaration || !d->has_size || d->size > UINT32_MAX)
		return NULL;
	for (uint32_t k = idx + 1; k < r->ndies && k < d->next; k++)
		n += r->dies[k].parent == idx && r->dies[k].tag == DW_TAG_member;
	m = arena_alloc(a, (n ? n : 1) * sizeof(*m));
	n = 0;
	for (uint32_t k = idx + 1; k < r->ndies && k < d->next; k++) {
		const struct die *md = &r->dies[k];

		if (md->parent != idx || md->tag != DW_TAG_member)
			continue;
		if (md->bitfield || !md->has_type || md->member_off > UINT32_MAX)
			return NULL;
		m[n].name = md->name;
		m[n].offset = (uint32_t)md->member_off;
		if (!(m[n].type = convert(r, a, die_at(r, md->type), depth + 1)) ||
		    m[n].offset + (uint64_t)m[n].type->size > d->size)
			return NULL;
		n++;
	}
	t = arena_alloc(a, sizeof(*t));
	*t = (struct ir_dtype){ .kind = d->tag == DW_TAG_union_type ? IR_DT_UNION : IR_DT_STRUCT,
				.name = d->name, .size = (uint32_t)d->size, .nmembers = n,
				.members = m };
	return t;
}

static const struct ir_dtype *convert_die(const struct reader *r, struct arena *a,
					  const struct die *d, unsigned depth);

static const struct ir_dtype *convert(const struct reader *r, struct arena *a, const struct die *d,
				      unsigned depth)
{
	uint32_t idx;
	const struct ir_dtype *t;

	if (!d || depth > MAX_DEPTH)
		return NULL;
	idx = (uint32_t)(d - r->dies);
	if (r->state[idx] == 2)
		return r->memo[idx];
	if (r->state[idx] == 1)
		return NULL;	/* a type that contains itself */
	r->state[idx] = 1;
	t = convert_die(r, a, d, depth);
	r->memo[idx] = t;
	r->state[idx] = 2;
	return t;
}

static const struct ir_dtype *convert_die(const struct reader *r, struct arena *a,
					  const struct die *d, unsigned depth)
{
	struct ir_dtype *t;

	switch (d->tag) {
	case DW_TAG_typedef: {
		/* typedef struct { ... } name_t: the struct takes the name */
		const struct ir_dtype *u = d->has_type ? convert(r, a, die_at(r, d->type), depth + 1) : NULL;

		if (u && (u->kind == IR_DT_STRUCT || u->kind == IR_DT_UNION) && !u->name && d->name) {
			t = arena_alloc(a, sizeof(*t));
			*t = *u;
			t->name = d->name;
			return t;
		}
		return u;
	}
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		return d->has_type ? convert(r, a, die_at(r, d->type), depth + 1) : NULL;
	case DW_TAG_pointer_type:
		return new_int(a, "w2b_addr", 4, false);
	case DW_TAG_enumeration_type:
		return enumeration(r, a, d);
	case DW_TAG_base_type:
		if (!d->name || !d->has_size || !d->size || d->size > 16)
			return NULL;
		t = arena_alloc(a, sizeof(*t));
		*t = (struct ir_dtype){
			.kind = d->encoding == DW_ATE_float ? IR_DT_FLOAT : IR_DT_INT,
			.name = d->name, .size = (uint32_t)d->size,
			.is_signed = d->encoding == DW_ATE_signed || d->encoding == DW_ATE_signed_char,
			.is_char = d->encoding == DW_ATE_signed_char ||
				   d->encoding == DW_ATE_unsigned_char,
			.is_bool = d->encoding == DW_ATE_boolean,
		};
		return t;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		return composite(r, a, d, depth);
	case DW_TAG_array_type:
		return array_dims(r, a, d, 0, depth);
	default:
		return NULL;
	}
}

/* The type the unit-level pointer variable `name` points to, or NULL;
 * *found whether the variable is there at all. */
static const struct ir_dtype *pointee_of(const struct reader *r, struct arena *a,
					 const char *name, bool *found)
{
	for (uint32_t k = 0; k < r->ndies; k++) {
		const struct die *d = &r->dies[k], *p;

		if (d->tag != DW_TAG_variable || !d->name || strcmp(d->name, name) ||
		    d->parent == UINT32_MAX || r->dies[d->parent].tag != DW_TAG_compile_unit)
			continue;
		*found = true;
		/* the qualifiers and typedefs down to the pointer, at most one
		 * step per DIE: a chain that comes back to itself (no compiler
		 * writes one, any module may) is no pointer */
		for (uint32_t steps = 0;
		     (p = d->has_type ? die_at(r, d->type) : NULL) &&
		     (p->tag == DW_TAG_const_type || p->tag == DW_TAG_volatile_type ||
		      p->tag == DW_TAG_typedef); steps++) {
			if (steps == r->ndies)
				return NULL;
			d = p;
		}
		if (!p || p->tag != DW_TAG_pointer_type || !p->has_type)
			return NULL;
		return convert(r, a, die_at(r, p->type), 0);
	}
	return NULL;
}

/* The Rust SDK's map statics: the variable `name` (in a crate's namespace)
 * whose type is a generic map handle, wasm2bpf::maps::HashMap<K, V> and
 * the like: its template parameter `param` (K, V) is the key or value
 * type. NULL if there is none; *found whether the variable is there. */
static const struct ir_dtype *template_param_of(const struct reader *r, struct arena *a,
						const char *name, const char *param, bool *found)
{
	for (uint32_t k = 0; k < r->ndies; k++) {
		const struct die *d = &r->dies[k], *t;

		if (d->tag != DW_TAG_variable || !d->name || strcmp(d->name, name) ||
		    d->parent == UINT32_MAX || (r->dies[d->parent].tag != DW_TAG_compile_unit &&
						r->dies[d->parent].tag != DW_TAG_namespace) ||
		    !d->has_type || !(t = die_at(r, d->type)) || t->tag != DW_TAG_structure_type)
			continue;
		for (uint32_t j = (uint32_t)(t - r->dies) + 1; j < r->ndies && j < t->next; j++) {
			const struct die *p = &r->dies[j];

			if (p->parent == (uint32_t)(t - r->dies) && p->tag == DW_TAG_template_type_parameter &&
			    p->name && !strcmp(p->name, param) && p->has_type) {
				*found = true;
				return convert(r, a, die_at(r, p->type), 0);
			}
		}
	}
	return NULL;
}

/* The map's key or value type named by its SDK variable, if its size is
 * the map's (want 0: a ring buffer's events, any size). */
static const struct ir_dtype *map_type(const struct reader *r, struct ir_module *m,
				       const struct ir_map *mp, const char *which, uint32_t want,
				       struct diag_sink *d)
{
	const char *var = arena_printf(m->arena, "%s__w2b_%s", mp->name, which);
	bool found = false;
	const struct ir_dtype *t = pointee_of(r, m->arena, var, &found);

	if (!found)	/* the Rust SDK: the handle's K or V */
		t = template_param_of(r, m->arena, mp->name, !strcmp(which, "key") ? "K" : "V", &found);

	if (t && (!want || t->size == want) && t->size)
		return t;
	if (found)
		diag_report(d, DIAG_NOTE, &(struct diag_loc){ mp->offset, DIAG_NO_FUNC, NULL, NULL },
			    "map '%s': its %s's C type is not one this compiler describes in BTF (a bit-field, or a type DWARF does not define here): the BTF gives its size only",
			    mp->name, which);
	return NULL;
}

void fe_read_map_types(struct ir_module *m, const struct fe_module *wm, struct diag_sink *d)
{
	struct dw_sections s;
	struct reader r = { .s = &s, .ok = true };
	struct dw_cur info;

	if (!m->nmaps)
		return;
	dw_find_sections(wm, &s);
	if (!s.have_info || !s.have_abbrev)
		return;
	for (info = s.info; info.ok && info.pos < info.end;)
		if (!read_unit(&r, &info))
			break;
	r.memo = calloc(r.ndies ? r.ndies : 1, sizeof(*r.memo));
	r.state = calloc(r.ndies ? r.ndies : 1, 1);
	if (!r.memo || !r.state)
		abort();
	for (uint32_t k = 0; k < m->nmaps; k++) {
		struct ir_map *mp = &m->maps[k];
		bool ring = !mp->key_size && !mp->value_size;

		if (!ring)
			mp->key_type = map_type(&r, m, mp, "key", mp->key_size, d);
		mp->value_type = map_type(&r, m, mp, "value", ring ? 0 : mp->value_size, d);
	}
	free(r.dies);
	free(r.abbrevs);
	free(r.attrs);
	free(r.memo);
	free(r.state);
}
