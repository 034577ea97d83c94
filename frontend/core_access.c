/*
 * core_access.c — imports from module "core": kernel fields by name,
 * resolved against the kernel's BTF (ir.h, struct ir_core_access).
 *
 * The import's name is the whole request, "read task_struct
 * real_parent->tgid", so that any language can make one (C: the SDK's
 * w2b_core_* macros declare it where it is used). This file finds the
 * struct and each member in the BTF — /sys/kernel/btf/vmlinux, or
 * --btf FILE — through libbpf's btf API, descending into anonymous
 * structs and unions as C does, and records the way: per object (each
 * "->" starts one) the members from its struct down to the value, with
 * their names and offsets. The backend makes CO-RE accesses of them
 * (emit_core.c): the offsets here are the compiling machine's, and
 * libbpf patches them for the kernel that loads the object, matching the
 * names.
 *
 * A name this BTF does not have is refused, with the nearest names it
 * does have (edit distance), as a compiler suggests a misspelt member.
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "common/arena.h"
#include "common/suggest.h"
#include "ir/ir.h"

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

struct fe_core {
	struct btf *btf;
	const char *path;
};

struct fe_core *fe_core_open(const char *btf_path, char *err, size_t errsz)
{
	const char *path = btf_path ? btf_path : VMLINUX_BTF;
	struct fe_core *c = calloc(1, sizeof(*c));
	struct btf *btf;

	if (!c)
		abort();
	btf = btf__parse(path, NULL);
	if (!btf) {
		snprintf(err, errsz, "cannot read the kernel's BTF from %s (%s)%s", path,
			 strerror(errno), btf_path ? "" : ": give one with --btf FILE");
		free(c);
		return NULL;
	}
	c->btf = btf;
	c->path = path;
	return c;
}

void fe_core_close(struct fe_core *c)
{
	if (!c)
		return;
	btf__free(c->btf);
	free(c);
}

/* --- types ------------------------------------------------------------------------ */

/* The struct or union named name, or 0. */
static int32_t find_composite(const struct btf *btf, const char *name)
{
	int32_t id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);

	if (id <= 0)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_UNION);
	return id > 0 ? id : 0;
}

static void near_composites(const struct btf *btf, const char *want, struct w2b_near *nr)
{
	uint32_t n = btf__type_cnt(btf);

	for (uint32_t id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_composite(t))
			w2b_near_consider(nr, want, btf__name_by_offset(btf, t->name_off));
	}
}

static void near_members(const struct btf *btf, const struct btf_type *t, const char *want,
			 struct w2b_near *nr)
{
	const struct btf_member *m = btf_members(t);

	for (uint16_t k = 0; k < btf_vlen(t); k++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		const struct btf_type *mt = btf__type_by_id(btf, btf__resolve_type(btf, m->type));

		if (name && *name)
			w2b_near_consider(nr, want, name);
		else if (mt && btf_is_composite(mt))	/* members of anonymous ones too */
			near_members(btf, mt, want, nr);
	}
}

/* The type id past typedefs, const, volatile and restrict. */
static int32_t skip_mods(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) ||
		     btf_is_restrict(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return t ? (int32_t)id : -1;
}

struct way {
	struct ir_core_member m[16];
	uint32_t n;
	uint32_t type;		/* the last member's type id */
	bool bitfield;
};

/* Member `name` of composite `id` (a member of one of its anonymous
 * members included), appended to w; false if there is none. */
static bool find_member(const struct btf *btf, uint32_t id, const char *name, struct way *w)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *cname = btf__name_by_offset(btf, t->name_off);
	const struct btf_member *m = btf_members(t);

	if (w->n >= sizeof(w->m) / sizeof(w->m[0]))
		return false;
	for (uint16_t k = 0; k < btf_vlen(t); k++, m++) {
		const char *mname = btf__name_by_offset(btf, m->name_off);
		int32_t mt = skip_mods(btf, m->type);
		struct ir_core_member here = {
			mname ? mname : "", cname ? cname : "", btf_is_union(t),
			btf_member_bit_offset(t, k) / 8, 0,
		};
		long size = mt > 0 ? btf__resolve_size(btf, (uint32_t)mt) : -1;

		here.size = size > 0 ? (uint32_t)size : 0;
		if (mname && !strcmp(mname, name)) {
			w->m[w->n++] = here;
			w->type = (uint32_t)mt;
			w->bitfield = btf_member_bitfield_size(t, k) != 0;
			return true;
		}
		if ((!mname || !*mname) && mt > 0 && btf_is_composite(btf__type_by_id(btf, (uint32_t)mt))) {
			w->m[w->n++] = here;
			if (find_member(btf, (uint32_t)mt, name, w))
				return true;
			w->n--;
		}
	}
	return false;
}

static const char *kind_text(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	return btf_is_ptr(t) ? "a pointer" : btf_is_struct(t) ? "a struct" : btf_is_union(t) ?
	       "a union" : btf_is_int(t) ? "an integer" : btf_is_enum(t) ? "an enum" :
	       btf_is_array(t) ? "an array" : "not a value";
}

/* acc's leaf: what kind the field is, for the local type libbpf compares
 * with the kernel's; -1 for a kind it has no use for here. */
static int describe_leaf(const struct btf *btf, uint32_t id, struct arena *a,
			 struct ir_core_access *acc)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	long size = btf__resolve_size(btf, id);
	const char *name = btf__name_by_offset(btf, t->name_off);

	acc->leaf_size = size > 0 ? (uint32_t)size : 0;
	acc->leaf_name = arena_strdup(a, name ? name : "");
	if (btf_is_int(t))
		acc->leaf = IR_CORE_LEAF_INT;
	else if (btf_is_ptr(t))
		acc->leaf = IR_CORE_LEAF_PTR;
	else if (btf_is_enum(t) || btf_is_enum64(t))
		acc->leaf = IR_CORE_LEAF_ENUM;
	else if (btf_is_struct(t))
		acc->leaf = IR_CORE_LEAF_STRUCT;
	else if (btf_is_union(t))
		acc->leaf = IR_CORE_LEAF_UNION;
	else if (btf_is_array(t)) {
		int32_t e = skip_mods(btf, btf_array(t)->type);
		long es = e > 0 ? btf__resolve_size(btf, (uint32_t)e) : -1;

		if (e <= 0 || !btf_is_int(btf__type_by_id(btf, (uint32_t)e)) || es <= 0)
			return -1;
		acc->leaf = IR_CORE_LEAF_ARRAY;
		acc->leaf_elem_size = (uint32_t)es;
	} else {
		return -1;
	}
	return 0;
}

static char *dup_word(struct arena *a, const char *p, size_t n);

/* "enum TYPE NAME": enumerator NAME of enum TYPE (type: from `type` to
 * `space`, name after it). */
static const struct ir_core_access *resolve_enum(struct fe_core *c, struct arena *a,
						 struct ir_core_access *acc, const char *spec,
						 const char *type, const char *space, bool result_i64,
						 uint32_t nparams, char *err, size_t errsz)
{
	const struct btf *btf = c->btf;
	const char *name = space + 1, *tname = dup_word(a, type, (size_t)(space - type));
	int32_t id = btf__find_by_name_kind(btf, tname, BTF_KIND_ENUM);
	const struct btf_type *t;
	struct w2b_near nr = { { NULL }, { 0 } };
	char nbuf[160];

	acc->op = IR_CORE_ENUM;
	if (nparams || !result_i64) {
		snprintf(err, errsz, "import 'core.%s' has the wrong type: it is () -> i64", spec);
		return NULL;
	}
	if (id <= 0)
		id = btf__find_by_name_kind(btf, tname, BTF_KIND_ENUM64);
	if (id <= 0) {
		uint32_t n = btf__type_cnt(btf);

		for (uint32_t k = 1; k < n; k++) {
			const struct btf_type *e = btf__type_by_id(btf, k);

			if (btf_is_enum(e) || btf_is_enum64(e))
				w2b_near_consider(&nr, tname, btf__name_by_offset(btf, e->name_off));
		}
		snprintf(err, errsz, "import 'core.%s': the kernel's BTF (%s) has no enum '%s'%s", spec,
			 c->path, tname, w2b_near_text(&nr, nbuf, sizeof(nbuf)));
		return NULL;
	}
	t = btf__type_by_id(btf, (uint32_t)id);
	for (uint16_t k = 0; k < btf_vlen(t); k++) {
		const char *ename = btf__name_by_offset(btf, btf_is_enum(t) ? btf_enum(t)[k].name_off :
							btf_enum64(t)[k].name_off);

		if (ename && !strcmp(ename, name)) {
			acc->enumerator = arena_strdup(a, name);
			acc->enum_value = btf_is_enum(t) ? (int64_t)btf_enum(t)[k].val :
					  (int64_t)btf_enum64_value(&btf_enum64(t)[k]);
			acc->leaf = IR_CORE_LEAF_ENUM;
			acc->leaf_name = tname;
			acc->leaf_size = t->size;
			return acc;
		}
		w2b_near_consider(&nr, name, ename);
	}
	snprintf(err, errsz, "import 'core.%s': enum '%s' has no enumerator '%s'%s", spec, tname,
		 name, w2b_near_text(&nr, nbuf, sizeof(nbuf)));
	return NULL;
}

/* --- the request ------------------------------------------------------------------- */

/* The way's members, their names copied out of the BTF (freed after the
 * module is built). */
static void keep_step(struct arena *a, struct ir_core_step *s, const struct way *w)
{
	s->nmembers = w->n;
	s->members = arena_alloc(a, (w->n ? w->n : 1) * sizeof(*w->m));
	for (uint32_t k = 0; k < w->n; k++) {
		s->members[k] = w->m[k];
		s->members[k].name = arena_strdup(a, w->m[k].name);
		s->members[k].container = arena_strdup(a, w->m[k].container);
	}
}

static char *dup_word(struct arena *a, const char *p, size_t n)
{
	char *s = arena_alloc(a, n + 1);

	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

const struct ir_core_access *fe_core_resolve(struct fe_core *c, struct arena *a, const char *spec,
					     bool result_i64, uint32_t nparams, char *err,
					     size_t errsz)
{
	const struct btf *btf = c->btf;
	struct ir_core_access *acc = arena_alloc(a, sizeof(*acc));
	const char *sp1 = strchr(spec, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	const char *type, *path, *p;
	struct ir_core_step steps[8];
	struct way w;
	uint32_t nsteps = 0;
	int32_t id;
	char nbuf[160];
	struct w2b_near nr = { { NULL }, { 0 } };

	memset(acc, 0, sizeof(*acc));
	acc->text = arena_strdup(a, spec);
	if (!sp1 || !sp2 || !sp2[1]) {
		snprintf(err, errsz, "import 'core.%s': expected 'read TYPE PATH', 'exists TYPE PATH', "
			 "'size TYPE PATH' (PATH: members joined by '.' and '->') or 'enum TYPE NAME'",
			 spec);
		return NULL;
	}
	if (!strncmp(spec, "enum ", 5))
		return resolve_enum(c, a, acc, spec, sp1 + 1, sp2, result_i64, nparams, err, errsz);
	if (!strncmp(spec, "read ", 5))
		acc->op = IR_CORE_READ;
	else if (!strncmp(spec, "exists ", 7))
		acc->op = IR_CORE_EXISTS;
	else if (!strncmp(spec, "size ", 5))
		acc->op = IR_CORE_SIZE;
	else {
		snprintf(err, errsz, "import 'core.%s': unknown operation '%.*s' (read, exists, size, "
			 "enum)",
			 spec, (int)(sp1 - spec), spec);
		return NULL;
	}
	if (acc->op == IR_CORE_READ ? nparams != 1 : nparams != 0 || result_i64) {
		snprintf(err, errsz, "import 'core.%s' has the wrong type: it is %s", spec,
			 acc->op == IR_CORE_READ ? "(i64 kernel pointer) -> i32 or i64" : "() -> i32");
		return NULL;
	}
	type = dup_word(a, sp1 + 1, (size_t)(sp2 - sp1 - 1));
	path = sp2 + 1;
	id = find_composite(btf, type);
	if (!id) {
		near_composites(btf, type, &nr);
		snprintf(err, errsz, "import 'core.%s': the kernel's BTF (%s) has no struct or union "
			 "'%s'%s", spec, c->path, type, w2b_near_text(&nr, nbuf, sizeof(nbuf)));
		return NULL;
	}
	memset(&w, 0, sizeof(w));
	for (p = path; *p;) {
		size_t n = strcspn(p, ".-");
		const char *name = dup_word(a, p, n);
		const struct btf_type *t;
		bool arrow;

		if (!n) {
			snprintf(err, errsz, "import 'core.%s': a member name is missing in '%s'", spec, path);
			return NULL;
		}
		if (!find_member(btf, (uint32_t)id, name, &w)) {
			t = btf__type_by_id(btf, (uint32_t)id);
			near_members(btf, t, name, &nr);
			snprintf(err, errsz, "import 'core.%s': %s '%s' has no member '%s'%s", spec,
				 btf_is_union(t) ? "union" : "struct",
				 btf__name_by_offset(btf, t->name_off), name,
				 w2b_near_text(&nr, nbuf, sizeof(nbuf)));
			return NULL;
		}
		if (w.bitfield) {
			snprintf(err, errsz, "import 'core.%s': '%s' is a bit-field, which a CO-RE read "
				 "does not take", spec, name);
			return NULL;
		}
		p += n;
		if (!*p)
			break;
		arrow = p[0] == '-';
		if (arrow ? p[1] != '>' : p[0] != '.') {
			snprintf(err, errsz, "import 'core.%s': expected '.' or '->' after '%s'", spec, name);
			return NULL;
		}
		p += arrow ? 2 : 1;
		t = btf__type_by_id(btf, w.type);
		if (!arrow) {
			if (!btf_is_composite(t)) {
				snprintf(err, errsz, "import 'core.%s': '%s' is %s, not a struct or union "
					 "('.' names a member of one)%s", spec, name, kind_text(btf, w.type),
					 btf_is_ptr(t) ? ": use '->'" : "");
				return NULL;
			}
			id = (int32_t)w.type;
			continue;
		}
		id = btf_is_ptr(t) ? skip_mods(btf, t->type) : -1;
		if (id <= 0 || !btf_is_composite(btf__type_by_id(btf, (uint32_t)id))) {
			snprintf(err, errsz, "import 'core.%s': '%s' is %s, not a pointer to a struct or "
				 "union ('->' follows one)%s", spec, name, kind_text(btf, w.type),
				 btf_is_composite(t) ? ": use '.'" : "");
			return NULL;
		}
		if (nsteps + 1 >= sizeof(steps) / sizeof(steps[0])) {
			snprintf(err, errsz, "import 'core.%s': more than %zu '->' in one path", spec,
				 sizeof(steps) / sizeof(steps[0]) - 1);
			return NULL;
		}
		keep_step(a, &steps[nsteps++], &w);
		memset(&w, 0, sizeof(w));
	}
	keep_step(a, &steps[nsteps++], &w);
	acc->nsteps = nsteps;
	acc->steps = arena_alloc(a, nsteps * sizeof(*steps));
	memcpy(acc->steps, steps, nsteps * sizeof(*steps));
	if (describe_leaf(btf, w.type, a, acc)) {
		snprintf(err, errsz, "import 'core.%s': the field is %s, which CO-RE does not "
			 "compare between kernels here (an integer, enum, pointer, struct, union or "
			 "array of integers is)", spec, kind_text(btf, w.type));
		return NULL;
	}
	if (acc->op == IR_CORE_READ) {
		const struct btf_type *t = btf__type_by_id(btf, w.type);
		long size = btf__resolve_size(btf, w.type);

		if (!(btf_is_int(t) || btf_is_enum(t) || btf_is_ptr(t)) ||
		    (size != 1 && size != 2 && size != 4 && size != 8)) {
			if (btf_is_int(t) || btf_is_enum(t) || btf_is_ptr(t))
				snprintf(err, errsz, "import 'core.%s': the field is %s of %ld bytes; "
					 "a read takes 1, 2, 4 or 8", spec, kind_text(btf, w.type), size);
			else
				snprintf(err, errsz, "import 'core.%s': the field is %s; a read takes "
					 "an integer, enum or pointer (read one of its members)", spec,
					 kind_text(btf, w.type));
			return NULL;
		}
		if (size == 8 && !result_i64) {
			snprintf(err, errsz, "import 'core.%s': the field has 8 bytes: read it as i64 "
				 "(w2b_core_u64, w2b_core_kptr)", spec);
			return NULL;
		}
		acc->width = (uint32_t)size;
		acc->is_signed = btf_is_int(t) && (btf_int_encoding(t) & BTF_INT_SIGNED);
	}
	return acc;
}
