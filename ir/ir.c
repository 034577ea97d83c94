/*
 * ir.c — constructors for the IR (see ir.h), and its static tables.
 *
 * Builders allocate every node in the module's arena. Regions grow by
 * doubling; the replaced storage stays in the arena (it is small, and the
 * arena is freed as a whole at the end of the compile).
 */
#include "ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kernel.h"
#include "common/prog_classes.h"

/* helpers.def's PROGRAMS are bits of program_types.def's rows, which are
 * enum ir_prog_kind's values in the same order */
_Static_assert((int)W2B_PROG_ROWS == (int)IR_PROG_COUNT &&
	       (int)W2B_PROG_ROW_XDP == (int)IR_PROG_XDP &&
	       (int)W2B_PROG_ROW_PERF_EVENT == (int)IR_PROG_PERF_EVENT, "program_types.def rows");

const struct ir_numop_info ir_numop_info[IR_NUMOP_COUNT] = {
#define X(id, txt, n, rtype, otype, address) \
	[IR_##id] = { txt, n, IR_##rtype, IR_##otype, IR_ADDRESS_##address },
#define IR_ADDRESS_CARRY true
#define IR_ADDRESS_COUNT false
#include "ir_ops.def"
#undef X
#undef IR_ADDRESS_CARRY
#undef IR_ADDRESS_COUNT
};

const struct ir_prog_info ir_prog_info[IR_PROG_COUNT] = {
#define KV W2B_KERNEL
#define X(id, sec, pkt, params, trap, kernel, what) \
	[IR_PROG_##id] = { sec, PKT_##pkt, IR_PARAMS_##params, trap, kernel },
#define PKT_NONE false, false, false, false
#define PKT_DIRECT true, false, false, false
#define PKT_READ true, true, false, true
#define PKT_LOAD true, true, true, false
#include "common/program_types.def"
#undef PKT_NONE
#undef PKT_DIRECT
#undef PKT_READ
#undef PKT_LOAD
#undef X
};

const struct ir_helper_info ir_helpers[] = {
#define X(name, id, type, args, ret, gpl, progs, maps, effect, kernel, instead) \
	{ #name, id, type, args, IR_HRET_##ret, gpl, W2B_PROGS_##progs, IR_MAPS_##maps, \
	  IR_HEFFECT_##effect, kernel, instead },
#include "common/helpers.def"
#undef X
#undef KV
};
const uint32_t ir_nhelpers = sizeof(ir_helpers) / sizeof(ir_helpers[0]);

const struct ir_map_type ir_map_types[] = {
#define X(id, type, name, cls, key, vmin, vmax, vstep, max) \
	{ type, name, IR_MAPS_##cls, key, vmin, vmax, vstep, MAX_##max },
#define MAX_NONZERO false
#define MAX_ZERO_OK true
#include "common/map_types.def"
#undef MAX_NONZERO
#undef MAX_ZERO_OK
#undef X
};
const uint32_t ir_nmap_types = sizeof(ir_map_types) / sizeof(ir_map_types[0]);

const struct ir_map_type *ir_map_type_of(uint32_t type)
{
	for (uint32_t k = 0; k < ir_nmap_types; k++)
		if (ir_map_types[k].type == type)
			return &ir_map_types[k];
	return NULL;
}

const char *ir_map_class_types(enum ir_map_class cls, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (uint32_t k = 0; k < ir_nmap_types && n < size; k++)
		if (ir_map_types[k].cls == cls)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
					      ir_map_types[k].name);
	return buf;
}

const struct ir_ctx_field ir_ctx_fields[] = {
#define X(name, cls, off, write) { #name, IR_CTX_##cls, off, IR_CTX_WRITE_##write },
#include "common/ctx_fields.def"
#undef X
};
const uint32_t ir_nctx_fields = sizeof(ir_ctx_fields) / sizeof(ir_ctx_fields[0]);

const struct ir_helper_info *ir_helper_named(const char *name)
{
	for (uint32_t k = 0; k < ir_nhelpers; k++)
		if (!strcmp(ir_helpers[k].name, name))
			return &ir_helpers[k];
	return NULL;
}

bool ir_helper_allowed(const struct ir_helper_info *h, enum ir_prog_kind kind)
{
	return kind < IR_PROG_COUNT && (h->progs >> kind & 1);
}

struct ir_inst *ir_new_inst(struct arena *a, enum ir_kind kind, uint32_t offset)
{
	struct ir_inst *i = arena_alloc(a, sizeof(*i));

	i->kind = kind;
	i->type = IR_VOID;
	i->dst = IR_NOVAL;
	i->a = i->b = i->c = IR_NOVAL;
	i->offset = offset;
	return i;
}

void ir_region_append(struct arena *a, struct ir_region *r, struct ir_inst *inst)
{
	if (r->n == r->cap) {
		uint32_t nc = r->cap ? r->cap * 2 : 8;

		r->insts = arena_grow(a, r->insts, r->n, nc, sizeof(*r->insts));
		r->cap = nc;
	}
	r->insts[r->n++] = inst;
}

uint32_t ir_new_vreg(struct arena *a, struct ir_func *f, enum ir_type type)
{
	/* Grow in powers of two: nvregs is the length, capacity is implied. */
	uint32_t n = f->nvregs;

	if ((n & (n - 1)) == 0 && n >= 8)
		f->vreg_types = arena_grow(a, f->vreg_types, n, (size_t)n * 2, 1);
	else if (n == 0)
		f->vreg_types = arena_alloc(a, 8);
	f->vreg_types[n] = (uint8_t)type;
	f->nvregs = n + 1;
	return n;
}

uint32_t ir_new_local(struct arena *a, struct ir_func *f, enum ir_type type)
{
	/* Locals are few and added rarely (block results); copy each time. */
	f->local_types = arena_grow(a, f->local_types, f->nlocals, f->nlocals + 1, 1);
	f->local_types[f->nlocals] = (uint8_t)type;
	return f->nlocals++;
}

struct ir_label *ir_new_label(struct arena *a, struct ir_func *f,
			      enum ir_label_kind kind, struct ir_inst *owner)
{
	struct ir_label *l = arena_alloc(a, sizeof(*l));

	l->id = f->nlabels++;
	l->kind = (uint8_t)kind;
	l->owner = owner;
	return l;
}

const char *ir_type_name(enum ir_type t)
{
	switch (t) {
	case IR_VOID: return "void";
	case IR_I32: return "i32";
	case IR_I64: return "i64";
	}
	return "?";
}

/*
 * Region walk with an explicit stack: input nesting can be deep, and the
 * IR mirrors it, so no pass recurses over scopes.
 */
void ir_walk_regions(struct ir_region *root, ir_region_fn fn, void *user)
{
	struct ir_region **stack = NULL;
	size_t n = 0, cap = 0;

#define PUSH(r) do { \
		if (n == cap) { \
			cap = cap ? cap * 2 : 32; \
			stack = realloc(stack, cap * sizeof(*stack)); \
			if (!stack) \
				abort(); \
		} \
		stack[n++] = (r); \
	} while (0)

	PUSH(root);
	while (n) {
		struct ir_region *r = stack[--n];

		fn(r, user);
		/* after fn, which may have rewritten r: its scopes' bodies */
		for (uint32_t k = r->n; k-- > 0;) {
			struct ir_inst *i = r->insts[k];

			if (i->kind == IR_BLOCK || i->kind == IR_LOOP || i->kind == IR_IF) {
				if (i->kind == IR_IF)
					PUSH(&i->u.scope.else_body);
				PUSH(&i->u.scope.body);
			}
		}
	}
#undef PUSH
	free(stack);
}

struct walk_insts {
	ir_inst_fn fn;
	void *user;
};

static void walk_insts_region(struct ir_region *r, void *user)
{
	struct walk_insts *w = user;

	for (uint32_t k = 0; k < r->n; k++)
		w->fn(r->insts[k], w->user);
}

void ir_walk_insts(struct ir_region *root, ir_inst_fn fn, void *user)
{
	struct walk_insts w = { fn, user };

	ir_walk_regions(root, walk_insts_region, &w);
}

static void count_inst(struct ir_inst *i, void *user)
{
	(void)i;
	++*(uint64_t *)user;
}

uint64_t ir_count_insts(struct ir_region *root)
{
	uint64_t n = 0;

	ir_walk_insts(root, count_inst, &n);
	return n;
}

struct reach {
	bool *seen;
	uint32_t *work, n;
};

static void push_callee(struct ir_inst *i, void *user)
{
	struct reach *r = user;

	if (i->kind == IR_CALL && !r->seen[i->u.call.func]) {
		r->seen[i->u.call.func] = true;
		r->work[r->n++] = i->u.call.func;
	}
}

void ir_walk_reached(struct ir_module *m, uint32_t root, ir_func_fn fn, void *user)
{
	struct reach r = { calloc(m->nfuncs ? m->nfuncs : 1, 1),
			   calloc(m->nfuncs ? m->nfuncs : 1, sizeof(uint32_t)), 0 };

	if (!r.seen || !r.work)
		abort();
	/* what an entry reaches includes the start function, which the
	 * entry runs first (once per instance); pushed before root so that
	 * root still comes first */
	if (m->has_start && !m->start_imported && m->start != root) {
		r.seen[m->start] = true;
		r.work[r.n++] = m->start;
	}
	r.seen[root] = true;
	r.work[r.n++] = root;
	while (r.n) {
		struct ir_func *f = &m->funcs[r.work[--r.n]];

		ir_walk_insts(&f->body, push_callee, &r);
		fn(f, user);
	}
	free(r.seen);
	free(r.work);
}

bool ir_symbol_taken(const struct ir_module *m, const char *sym)
{
	for (uint32_t k = 0; k < m->nentries; k++)
		if (!strcmp(m->entries[k].symbol, sym))
			return true;
	for (uint32_t k = 0; k < m->nglobals; k++)
		if (m->globals[k].symbol && !strcmp(m->globals[k].symbol, sym))
			return true;
	for (uint32_t k = 0; k < m->nmaps; k++)
		if (!strcmp(m->maps[k].name, sym))
			return true;
	return false;
}

uint64_t ir_memory_initial(const struct ir_memory *mem, uint32_t addr, unsigned width)
{
	uint64_t v = 0;

	for (unsigned j = 0; j < width && j < 8; j++)
		for (uint32_t k = 0; k < mem->ndatas; k++) {
			const struct ir_data *s = &mem->datas[k];

			/* later segments overwrite earlier ones, as at instantiation */
			if (addr + j >= s->offset && addr + j - s->offset < s->size)
				v = (v & ~(0xffull << (8 * j))) |
				    (uint64_t)s->bytes[addr + j - s->offset] << (8 * j);
		}
	return v;
}

const struct ir_func *ir_func_by_symbol(const struct ir_module *m, const char *name, size_t n)
{
	for (uint32_t k = 0; k < m->nfuncs; k++)
		if (m->funcs[k].symbol && strlen(m->funcs[k].symbol) == n &&
		    !strncmp(m->funcs[k].symbol, name, n))
			return &m->funcs[k];
	for (uint32_t k = 0; k < m->nentries; k++)
		if (strlen(m->entries[k].symbol) == n && !strncmp(m->entries[k].symbol, name, n))
			return &m->funcs[m->entries[k].func];
	return NULL;
}

char *ir_chain_text(const struct ir_module *m, const uint32_t *funcs, uint32_t n)
{
	size_t cap = 256, len = 0;
	char *s = malloc(cap);

	if (!s)
		abort();
	s[0] = '\0';
	for (uint32_t k = 0; k < n; k++) {
		const struct ir_func *f = &m->funcs[funcs[k]];
		char item[200];
		int w = snprintf(item, sizeof(item), "%sfunc[%u]%s%.100s%s", k ? " -> " : "",
				 f->wasm_index, f->name ? " '" : "", f->name ? f->name : "",
				 f->name ? "'" : "");

		if (w < 0)
			continue;
		if ((size_t)w >= sizeof(item))
			w = sizeof(item) - 1;
		while (len + (size_t)w + 1 > cap) {
			cap *= 2;
			if (!(s = realloc(s, cap)))
				abort();
		}
		memcpy(s + len, item, (size_t)w + 1);
		len += (size_t)w;
	}
	return s;
}

bool ir_inst_uses_memory(const struct ir_inst *i)
{
	switch ((enum ir_kind)i->kind) {
	case IR_LOAD:
	case IR_STORE:
	case IR_ATOMIC_RMW:
	case IR_ATOMIC_CMPXCHG:
		/* the packet's, map values' and promoted frames' accesses do
		 * not use it */
		return i->u.mem.region != IR_MEM_PACKET && i->u.mem.region != IR_MEM_MAP_VALUE &&
		       i->u.mem.region != IR_MEM_FRAME;
	case IR_MEMORY_COPY:
	case IR_MEMORY_FILL:
		return true;
	case IR_HELPER_CALL: {
		/* its pointer arguments are into it, unless into a promoted frame */
		const char *kinds = ir_helper_params(&ir_helpers[i->u.call.func]);

		for (uint32_t k = 0; k < i->u.call.nargs && kinds[k]; k++)
			if (strchr("kvp", kinds[k]) && !(k < 8 && (i->u.call.frame_args >> k & 1)))
				return true;
		return false;
	}
	default:
		return false;
	}
}
