/*
 * precheck.c — the verifier's rules on an object's bytes, before loading
 * (vcheck.h says what it promises).
 *
 * The kernel's verifier walks every path of a program with exact register
 * states, pruning a path when it reaches a state it has seen. This walks
 * each function once per fixed point instead: a forward dataflow over the
 * function's blocks, where the states of paths that meet are joined —
 * types that differ become "any" (nothing is checked through them),
 * scalar ranges and variable offsets their hull, packet ranges the
 * largest. So the state at an instruction covers every path to it, and a
 * rule broken even by its best case (the smallest offset, the largest
 * packet range, a type every path agrees on) is broken on some path the
 * kernel walks: an error. One broken only by the hull's worst case may be
 * the join's imprecision, not the program: a warning.
 *
 * Branches the ranges decide are followed one way only, as the verifier
 * does with the values it knows. Loops reach their fixed point through
 * widening: after WIDEN_AFTER visits, a block's scalars that still grow
 * become unknown.
 *
 * Functions: a program starts with R1 = ctx. A static function called
 * with bpf-to-bpf calls starts with the join of its callers' arguments
 * (pointers to a caller's stack become "any": they are another frame's);
 * a global function is checked by the kernel on its own, with arguments
 * from BTF, so here they are "any"; a bpf_loop callback gets its index
 * (a scalar) and bpf_loop's context argument.
 *
 * The cost estimate counts each instruction once per pass the verifier
 * makes over it: the trip count of each loop whose counter the analysis
 * sees start and step (a counter compared with a constant, as the
 * verifier follows it), once for others (so the estimate is then a lower
 * bound), and each call of a static function as its whole body again.
 */
#include "verifier-check/vcheck.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/kernel.h"
#include "common/license.h"
#include "common/prog_classes.h"
#include "common/section.h"
#include "verifier-check/bpf_image.h"

const char *const vc_class_name[VC_CLASS_COUNT] = {
	[VC_CLASS_BOUNDS] = "bounds",
	[VC_CLASS_TYPE] = "type",
	[VC_CLASS_HELPER] = "helper",
	[VC_CLASS_LICENSE] = "license",
	[VC_CLASS_KERNEL] = "kernel version",
	[VC_CLASS_STACK] = "stack",
	[VC_CLASS_COMPLEXITY] = "complexity",
	[VC_CLASS_RETURN] = "return value",
};

/* --- what the kernel says about helpers and program types ------------------ */

/* The helpers a module imports (common/helpers.def): what the kernel
 * checks at a call of each. */
enum helper_ret { RET_NUM, RET_MAP_VALUE };
enum helper_effect { EFFECT_NONE, EFFECT_PACKET, EFFECT_TAIL };
struct helper {
	const char *name;
	uint32_t id;
	uint8_t ret;		/* enum helper_ret */
	bool gpl_only;
	uint32_t progs;		/* bits of program_types.def's rows
				 * (common/prog_classes.h) */
	uint8_t effect;		/* enum helper_effect */
	uint32_t min_kernel;
};
static const struct helper helpers[] = {
#define KV W2B_KERNEL
#define X(name, id, type, args, ret, gpl, progs, maps, effect, kernel, instead) \
	{ #name, id, RET_##ret, gpl, W2B_PROGS_##progs, EFFECT_##effect, kernel },
#include "common/helpers.def"
#undef X
#undef KV
};

/* The helpers the compiler calls itself, beyond those. */
#define HELPER_LOOP 181		/* bpf_loop */

enum packet_access { PKT_NONE, PKT_DIRECT, PKT_READ, PKT_LOAD };
/* The program sections wasm2bpf emits (common/program_types.def). */
struct prog_type {
	const char *section;
	uint8_t packet;		/* enum packet_access */
	uint32_t min_kernel;
};
static const struct prog_type prog_types[] = {
#define KV W2B_KERNEL
#define X(id, section, packet, params, trap, kernel, what) { section, PKT_##packet, kernel },
#include "common/program_types.def"
#undef X
#undef KV
};

static const struct prog_type *prog_type_of(const char *section)
{
	for (size_t k = 0; k < sizeof(prog_types) / sizeof(prog_types[0]); k++)
		if (w2b_section_matches(prog_types[k].section, section))
			return &prog_types[k];
	return NULL;
}

/* The context's layout: uapi linux/bpf.h's struct xdp_md and struct
 * __sk_buff. */
struct ctx_layout {
	uint32_t size;
	int32_t data, data_end, data_meta;	/* -1: none */
	bool writable;				/* any field at all */
};
static const struct ctx_layout xdp_ctx = { sizeof(struct xdp_md), 0, 4, 8, false };
static const struct ctx_layout skb_ctx = { sizeof(struct __sk_buff), 76, 80, 140, true };

/* The context fields whose writers the kernel restricts
 * (common/ctx_fields.def): a store to one of them by another program
 * type is "invalid bpf_context access". */
enum ctx_class { CTX_SKB, CTX_XDP };
enum ctx_write { CTX_WRITE_NONE, CTX_WRITE_TC, CTX_WRITE_TC_CGROUP };
struct ctx_field {
	const char *name;
	uint8_t cls;		/* enum ctx_class */
	uint32_t offset;
	uint8_t write;		/* enum ctx_write */
};
static const struct ctx_field ctx_fields[] = {
#define X(name, cls, off, write) { #name, CTX_##cls, off, CTX_WRITE_##write },
#include "common/ctx_fields.def"
#undef X
};

/* May a program of section sec write the __sk_buff field at off? -1: a
 * field the table does not know. */
static int skb_field_writable(const char *sec, int64_t off, const char **name)
{
	bool tc = !strcmp(sec, "tc") || !strcmp(sec, "classifier") || !strncmp(sec, "tcx/", 4);
	bool cgroup = !strncmp(sec, "cgroup_skb/", 11);

	for (size_t k = 0; k < sizeof(ctx_fields) / sizeof(ctx_fields[0]); k++) {
		const struct ctx_field *f = &ctx_fields[k];

		if (f->cls != CTX_SKB || f->offset != off)
			continue;
		*name = f->name;
		return (f->write == CTX_WRITE_TC && tc) ||
		       (f->write == CTX_WRITE_TC_CGROUP && (tc || cgroup));
	}
	return -1;
}

/* --- abstract values ----------------------------------------------------------- */

enum kind {
	K_UNINIT,		/* never written (the kernel: "!read_ok") */
	K_SCALAR,
	K_CTX,
	K_PKT,
	K_PKT_END,
	K_PKT_META,
	K_MAP_VALUE,
	K_MAP_OR_NULL,		/* map_value_or_null: a lookup's result */
	K_MAP_PTR,		/* a map, for a helper's argument */
	K_STACK,		/* fp: this frame's stack */
	K_FUNC,			/* a function's address (a callback) */
	K_ANY,			/* paths disagree, or out of sight: unchecked */
};
static const char *const kind_name[] = {
	"uninit", "scalar", "ctx", "pkt", "pkt_end", "pkt_meta", "map_value",
	"map_value_or_null", "map_ptr", "fp", "func", "any",
};

#define UMAX UINT64_MAX
#define SCALAR_ID 0x40000000u	/* + the copying instruction */
#define U32MAX 0xffffffffull
#define NREGS 11
#define NSLOTS (VC_MAX_STACK / 8)

struct val {
	uint8_t kind;		/* enum kind */
	int32_t map;		/* MAP_*: the map (index into maps[]); FUNC: the
				 * function; -1 unknown */
	uint32_t id;		/* OR_NULL: its lookup; PKT: pointers proven
				 * together (0: data itself); SCALAR: copies
				 * of one value (0: none), which a comparison
				 * bounds together, as the kernel's scalar ids */
	uint32_t range;		/* PKT: bytes from data proven in the packet */
	int64_t off;		/* pointers: the constant offset */
	uint64_t umin, umax;	/* scalars: the value; pointers: the
				 * variable offset */
};

struct state {
	struct val r[NREGS];
	struct val slot[NSLOTS];	/* stack, 8 bytes each, slot k at
					 * fp - 8 (k + 1) */
};

static struct val scalar(uint64_t lo, uint64_t hi)
{
	return (struct val){ .kind = K_SCALAR, .map = -1, .umin = lo, .umax = hi };
}

static struct val of_kind(enum kind k)
{
	return (struct val){ .kind = (uint8_t)k, .map = -1, .umax = k == K_SCALAR ? UMAX : 0 };
}

static bool is_const(const struct val *v)
{
	return v->kind == K_SCALAR && v->umin == v->umax;
}

static bool is_pointer(const struct val *v)
{
	return v->kind != K_UNINIT && v->kind != K_SCALAR && v->kind != K_ANY;
}

static bool same_val(const struct val *a, const struct val *b)
{
	return a->kind == b->kind && a->map == b->map && a->id == b->id && a->range == b->range &&
	       a->off == b->off && a->umin == b->umin && a->umax == b->umax;
}

/* Into a, the join of a and b; whether a changed. widen: a scalar range
 * that grows becomes unknown. */
static bool join_val(struct val *a, const struct val *b, bool widen)
{
	struct val j = *a;

	if (same_val(a, b))
		return false;
	if (a->kind != b->kind || a->map != b->map || a->off != b->off ||
	    (a->kind == K_MAP_OR_NULL && a->id != b->id)) {
		j = of_kind(K_ANY);
		if (a->kind == K_UNINIT && b->kind == K_UNINIT)
			j = of_kind(K_UNINIT);
	} else {
		uint64_t lo = a->umin < b->umin ? a->umin : b->umin;
		uint64_t hi = a->umax > b->umax ? a->umax : b->umax;

		if (widen && (lo < a->umin || hi > a->umax)) {
			lo = 0;
			hi = UMAX;
		}
		j.umin = lo;
		j.umax = hi;
		if (a->kind == K_PKT) {
			if (a->id != b->id)
				j.id = UINT32_MAX;	/* no comparison proves both */
			j.range = a->range > b->range ? a->range : b->range;
		} else if (a->kind == K_SCALAR && a->id != b->id) {
			j.id = 0;	/* copies on one path only */
		}
	}
	if (same_val(a, &j))
		return false;
	*a = j;
	return true;
}

static bool join_state(struct state *a, const struct state *b, bool widen)
{
	bool changed = false;

	for (int r = 0; r < NREGS; r++)
		changed |= join_val(&a->r[r], &b->r[r], widen);
	for (int k = 0; k < NSLOTS; k++)
		changed |= join_val(&a->slot[k], &b->slot[k], widen);
	return changed;
}

/* --- the object ------------------------------------------------------------------ */

struct map_info {
	const char *name;
	size_t sec;		/* a data section's (value at its symbol) or 0 */
	uint64_t sym_value;
	uint32_t value_size;	/* 0: unknown */
};

/* What the walk knows of each function (same index as the image's). */
struct fn_info {
	struct state entry;
	bool has_entry;
	bool dirty;		/* its entry grew since it was walked */
	bool callback;
	uint32_t *leader;	/* per instruction: its block, or UINT32_MAX */
	uint32_t nblocks;
	struct state *in;	/* per block */
	uint16_t *visits;
	bool *reached;
	/* per comparison with a constant: the register at its first two
	 * visits */
	struct val *first, *second;
	uint8_t *seen;
	/* per conditional jump, at the fixed point: which ways are followed
	 * (1 taken, 2 not taken) */
	uint8_t *ways;
	int64_t jumps;		/* jump_sequence(), -1: not known yet */
	int64_t cost;		/* estimated processed, -1 being computed */
	bool cost_exact;
};

struct pc {
	const struct vc_image *im;
	const struct vc_precheck_opts *o;
	struct fn_info *fi;
	struct map_info *maps;
	size_t nmaps;
	bool gpl;
	/* the program being checked */
	const struct vc_fn *prog;
	const struct prog_type *type;
	const struct ctx_layout *ctx;
	bool report;		/* the reporting pass */
	int err;
	/* findings already reported: (section, insn, class) of this program */
	struct { size_t sec; uint64_t insn; } *seen;
	size_t nseen, capseen;
};

static void finding(struct pc *c, bool error, enum vc_class cls, const struct vc_fn *f,
		    uint64_t insn, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void finding(struct pc *c, bool error, enum vc_class cls, const struct vc_fn *f,
		    uint64_t insn, const char *fmt, ...)
{
	struct vc_finding v = { error, cls, c->prog->name, f ? f->name : c->prog->name,
				c->im->sec_name[f ? f->sec : c->prog->sec], insn, NULL, 0, 0, NULL };
	char msg[512];
	va_list ap;

	if (!c->report || !c->o->finding)
		return;
	if (f && insn != UINT64_MAX) {
		const struct vc_line *l = vc_image_line(c->im, f->sec, insn);

		for (size_t k = 0; k < c->nseen; k++)
			if (c->seen[k].sec == f->sec && c->seen[k].insn == insn)
				return;
		if (c->nseen == c->capseen) {
			size_t cap = c->capseen ? 2 * c->capseen : 16;
			void *p = realloc(c->seen, cap * sizeof(*c->seen));

			if (!p) {
				c->err = -ENOMEM;
				return;
			}
			c->seen = p;
			c->capseen = cap;
		}
		c->seen[c->nseen].sec = f->sec;
		c->seen[c->nseen++].insn = insn;
		if (l) {
			v.file = l->file;
			v.line = l->line;
			v.column = l->column;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v.msg = msg;
	c->o->finding(&v, c->o->user);
}

/* The maps: the BTF-defined ones of .maps (their value size from
 * libbpf's reading of their BTF), and the data sections libbpf makes
 * maps of (.rodata, .data, .bss: one value, the section). */
#include <bpf/libbpf.h>

static int read_maps(struct pc *c, const void *obj, size_t size)
{
	const struct vc_image *im = c->im;
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	struct bpf_object *o = NULL;

	c->maps = calloc(im->nrelocs + 1, sizeof(*c->maps));
	if (!c->maps)
		return -ENOMEM;
	if (im->maps_sec) {
		o = bpf_object__open_mem(obj, size, &oo);
		if (libbpf_get_error(o))
			o = NULL;
	}
	for (size_t k = 0; k < im->nrelocs; k++) {
		const struct vc_reloc *r = &im->relocs[k];
		struct map_info m = { r->sym_name, 0, r->sym_value, 0 };
		size_t j;

		if (!r->sym_sec || r->sym_sec >= im->nsecs || im->text[r->sym_sec])
			continue;
		if (r->sym_sec == im->maps_sec) {
			struct bpf_map *bm = o ? bpf_object__find_map_by_name(o, r->sym_name) : NULL;

			m.value_size = bm ? bpf_map__value_size(bm) : 0;
		} else {
			m.name = im->sec_name[r->sym_sec];
			m.sec = r->sym_sec;
			m.sym_value = 0;
			m.value_size = (uint32_t)im->sec_size[r->sym_sec];
		}
		for (j = 0; j < c->nmaps; j++)
			if (!strcmp(c->maps[j].name, m.name))
				break;
		if (j == c->nmaps)
			c->maps[c->nmaps++] = m;
	}
	bpf_object__close(o);
	return 0;
}

static int32_t map_of(const struct pc *c, const struct vc_reloc *r)
{
	const char *name = r->sym_sec == c->im->maps_sec ? r->sym_name : c->im->sec_name[r->sym_sec];

	for (size_t j = 0; j < c->nmaps; j++)
		if (!strcmp(c->maps[j].name, name))
			return (int32_t)j;
	return -1;
}

/* --- scalar arithmetic ---------------------------------------------------------- */

static uint64_t mask_up(uint64_t v)
{
	v |= v >> 1;
	v |= v >> 2;
	v |= v >> 4;
	v |= v >> 8;
	v |= v >> 16;
	v |= v >> 32;
	return v;
}

/* dst op src on 64-bit unsigned ranges; op a BPF_OP(). */
static struct val alu_scalar(uint8_t op, struct val a, struct val b)
{
	if (a.kind != K_SCALAR || b.kind != K_SCALAR)
		return scalar(0, UMAX);
	switch (op) {
	case BPF_MOV:
		return b;
	case BPF_ADD:
		if (a.umax + b.umax < a.umax)
			return scalar(0, UMAX);
		return scalar(a.umin + b.umin, a.umax + b.umax);
	case BPF_SUB:
		if (a.umin < b.umax)
			return scalar(0, UMAX);
		return scalar(a.umin - b.umax, a.umax - b.umin);
	case BPF_MUL:
		if (a.umax && b.umax > UMAX / a.umax)
			return scalar(0, UMAX);
		return scalar(a.umin * b.umin, a.umax * b.umax);
	case BPF_DIV:
		if (!b.umax)
			return scalar(0, 0);
		return scalar(a.umin / b.umax, b.umin ? a.umax / b.umin : a.umax);
	case BPF_MOD:
		if (b.umin)
			return scalar(0, a.umax < b.umax - 1 ? a.umax : b.umax - 1);
		return scalar(0, a.umax);
	case BPF_AND:
		if (is_const(&a) && is_const(&b))
			return scalar(a.umin & b.umin, a.umin & b.umin);
		return scalar(0, a.umax < b.umax ? a.umax : b.umax);
	case BPF_OR:
		if (is_const(&a) && is_const(&b))
			return scalar(a.umin | b.umin, a.umin | b.umin);
		return scalar(a.umin > b.umin ? a.umin : b.umin, mask_up(a.umax | b.umax));
	case BPF_XOR:
		if (is_const(&a) && is_const(&b))
			return scalar(a.umin ^ b.umin, a.umin ^ b.umin);
		return scalar(0, mask_up(a.umax | b.umax));
	case BPF_LSH:
		if (!is_const(&b) || b.umin > 63 || a.umax > (UMAX >> b.umin))
			return scalar(0, UMAX);
		return scalar(a.umin << b.umin, a.umax << b.umin);
	case BPF_RSH:
		if (!is_const(&b) || b.umin > 63)
			return scalar(0, a.umax);
		return scalar(a.umin >> b.umin, a.umax >> b.umin);
	case BPF_ARSH:
		if (!is_const(&b) || b.umin > 63 || a.umax >> 63)
			return scalar(0, UMAX);
		return scalar(a.umin >> b.umin, a.umax >> b.umin);
	case BPF_NEG:
		if (is_const(&a))
			return scalar(0 - a.umin, 0 - a.umin);
		return scalar(0, UMAX);
	default:
		return scalar(0, UMAX);
	}
}

/* The same on the low 32 bits, zero-extended (BPF_ALU). */
static struct val alu32_scalar(uint8_t op, struct val a, struct val b)
{
	struct val r;

	if (a.kind != K_SCALAR || a.umax > U32MAX)
		a = scalar(0, U32MAX);
	if (b.kind != K_SCALAR || b.umax > U32MAX)
		b = scalar(0, U32MAX);
	if (op == BPF_LSH && is_const(&b))
		b.umin = b.umax = b.umin & 31;
	if (op == BPF_ARSH && a.umax >> 31)
		return scalar(0, U32MAX);
	if (op == BPF_NEG && is_const(&a))
		return scalar((uint32_t)(0 - a.umin), (uint32_t)(0 - a.umin));
	r = alu_scalar(op, a, b);
	if (r.umax > U32MAX)
		r = scalar(0, U32MAX);
	return r;
}

/* --- conditional jumps -------------------------------------------------------- */

/* Narrows a (and b) to the values for which `a op b` is `taken`;
 * false if no value is (that way is never followed). Unsigned
 * comparisons, and signed ones on ranges below 2^63. */
static bool refine(uint8_t op, struct val *a, struct val *b, bool taken)
{
	bool signed_op = op == BPF_JSGT || op == BPF_JSGE || op == BPF_JSLT || op == BPF_JSLE;

	if (a->kind != K_SCALAR || b->kind != K_SCALAR)
		return true;
	if (signed_op) {
		if (a->umax >> 63 || b->umax >> 63)
			return true;
		op = op == BPF_JSGT ? BPF_JGT : op == BPF_JSGE ? BPF_JGE :
		     op == BPF_JSLT ? BPF_JLT : BPF_JLE;
	}
	if (!taken) {		/* the opposite comparison, taken */
		switch (op) {
		case BPF_JEQ: op = BPF_JNE; break;
		case BPF_JNE: op = BPF_JEQ; break;
		case BPF_JGT: op = BPF_JLE; break;
		case BPF_JGE: op = BPF_JLT; break;
		case BPF_JLT: op = BPF_JGE; break;
		case BPF_JLE: op = BPF_JGT; break;
		case BPF_JSET:
			/* no bit of b in a: only decided for constants */
			return !(is_const(a) && is_const(b) && (a->umin & b->umin));
		default: return true;
		}
	}
	switch (op) {
	case BPF_JEQ: {
		uint64_t lo = a->umin > b->umin ? a->umin : b->umin;
		uint64_t hi = a->umax < b->umax ? a->umax : b->umax;

		if (lo > hi)
			return false;
		a->umin = b->umin = lo;
		a->umax = b->umax = hi;
		return true;
	}
	case BPF_JNE:
		if (is_const(a) && is_const(b) && a->umin == b->umin)
			return false;
		if (is_const(b)) {	/* an end of a's range excluded */
			if (a->umin == b->umin)
				a->umin++;
			else if (a->umax == b->umin)
				a->umax--;
		}
		return true;
	case BPF_JGT:		/* a > b */
		if (a->umax <= b->umin)
			return false;
		if (a->umin <= b->umin)
			a->umin = b->umin + 1;
		if (b->umax >= a->umax)
			b->umax = a->umax - 1;
		return true;
	case BPF_JGE:
		if (a->umax < b->umin)
			return false;
		if (a->umin < b->umin)
			a->umin = b->umin;
		if (b->umax > a->umax)
			b->umax = a->umax;
		return true;
	case BPF_JLT:		/* a < b */
		return refine(BPF_JGT, b, a, true);
	case BPF_JLE:
		return refine(BPF_JGE, b, a, true);
	case BPF_JSET:
		return !(is_const(a) && is_const(b) && !(a->umin & b->umin));
	default:
		return true;
	}
}

/* Every register and spilled slot that is v's pointer (same kind and id)
 * becomes what fn makes of it. */
static void each_copy(struct state *s, const struct val *v, void (*fn)(struct val *, void *),
		      void *user)
{
	uint8_t kind = v->kind;
	uint32_t id = v->id;

	for (int r = 0; r < NREGS; r++)
		if (s->r[r].kind == kind && s->r[r].id == id)
			fn(&s->r[r], user);
	for (int k = 0; k < NSLOTS; k++)
		if (s->slot[k].kind == kind && s->slot[k].id == id)
			fn(&s->slot[k], user);
}

static void make_null(struct val *v, void *user)
{
	(void)user;
	*v = scalar(0, 0);
}

static void make_non_null(struct val *v, void *user)
{
	(void)user;
	v->kind = K_MAP_VALUE;
}

static void bound_copy(struct val *v, void *user)
{
	const struct val *to = user;

	v->umin = to->umin;
	v->umax = to->umax;
}

static void grow_range(struct val *v, void *user)
{
	uint32_t r = *(uint32_t *)user;

	if (v->range < r)
		v->range = r;
}

/* The state on one way out of conditional jump x (taken or not); false
 * if that way is never followed. */
static bool branch_state(const struct bpf_insn *x, struct state *s, bool taken)
{
	uint8_t op = BPF_OP(x->code);
	bool is32 = BPF_CLASS(x->code) == BPF_JMP32;
	struct val *a = &s->r[x->dst_reg];
	struct val bk = scalar((uint64_t)(int64_t)x->imm, (uint64_t)(int64_t)x->imm);
	struct val *b = BPF_SRC(x->code) == BPF_X ? &s->r[x->src_reg] : &bk;

	if (is32 && BPF_SRC(x->code) == BPF_K)
		bk = scalar((uint32_t)x->imm, (uint32_t)x->imm);
	/* a lookup's result against NULL */
	if (a->kind == K_MAP_OR_NULL && is_const(b) && !b->umin && (op == BPF_JEQ || op == BPF_JNE)) {
		struct val v = *a;

		each_copy(s, &v, (op == BPF_JEQ) == taken ? make_null : make_non_null, NULL);
		return true;
	}
	/* a packet pointer against the packet's end */
	if ((a->kind == K_PKT && b->kind == K_PKT_END) || (a->kind == K_PKT_END && b->kind == K_PKT)) {
		bool pkt_left = a->kind == K_PKT;
		struct val p = pkt_left ? *a : *b;
		/* which way says pkt < end (open: off + 1 bytes) or pkt <= end */
		int safe_taken = -1, open = 0;

		switch (op) {
		case BPF_JGT: safe_taken = !pkt_left; open = !pkt_left; break;
		case BPF_JGE: safe_taken = !pkt_left; open = pkt_left; break;
		case BPF_JLT: safe_taken = pkt_left; open = pkt_left; break;
		case BPF_JLE: safe_taken = pkt_left; open = !pkt_left; break;
		default: break;
		}
		/* the range is from the pointer's base, its variable part
		 * included: pointers with its id share both */
		if (safe_taken >= 0 && (bool)safe_taken == taken && p.off >= 0 && p.umax <= 0xffff &&
		    p.id != UINT32_MAX) {
			uint32_t r = (uint32_t)p.off + (uint32_t)open;

			each_copy(s, &p, grow_range, &r);
		}
		return true;
	}
	/* a pointer that cannot be NULL against 0: the kernel knows */
	if (is_pointer(a) && a->kind != K_MAP_OR_NULL && !is32 && is_const(b) && !b->umin &&
	    (op == BPF_JEQ || op == BPF_JNE))
		return (op == BPF_JNE) == taken;
	if (is32 && (a->kind != K_SCALAR || a->umax > U32MAX || b->umax > U32MAX))
		return true;
	if (!refine(op, a, b, taken))
		return false;
	if (a->kind == K_SCALAR && a->id)
		each_copy(s, a, bound_copy, a);
	if (b != &bk && b->kind == K_SCALAR && b->id)
		each_copy(s, b, bound_copy, b);
	return true;
}

/* --- one function: blocks, transfer, fixed point -------------------------------- */

#define WIDEN_AFTER 4

static bool is_jump(const struct bpf_insn *x)
{
	uint8_t cls = BPF_CLASS(x->code);

	return (cls == BPF_JMP || cls == BPF_JMP32) && BPF_OP(x->code) != BPF_CALL;
}

static uint64_t jump_target(const struct bpf_insn *x, uint64_t i)
{
	int64_t off = BPF_CLASS(x->code) == BPF_JMP32 && BPF_OP(x->code) == BPF_JA ? x->imm : x->off;

	return (uint64_t)((int64_t)i + 1 + off);
}

static int find_blocks(const struct vc_image *im, const struct vc_fn *f, struct fn_info *fi)
{
	const struct bpf_insn *in = vc_image_insns(im, f->sec);
	uint64_t n = f->end - f->start;

	fi->leader = malloc((n + 1) * sizeof(*fi->leader));
	if (!fi->leader)
		return -ENOMEM;
	for (uint64_t k = 0; k < n; k++)
		fi->leader[k] = UINT32_MAX;
	fi->leader[0] = 0;
	for (uint64_t i = f->start; i < f->end; i++) {
		const struct bpf_insn *x = &in[i];

		if (x->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			i++;
			continue;
		}
		if (is_jump(x) && BPF_OP(x->code) != BPF_EXIT) {
			uint64_t t = jump_target(x, i);

			if (t >= f->start && t < f->end)
				fi->leader[t - f->start] = 0;
		}
		if (is_jump(x) && i + 1 < f->end)
			fi->leader[i + 1 - f->start] = 0;
	}
	fi->nblocks = 0;
	for (uint64_t k = 0; k < n; k++)
		if (!fi->leader[k])
			fi->leader[k] = fi->nblocks++;
	fi->in = calloc(fi->nblocks + 1, sizeof(*fi->in));
	fi->visits = calloc(fi->nblocks + 1, sizeof(*fi->visits));
	fi->reached = calloc(fi->nblocks + 1, sizeof(*fi->reached));
	fi->first = calloc(n + 1, sizeof(*fi->first));
	fi->second = calloc(n + 1, sizeof(*fi->second));
	fi->seen = calloc(n + 1, 1);
	fi->ways = calloc(n + 1, 1);
	if (!fi->in || !fi->visits || !fi->reached || !fi->first || !fi->second || !fi->seen ||
	    !fi->ways)
		return -ENOMEM;
	return 0;
}

struct walk {
	struct pc *c;
	int32_t fn;
	const struct vc_fn *f;
	struct fn_info *fi;
	uint32_t *work;
	size_t nwork;
	bool *queued;
};

static void flow_to(struct walk *w, uint64_t insn, const struct state *s)
{
	struct fn_info *fi = w->fi;
	uint32_t b;

	/* the reporting pass: at the fixed point, nothing new flows */
	if (w->c->report)
		return;
	if (insn < w->f->start || insn >= w->f->end)
		return;
	b = fi->leader[insn - w->f->start];
	if (b == UINT32_MAX)
		return;
	if (!fi->reached[b]) {
		fi->reached[b] = true;
		fi->in[b] = *s;
	} else if (!join_state(&fi->in[b], s, fi->visits[b] >= WIDEN_AFTER)) {
		return;
	}
	if (fi->visits[b] < UINT16_MAX)
		fi->visits[b]++;
	if (!w->queued[b]) {
		w->queued[b] = true;
		w->work[w->nwork++] = b;
	}
}

/* A function's entry state: join into what it has, mark it to walk again
 * if that grew. */
static void enter(struct pc *c, int32_t callee, const struct state *s)
{
	struct fn_info *fi = &c->fi[callee];

	if (!fi->has_entry) {
		fi->entry = *s;
		fi->has_entry = true;
		fi->dirty = true;
	} else if (join_state(&fi->entry, s, false)) {
		fi->dirty = true;
	}
}

static struct state fresh_frame(void)
{
	struct state s;

	for (int r = 0; r < NREGS; r++)
		s.r[r] = of_kind(K_UNINIT);
	for (int k = 0; k < NSLOTS; k++)
		s.slot[k] = of_kind(K_UNINIT);
	s.r[BPF_REG_10] = of_kind(K_STACK);
	s.r[BPF_REG_10].umax = 0;
	return s;
}

/* An argument as a callee sees it: the caller's stack is another frame. */
static struct val as_argument(struct val v)
{
	return v.kind == K_STACK ? of_kind(K_ANY) : v;
}

static uint32_t width_of(const struct bpf_insn *x)
{
	switch (BPF_SIZE(x->code)) {
	case BPF_B: return 1;
	case BPF_H: return 2;
	case BPF_W: return 4;
	default: return 8;
	}
}

/* A load or store of `size` bytes at reg + off: the kernel's checks.
 * Returns what a load there reads. */
static struct val access(struct walk *w, struct state *s, uint64_t i, int reg, int16_t off,
			 uint32_t size, bool write, const struct val *stored)
{
	struct pc *c = w->c;
	const struct vc_fn *f = w->f;
	struct val *p = &s->r[reg];
	struct val loaded = size == 8 ? scalar(0, UMAX) : scalar(0, (1ull << (8 * size)) - 1);
	int64_t lo = p->off + off + (int64_t)p->umin;
	int64_t hi = p->off + off + (int64_t)(p->umax > (uint64_t)INT32_MAX ? INT32_MAX : p->umax);

	switch (p->kind) {
	case K_UNINIT:
		finding(c, true, VC_CLASS_TYPE, f, i, "R%d !read_ok", reg);
		break;
	case K_SCALAR:
	case K_PKT_END:
	case K_MAP_OR_NULL:
	case K_MAP_PTR:
	case K_FUNC:
		finding(c, true, VC_CLASS_TYPE, f, i,
			"R%d invalid mem access '%s'%s", reg, kind_name[p->kind],
			p->kind == K_MAP_OR_NULL ? " (a map lookup's result used without a NULL check)" : "");
		break;
	case K_MAP_VALUE: {
		uint32_t vs = p->map >= 0 ? c->maps[p->map].value_size : 0;

		if (!vs)
			break;
		if (lo < 0 || lo + size > vs)
			finding(c, true, VC_CLASS_BOUNDS, f, i,
				"invalid access to map value, value_size=%u off=%lld size=%u (map '%s')",
				vs, (long long)lo, size, c->maps[p->map].name);
		else if (hi + size > vs)
			finding(c, false, VC_CLASS_BOUNDS, f, i,
				"R%d max value is outside of the allowed memory range: offset up to %lld "
				"+ %u bytes, value_size=%u (map '%s')",
				reg, (long long)hi, size, vs, c->maps[p->map].name);
		break;
	}
	case K_PKT:
		if (write && c->type && c->type->packet != PKT_DIRECT) {
			finding(c, true, VC_CLASS_TYPE, f, i, "cannot write into packet");
			break;
		}
		/* the range counts from the base with its variable part */
		lo = p->off + off;
		if (p->id == UINT32_MAX)
			break;
		if (lo < 0 || lo + size > p->range)
			finding(c, true, VC_CLASS_BOUNDS, f, i,
				"invalid access to packet, off=%lld size=%u, R%d(off=%lld,r=%u): no "
				"comparison with data_end proves these bytes are in the packet",
				(long long)lo, size, reg, (long long)p->off, p->range);
		break;
	case K_STACK:
		if (lo < -(int64_t)VC_MAX_STACK || hi + size > 0) {
			if (lo < -(int64_t)VC_MAX_STACK || lo + size > 0)
				finding(c, true, VC_CLASS_STACK, f, i, "invalid %s stack R%d off=%lld size=%u",
					write ? "write to" : "read from", reg, (long long)lo, size);
			break;
		}
		if (p->umin != p->umax) {	/* a variable offset */
			if (write)
				for (int64_t a = lo; a < hi + size; a++)
					s->slot[(-a - 1) / 8] = scalar(0, UMAX);
			else if (size == 8)
				loaded = of_kind(K_ANY);
			break;
		}
		if (size == 8 && !(lo % 8)) {
			struct val *slot = &s->slot[(-lo) / 8 - 1];

			if (write)
				*slot = *stored;
			else if (slot->kind != K_UNINIT)
				loaded = *slot;
		} else if (write) {
			s->slot[(-lo - 1) / 8] = scalar(0, UMAX);
			if ((-lo - 1) / 8 != (-(lo + size - 1) - 1) / 8)
				s->slot[(-(lo + size - 1) - 1) / 8] = scalar(0, UMAX);
		}
		break;
	case K_CTX:
		if (!c->ctx)
			break;
		if (lo < 0 || lo + size > c->ctx->size || (write && !c->ctx->writable)) {
			finding(c, true, VC_CLASS_BOUNDS, f, i, "invalid bpf_context access off=%lld size=%u",
				(long long)lo, size);
			break;
		}
		if (write && c->ctx == &skb_ctx && p->umin == p->umax) {
			const char *field = "";

			if (!skb_field_writable(c->im->sec_name[c->prog->sec], lo, &field))
				finding(c, true, VC_CLASS_BOUNDS, f, i,
					"invalid bpf_context access off=%lld size=%u (__sk_buff.%s is "
					"read-only for this program type)", (long long)lo, size, field);
		}
		if (!write && p->umin == p->umax && size == 4) {
			if (lo == c->ctx->data)
				loaded = (struct val){ .kind = K_PKT, .map = -1 };
			else if (lo == c->ctx->data_end)
				loaded = of_kind(K_PKT_END);
			else if (lo == c->ctx->data_meta)
				loaded = of_kind(K_PKT_META);
			if (loaded.kind == K_PKT && c->type && c->type->packet == PKT_LOAD)
				finding(c, true, VC_CLASS_BOUNDS, f, i,
					"invalid bpf_context access off=%lld size=%u (this program type "
					"has no direct packet access)", (long long)lo, size);
		}
		break;
	default:	/* K_ANY: what it holds is out of sight too (a global
			 * function's context argument: its packet pointers) */
		loaded = of_kind(K_ANY);
		break;
	}
	return loaded;
}

static const struct helper *helper_by_id(uint32_t id)
{
	for (size_t k = 0; k < sizeof(helpers) / sizeof(helpers[0]); k++)
		if (helpers[k].id == id)
			return &helpers[k];
	return NULL;
}

static void need_kernel(struct walk *w, uint64_t i, uint32_t min, const char *what)
{
	char need[8], have[8];

	if (w->c->o->target_kernel && w->c->o->target_kernel < min)
		finding(w->c, true, VC_CLASS_KERNEL, w->f, i,
			"%s is in kernel %s and later; the target is %s (--target-kernel)", what,
			w2b_kernel_format(min, need), w2b_kernel_format(w->c->o->target_kernel, have));
}

static void call_helper(struct walk *w, struct state *s, uint64_t i, uint32_t id)
{
	struct pc *c = w->c;
	const struct helper *h = helper_by_id(id);
	struct val r0 = scalar(0, UMAX);
	char what[64];

	if (h) {
		snprintf(what, sizeof(what), "helper bpf_%s#%u", h->name, id);
		if (c->type && !(h->progs >> (c->type - prog_types) & 1))
			finding(c, true, VC_CLASS_HELPER, w->f, i,
				"unknown func bpf_%s#%u: a program in section '%s' may not call it",
				h->name, id, c->im->sec_name[c->prog->sec]);
		if (h->gpl_only && !c->gpl)
			finding(c, true, VC_CLASS_LICENSE, w->f, i,
				"cannot call GPL-restricted function from non-GPL compatible program "
				"(bpf_%s#%u; license \"%s\")", h->name, id,
				c->im->license ? c->im->license : "");
		need_kernel(w, i, h->min_kernel, what);
		if (h->ret == RET_MAP_VALUE) {
			const struct val *m = &s->r[BPF_REG_1];

			if (m->kind == K_MAP_PTR)
				r0 = (struct val){ .kind = K_MAP_OR_NULL, .map = m->map,
						   .id = (uint32_t)(i + 1) };
			else if (m->kind == K_SCALAR || m->kind == K_UNINIT)
				finding(c, true, VC_CLASS_TYPE, w->f, i, "R1 type=%s expected=map_ptr",
					kind_name[m->kind]);
			else
				r0 = of_kind(K_ANY);
		}
	} else if (id == HELPER_LOOP) {
		const struct val *cb = &s->r[BPF_REG_2];

		need_kernel(w, i, w2b_kernel_min(W2B_KF_BPF_LOOP), "helper bpf_loop#181");
		if (cb->kind == K_FUNC && cb->map >= 0) {
			struct state e = fresh_frame();

			e.r[BPF_REG_1] = scalar(0, U32MAX);
			e.r[BPF_REG_2] = as_argument(s->r[BPF_REG_3]);
			c->fi[cb->map].callback = true;
			enter(c, cb->map, &e);
		}
	} else {
		r0 = of_kind(K_ANY);	/* a helper this table does not describe */
	}
	for (int r = BPF_REG_1; r <= BPF_REG_5; r++)
		s->r[r] = of_kind(K_UNINIT);
	s->r[BPF_REG_0] = r0;
	if (h && h->effect == EFFECT_PACKET) {
		/* the packet may have moved: the kernel forgets every packet
		 * pointer, spilled ones too (clear_all_pkt_pointers()) */
		for (int r = 0; r < NREGS; r++)
			if (s->r[r].kind == K_PKT || s->r[r].kind == K_PKT_END)
				s->r[r] = scalar(0, UMAX);
		for (int k = 0; k < NSLOTS; k++)
			if (s->slot[k].kind == K_PKT || s->slot[k].kind == K_PKT_END)
				s->slot[k] = scalar(0, UMAX);
	}
}

static void call_kfunc(struct walk *w, struct state *s, uint64_t i)
{
	const struct vc_reloc *r = vc_image_reloc_at(w->c->im, w->f->sec, i);
	const char *name = r ? r->sym_name : "?";
	char what[96];

	if (!w->c->gpl)
		finding(w->c, true, VC_CLASS_LICENSE, w->f, i,
			"cannot call kernel function from non-GPL compatible program (%s; license \"%s\")",
			name, w->c->im->license ? w->c->im->license : "");
	if (!strncmp(name, "bpf_iter_num_", 13)) {
		snprintf(what, sizeof(what), "kfunc %s", name);
		need_kernel(w, i, w2b_kernel_min(W2B_KF_ITER_NUM), what);
	}
	for (int k = BPF_REG_1; k <= BPF_REG_5; k++)
		s->r[k] = of_kind(K_UNINIT);
	s->r[BPF_REG_0] = of_kind(K_ANY);
}

static void call_function(struct walk *w, struct state *s, uint64_t i)
{
	int32_t callee = vc_image_callee(w->c->im, w->f, i);

	if (callee >= 0) {
		/* a global function is checked on its own, its arguments
		 * typed by BTF: unknown here */
		struct state e = fresh_frame();
		bool global = w->c->im->fns[callee].global;

		for (int r = BPF_REG_1; r <= BPF_REG_5; r++)
			e.r[r] = global ? of_kind(K_ANY) : as_argument(s->r[r]);
		enter(w->c, callee, &e);
	}
	for (int r = BPF_REG_1; r <= BPF_REG_5; r++)
		s->r[r] = of_kind(K_UNINIT);
	s->r[BPF_REG_0] = of_kind(K_ANY);
}

/* The program's return value (check_return_code()). */
static void at_exit(struct walk *w, const struct state *s, uint64_t i)
{
	struct pc *c = w->c;
	const struct val *r0 = &s->r[BPF_REG_0];
	const char *sec = c->im->sec_name[c->prog->sec];
	uint64_t max;

	/* the program's own exit, a global function's (checked as a
	 * program) and a callback's read R0; a static subprogram's exit
	 * passes R0 on as it is (prepare_func_exit()): a void function
	 * need not set it */
	if (r0->kind == K_UNINIT &&
	    (w->f == c->prog || w->f->global || c->fi[w->f - c->im->fns].callback)) {
		finding(c, true, VC_CLASS_TYPE, w->f, i, "R0 !read_ok");
		return;
	}
	if (w->f != c->prog || strncmp(sec, "cgroup_skb/", 11))
		return;
	max = !strcmp(sec, "cgroup_skb/egress") ? 3 : 1;
	if (is_pointer(r0))
		finding(c, true, VC_CLASS_RETURN, w->f, i,
			"At program exit the register R0 is not a known value (%s)", kind_name[r0->kind]);
	else if (r0->kind == K_SCALAR && r0->umin > max)
		finding(c, true, VC_CLASS_RETURN, w->f, i,
			"At program exit the register R0 has value (%llu; %llu) should have been in "
			"[0, %llu]", (unsigned long long)r0->umin, (unsigned long long)r0->umax,
			(unsigned long long)max);
	/* a hull above the range may be paths the kernel sees are never
	 * taken: only the certain case is said */
}

/* A comparison with a constant as the fixed point first sees it: the
 * compared register at the first two visits (a loop's counter: its start
 * and its step). */
static void note_compare(struct walk *w, uint64_t i, const struct state *s, const struct bpf_insn *x)
{
	uint64_t k = i - w->f->start;

	if (w->c->report || w->fi->seen[k] >= 2)
		return;
	if (!w->fi->seen[k]++)
		w->fi->first[k] = s->r[x->dst_reg];
	else
		w->fi->second[k] = s->r[x->dst_reg];
}

/* The ALU instruction x on s. */
static void alu(struct walk *w, struct state *s, const struct bpf_insn *x)
{
	bool is64 = BPF_CLASS(x->code) == BPF_ALU64;
	uint8_t op = BPF_OP(x->code);
	struct val *d = &s->r[x->dst_reg];
	struct val b = BPF_SRC(x->code) == BPF_X ? s->r[x->src_reg] :
		       scalar((uint64_t)(int64_t)x->imm, (uint64_t)(int64_t)x->imm);

	if (!is64 && BPF_SRC(x->code) == BPF_K)
		b = scalar((uint32_t)x->imm, (uint32_t)x->imm);
	if (op == BPF_END) {
		/* 16, 32 or 64 bits; the kernel refuses any other width
		 * ("BPF_END uses reserved fields"), and an object's imm may
		 * be anything: no shift by it */
		uint64_t m = x->imm == 16 || x->imm == 32 ? (1ull << x->imm) - 1 : UMAX;

		*d = d->kind == K_SCALAR && BPF_SRC(x->code) == BPF_TO_LE && is64 == false &&
		     d->umax <= m ? *d : scalar(0, m);
		return;
	}
	if (op == BPF_MOV && x->off) {		/* v4 sign-extending moves */
		*d = scalar(0, is64 ? UMAX : U32MAX);
		return;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && x->off) {	/* v4 signed */
		*d = scalar(0, is64 ? UMAX : U32MAX);
		return;
	}
	if (op == BPF_MOV && is64) {
		/* a copy of a scalar: both bounded by what bounds either */
		if (b.kind == K_SCALAR && !is_const(&b) && BPF_SRC(x->code) == BPF_X) {
			if (!b.id)
				b.id = SCALAR_ID + (uint32_t)(x - vc_image_insns(w->c->im, w->f->sec));
			s->r[x->src_reg].id = b.id;
		}
		*d = b;
		return;
	}
	if (!is64) {
		*d = d->kind == K_ANY || b.kind == K_ANY ? scalar(0, U32MAX) : alu32_scalar(op, *d, b);
		if (op == BPF_MOV)
			*d = b.kind == K_SCALAR ? alu32_scalar(BPF_MOV, b, b) : scalar(0, U32MAX);
		return;
	}
	if (d->kind == K_SCALAR && b.kind == K_SCALAR) {
		*d = alu_scalar(op, *d, b);
		return;
	}
	if (d->kind == K_ANY || b.kind == K_ANY || d->kind == K_UNINIT || b.kind == K_UNINIT) {
		*d = of_kind(K_ANY);
		return;
	}
	/* pointer arithmetic: the context only by constants */
	/* (check_reg_sane_offset(): a value that may be negative without
	 * bound; a bounded one is the access's to judge) */
	if (op == BPF_ADD && ((d->kind == K_CTX && b.kind == K_SCALAR && b.umax >> 63) ||
			      (b.kind == K_CTX && d->kind == K_SCALAR && d->umax >> 63))) {
		finding(w->c, true, VC_CLASS_TYPE, w->f,
			(uint64_t)(x - vc_image_insns(w->c->im, w->f->sec)),
			"math between ctx pointer and register with unbounded min value is not "
			"allowed (a context pointer is passed on or compared, not computed with)");
		*d = of_kind(K_ANY);
		return;
	}
	if (op == BPF_ADD && b.kind == K_SCALAR && is_pointer(d)) {
		if (is_const(&b)) {
			d->off += (int64_t)b.umin;
		} else {
			if (d->umax + b.umax < d->umax) {
				*d = of_kind(K_ANY);
				return;
			}
			d->umin += b.umin;
			d->umax += b.umax;
			if (d->kind == K_PKT) {
				d->id = (uint32_t)(x - vc_image_insns(w->c->im, w->f->sec)) + 1;
				d->range = 0;
			}
		}
		return;
	}
	if (op == BPF_ADD && d->kind == K_SCALAR && is_pointer(&b)) {
		struct val sc = *d;

		*d = b;
		if (is_const(&sc)) {
			d->off += (int64_t)sc.umin;
		} else if (d->umax + sc.umax < d->umax) {
			*d = of_kind(K_ANY);
		} else {
			d->umin += sc.umin;
			d->umax += sc.umax;
			if (d->kind == K_PKT) {
				d->id = (uint32_t)(x - vc_image_insns(w->c->im, w->f->sec)) + 1;
				d->range = 0;
			}
		}
		return;
	}
	if (op == BPF_SUB && b.kind == K_SCALAR && is_const(&b) && is_pointer(d)) {
		d->off -= (int64_t)b.umin;
		return;
	}
	if (op == BPF_SUB && is_pointer(d) && is_pointer(&b)) {
		*d = scalar(0, UMAX);
		return;
	}
	*d = of_kind(K_ANY);
}

/* Walks block b of the function from its state; with c->report, says
 * what breaks a rule. */
static void walk_block(struct walk *w, uint32_t b)
{
	struct pc *c = w->c;
	const struct vc_fn *f = w->f;
	const struct bpf_insn *in = vc_image_insns(c->im, f->sec);
	struct state s = w->fi->in[b];
	uint64_t i = f->start;

	while (i < f->end && w->fi->leader[i - f->start] != b)	/* the block's start */
		i++;
	for (; i < f->end; i++) {
		const struct bpf_insn *x = &in[i];
		uint8_t cls = BPF_CLASS(x->code);

		if (i > f->start && w->fi->leader[i - f->start] != UINT32_MAX &&
		    w->fi->leader[i - f->start] != b) {
			flow_to(w, i, &s);
			return;
		}
		/* a register field names R11 to R15 (4 bits): no register
		 * (check_reg_arg()) or a reserved field the kernel refuses
		 * either way; the path ends here, as the verifier's does, and
		 * nothing below indexes the registers with it */
		if (x->dst_reg >= NREGS || x->src_reg >= NREGS) {
			finding(c, true, VC_CLASS_TYPE, f, i, "R%d is invalid",
				x->dst_reg >= NREGS ? x->dst_reg : x->src_reg);
			return;
		}
		/* reads of registers never written */
		if ((((cls == BPF_ALU || cls == BPF_ALU64) && BPF_SRC(x->code) == BPF_X &&
		      BPF_OP(x->code) != BPF_END) || (cls == BPF_STX && BPF_MODE(x->code) == BPF_MEM)) &&
		    x->src_reg < NREGS && s.r[x->src_reg].kind == K_UNINIT)
			finding(c, true, VC_CLASS_TYPE, f, i, "R%d !read_ok", x->src_reg);
		if ((cls == BPF_ALU || cls == BPF_ALU64) && BPF_OP(x->code) != BPF_MOV &&
		    x->dst_reg < NREGS && s.r[x->dst_reg].kind == K_UNINIT)
			finding(c, true, VC_CLASS_TYPE, f, i, "R%d !read_ok", x->dst_reg);
		switch (cls) {
		case BPF_ALU:
		case BPF_ALU64:
			if (x->dst_reg >= BPF_REG_10)
				break;
			alu(w, &s, x);
			break;
		case BPF_LDX:
			if (x->dst_reg < BPF_REG_10) {
				struct val v = access(w, &s, i, x->src_reg, x->off, width_of(x), false, NULL);

				if (BPF_MODE(x->code) == 0x80)	/* BPF_MEMSX (v4) */
					v = scalar(0, UMAX);
				s.r[x->dst_reg] = v;
			}
			break;
		case BPF_ST: {
			struct val v = scalar((uint64_t)(int64_t)x->imm, (uint64_t)(int64_t)x->imm);

			access(w, &s, i, x->dst_reg, x->off, width_of(x), true, &v);
			break;
		}
		case BPF_STX:
			if (BPF_MODE(x->code) == BPF_ATOMIC) {
				struct val v = scalar(0, UMAX);

				/* before 5.12, only an add whose result is not
				 * fetched (the old XADD) */
				if (x->imm != BPF_ADD)
					need_kernel(w, i, w2b_kernel_min(W2B_KF_ATOMIC_FETCH),
						    "an atomic fetch, xchg, cmpxchg or bitwise op");

				access(w, &s, i, x->dst_reg, x->off, width_of(x), true, &v);
				if (x->imm == BPF_CMPXCHG)
					s.r[BPF_REG_0] = scalar(0, UMAX);
				else if (x->imm & BPF_FETCH)
					s.r[x->src_reg] = scalar(0, UMAX);
			} else {
				access(w, &s, i, x->dst_reg, x->off, width_of(x), true, &s.r[x->src_reg]);
			}
			break;
		case BPF_LD:
			if (x->code == (BPF_LD | BPF_IMM | BPF_DW)) {
				const struct vc_reloc *r = vc_image_reloc_at(c->im, f->sec, i);
				struct val v = scalar((uint32_t)x->imm | (uint64_t)(uint32_t)in[i + 1].imm << 32,
						      (uint32_t)x->imm | (uint64_t)(uint32_t)in[i + 1].imm << 32);

				if (r && r->sym_sec && r->sym_sec < c->im->nsecs) {
					if (c->im->text[r->sym_sec]) {
						v = of_kind(K_FUNC);
						v.map = vc_image_callee(c->im, f, i);
					} else {
						v = (struct val){ .kind = r->sym_sec == c->im->maps_sec ?
							K_MAP_PTR : K_MAP_VALUE, .map = map_of(c, r),
							.off = r->sym_sec == c->im->maps_sec ? 0 :
							(int64_t)r->sym_value + x->imm };
					}
				} else if (x->src_reg) {
					v = of_kind(K_ANY);
				}
				if (x->dst_reg < BPF_REG_10)
					s.r[x->dst_reg] = v;
				i++;
			} else {	/* legacy packet loads */
				for (int r = BPF_REG_1; r <= BPF_REG_5; r++)
					s.r[r] = of_kind(K_UNINIT);
				s.r[BPF_REG_0] = scalar(0, U32MAX);
			}
			break;
		case BPF_JMP:
		case BPF_JMP32: {
			uint8_t op = BPF_OP(x->code);

			if (op == BPF_CALL) {
				if (x->src_reg == BPF_PSEUDO_CALL)
					call_function(w, &s, i);
				else if (x->src_reg == BPF_PSEUDO_KFUNC_CALL)
					call_kfunc(w, &s, i);
				else
					call_helper(w, &s, i, (uint32_t)x->imm);
				break;
			}
			if (op == BPF_EXIT) {
				if (c->report)
					at_exit(w, &s, i);
				return;
			}
			if (op == BPF_JA) {
				flow_to(w, jump_target(x, i), &s);
				return;
			}
			if (s.r[x->dst_reg].kind == K_UNINIT ||
			    (BPF_SRC(x->code) == BPF_X && s.r[x->src_reg].kind == K_UNINIT))
				finding(c, true, VC_CLASS_TYPE, f, i, "R%d !read_ok",
					s.r[x->dst_reg].kind == K_UNINIT ? x->dst_reg : x->src_reg);
			if (BPF_SRC(x->code) == BPF_K)
				note_compare(w, i, &s, x);
			{
				struct state t = s, n = s;
				bool taken = branch_state(x, &t, true), fall = branch_state(x, &n, false);

				if (taken)
					flow_to(w, jump_target(x, i), &t);
				if (fall)
					flow_to(w, i + 1, &n);
				if (c->report)
					w->fi->ways[i - f->start] = (uint8_t)(taken | fall << 1);
			}
			return;
		}
		default:
			break;
		}
	}
}

/* The fixed point of function k from its entry state (or, with
 * c->report, one pass over its reached blocks). */
static int walk_function(struct pc *c, int32_t k)
{
	struct fn_info *fi = &c->fi[k];
	struct walk w = { c, k, &c->im->fns[k], fi, NULL, 0, NULL };

	if (!fi->leader && find_blocks(c->im, w.f, fi))
		return -ENOMEM;
	if (c->report) {
		for (uint32_t b = 0; b < fi->nblocks; b++)
			if (fi->reached[b])
				walk_block(&w, b);
		return c->err;
	}
	w.work = malloc((fi->nblocks + 1) * sizeof(*w.work));
	w.queued = calloc(fi->nblocks + 1, sizeof(*w.queued));
	if (!w.work || !w.queued) {
		free(w.work);
		free(w.queued);
		return -ENOMEM;
	}
	flow_to(&w, w.f->start, &fi->entry);
	while (w.nwork) {
		uint32_t b = w.work[--w.nwork];

		w.queued[b] = false;
		walk_block(&w, b);
	}
	free(w.work);
	free(w.queued);
	return 0;
}

/* --- the cost estimate -------------------------------------------------------- */

#define MAX_TRIPS (1ull << 23)	/* BPF_MAX_LOOPS */

/* reach[i]: does the code from instruction `from` of f lead to i? */
static void reaches(const struct vc_image *im, const struct vc_fn *f, uint64_t from, uint8_t *reach)
{
	const struct bpf_insn *in = vc_image_insns(im, f->sec);
	uint64_t n = f->end - f->start;
	bool changed = true;

	memset(reach, 0, n + 1);
	reach[from] = 1;
	/* forward passes until nothing new: few, as loops are few */
	while (changed) {
		changed = false;
		for (uint64_t i = from; i < n; i++) {
			const struct bpf_insn *x = &in[f->start + i];
			uint64_t next[2], nn = 0;

			if (!reach[i])
				continue;
			if (x->code == (BPF_LD | BPF_IMM | BPF_DW)) {
				next[nn++] = i + 2;
			} else if (is_jump(x)) {
				if (BPF_OP(x->code) == BPF_EXIT)
					continue;
				next[nn++] = jump_target(x, f->start + i) - f->start;
				if (BPF_OP(x->code) != BPF_JA)
					next[nn++] = i + 1;
			} else {
				next[nn++] = i + 1;
			}
			for (uint64_t k = 0; k < nn; k++)
				if (next[k] < n && !reach[next[k]]) {
					reach[next[k]] = 1;
					changed = true;
				}
		}
	}
}

/* How often a comparison at instruction k of f with a constant lets a
 * loop around it go on: its counter's first two values and the bound
 * (either way out of the comparison may be the loop's). 0: not a
 * counter. */
static uint64_t trip_count(const struct vc_image *im, const struct vc_fn *f,
			   const struct fn_info *fi, uint64_t k)
{
	const struct bpf_insn *x = &vc_image_insns(im, f->sec)[f->start + k];
	const struct val *a = &fi->first[k], *b = &fi->second[k];
	uint64_t bound, step, dist, trips;
	bool is32, eq;

	if (fi->seen[k] < 2 || !is_const(a) || b->kind != K_SCALAR || BPF_SRC(x->code) != BPF_K)
		return 0;
	is32 = BPF_CLASS(x->code) == BPF_JMP32;
	bound = is32 ? (uint32_t)x->imm : (uint64_t)(int64_t)x->imm;
	eq = BPF_OP(x->code) == BPF_JEQ || BPF_OP(x->code) == BPF_JNE;
	if (b->umin == a->umin && b->umax > a->umax) {		/* counting up */
		step = b->umax - a->umax;
		/* to a bound it equals (wrapping: a counter from -N to 0)
		 * or passes */
		dist = eq || bound > a->umin ? bound - a->umin : 0;
	} else if (b->umax == a->umax && b->umin < a->umin) {	/* counting down */
		step = a->umin - b->umin;
		dist = eq || a->umin > bound ? a->umin - bound : 0;
	} else {
		return 0;
	}
	if (is32)
		dist = (uint32_t)dist;
	trips = dist / step + 1;
	return trips > MAX_TRIPS ? MAX_TRIPS : trips;
}

#define COST_CAP (100ull * VC_MAX_PROCESSED)

static int64_t cost_of(struct pc *c, int32_t k, unsigned depth, bool *exact)
{
	struct fn_info *fi = &c->fi[k];
	const struct vc_fn *f = &c->im->fns[k];
	const struct bpf_insn *in = vc_image_insns(c->im, f->sec);
	uint64_t n = f->end - f->start, total = 0;
	uint64_t *mult, *last;
	uint8_t *reach;

	if (fi->cost >= 0 && fi->leader) {
		*exact &= fi->cost_exact;
		return fi->cost;
	}
	if (!fi->leader || depth > 2 * VC_MAX_FRAMES)
		return 0;
	mult = malloc((n + 1) * sizeof(*mult));
	last = malloc((n + 1) * sizeof(*last));
	reach = malloc(n + 1);
	if (!mult || !last || !reach) {
		free(mult);
		free(last);
		free(reach);
		return 0;
	}
	fi->cost_exact = true;
	for (uint64_t j = 0; j < n; j++)
		mult[j] = 1;
	/* each loop multiplies its instructions: a loop is a backward jump
	 * whose target leads back to it (a backward jump to an exit block
	 * LLVM placed early is none); the back edges to one header are one
	 * loop, from the header to the furthest of them */
	/* last[t]: the furthest backward jump to t (t + 1: none) */
	for (uint64_t j = 0; j < n; j++)
		last[j] = 0;
	for (uint64_t j = 0; j < n; j++) {
		const struct bpf_insn *x = &in[f->start + j];
		uint64_t t;

		if (x->code == (BPF_LD | BPF_IMM | BPF_DW))
			j++;
		if (!is_jump(x) || BPF_OP(x->code) == BPF_EXIT)
			continue;
		t = jump_target(x, f->start + j);
		if (t >= f->start && t <= f->start + j)
			last[t - f->start] = j + 1;
	}
	for (uint64_t t = 0; t < n; t++) {
		uint64_t trips = 0, end = 0;
		bool header = false;

		if (!last[t])
			continue;
		/* which of the jumps back to t does t lead to (one walk) */
		reaches(c->im, f, t, reach);
		for (uint64_t j = t; j < last[t]; j++) {
			const struct bpf_insn *x = &in[f->start + j];

			if (is_jump(x) && BPF_OP(x->code) != BPF_EXIT && BPF_OP(x->code) != BPF_CALL &&
			    jump_target(x, f->start + j) == f->start + t && reach[j]) {
				header = true;
				end = j;
			}
			if (x->code == (BPF_LD | BPF_IMM | BPF_DW))
				j++;
		}
		if (!header)
			continue;
		/* the loop ends at its first counter's bound: the least trip
		 * count of the comparisons in it */
		for (uint64_t q = t; q <= end; q++) {
			uint64_t tq = fi->seen[q] >= 2 ? trip_count(c->im, f, fi, q) : 0;

			if (tq && (!trips || tq < trips))
				trips = tq;
		}
		if (!trips) {
			fi->cost_exact = false;
			continue;
		}
		for (uint64_t q = t; q <= end; q++)
			mult[q] = mult[q] * trips > COST_CAP ? COST_CAP : mult[q] * trips;
	}
	for (uint64_t j = 0, b = 0; j < n; j++) {
		const struct bpf_insn *x = &in[f->start + j];
		int32_t callee;

		if (fi->leader[j] != UINT32_MAX)
			b = fi->leader[j];
		if (!fi->reached[b]) {	/* only what the walk reached */
			if (x->code == (BPF_LD | BPF_IMM | BPF_DW))
				j++;
			continue;
		}
		total += mult[j];
		callee = vc_image_callee(c->im, f, f->start + j);
		if (callee >= 0 && !c->im->fns[callee].global && callee != k)
			total += mult[j] * (uint64_t)cost_of(c, callee, depth + 1, &fi->cost_exact);
		if (x->code == (BPF_LD | BPF_IMM | BPF_DW))
			j++;
		if (total > COST_CAP)
			total = COST_CAP;
	}
	free(mult);
	free(last);
	free(reach);
	fi->cost = (int64_t)total;
	*exact &= fi->cost_exact;
	return fi->cost;
}

/* --- pending branches ------------------------------------------------------------ */

/*
 * The verifier walks a path to its end before it takes up another: at a
 * conditional jump both of whose ways it follows, it keeps the taken way's
 * state on a stack and goes on with the fall-through, and it refuses the
 * program when that stack holds more than BPF_COMPLEXITY_LIMIT_JMP_SEQ
 * states ("The sequence of 8193 jumps is too complex"). Nothing is taken
 * off the stack before the first path ends, so its two-way jumps (those
 * of the functions it calls included) are all there at once: counted
 * here along that first path.
 */
#define MAX_JMP_SEQ 8192

/* The jump that is one too many: its function and instruction. */
struct jump_at {
	int64_t before;		/* two-way jumps on the path before this function */
	int32_t fn;		/* -1: not reached */
	uint64_t insn;
};

static int64_t jump_sequence(struct pc *c, int32_t k, unsigned depth, struct jump_at *at)
{
	struct fn_info *fi = &c->fi[k];
	const struct vc_fn *f = &c->im->fns[k];
	const struct bpf_insn *in = vc_image_insns(c->im, f->sec);
	uint64_t n = f->end - f->start, i = f->start;
	uint8_t *been;
	int64_t count = 0;

	if (fi->jumps >= 0)
		return fi->jumps;
	if (!fi->ways || depth > VC_MAX_FRAMES)
		return 0;
	been = calloc(n + 1, 1);
	if (!been)
		return 0;
	while (i >= f->start && i < f->end && !been[i - f->start]) {
		const struct bpf_insn *x = &in[i];
		uint8_t op = BPF_OP(x->code);

		been[i - f->start] = 1;
		if (x->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			i += 2;
			continue;
		}
		if (!is_jump(x)) {
			if (x->code == (BPF_JMP | BPF_CALL) && x->src_reg == BPF_PSEUDO_CALL) {
				int32_t callee = vc_image_callee(c->im, f, i);

				if (callee >= 0 && callee != k && !c->im->fns[callee].global) {
					int64_t before = at->before;

					at->before += count;
					count += jump_sequence(c, callee, depth + 1, at);
					at->before = before;
					/* crossed in a callee counted before: at the call */
					if (at->fn < 0 && count + before > MAX_JMP_SEQ) {
						at->fn = k;
						at->insn = i;
					}
				}
			}
			i++;
			continue;
		}
		if (op == BPF_EXIT)
			break;
		if (op == BPF_JA) {
			i = jump_target(x, i);
			continue;
		}
		switch (fi->ways[i - f->start]) {
		case 3:
			if (++count + at->before == MAX_JMP_SEQ + 1 && at->fn < 0) {
				at->fn = k;
				at->insn = i;
			}
			/* fall through */
		case 2:
			i++;
			break;
		case 1:
			i = jump_target(x, i);
			break;
		default:
			i = f->end;	/* not reached */
			break;
		}
	}
	free(been);
	fi->jumps = count;
	return count;
}

/* --- the program ------------------------------------------------------------------ */

/* Frames of the deepest chain of calls from k, itself counted (memo[k]
 * once known; a chain stops counting past the limit, so a cycle ends). */
static unsigned frames(const struct vc_image *im, int32_t k, unsigned depth, unsigned *memo)
{
	const struct vc_fn *f = &im->fns[k];
	unsigned best = 1;

	if (memo[k])
		return memo[k];
	if (depth > VC_MAX_FRAMES)
		return 1;
	for (uint64_t i = f->start; i < f->end; i++) {
		int32_t c = vc_image_callee(im, f, i);
		unsigned d;

		if (c >= 0 && (d = 1 + frames(im, c, depth + 1, memo)) > best)
			best = d;
	}
	if (depth <= 1 || best > 1)
		memo[k] = best;
	return best;
}

static void reset_functions(struct pc *c)
{
	for (size_t k = 0; k < c->im->nfns; k++) {
		struct fn_info *fi = &c->fi[k];

		free(fi->leader);
		free(fi->in);
		free(fi->visits);
		free(fi->reached);
		free(fi->first);
		free(fi->second);
		free(fi->seen);
		free(fi->ways);
		memset(fi, 0, sizeof(*fi));
		fi->cost = -1;
		fi->jumps = -1;
	}
}

/* Function k and everything it calls, to their fixed points. */
static int walk_program(struct pc *c, int32_t k)
{
	struct state e = fresh_frame();
	int rounds = 0;
	bool more = true;

	e.r[BPF_REG_1] = of_kind(K_CTX);
	enter(c, k, &e);
	/* until no function's entry grows (calls join into callees') */
	while (more && rounds++ < 64) {
		more = false;
		for (size_t j = 0; j < c->im->nfns; j++) {
			struct fn_info *fi = &c->fi[j];

			if (!fi->dirty)
				continue;
			fi->dirty = false;
			more = true;
			/* a walk again from the grown entry */
			if (fi->reached)
				memset(fi->reached, 0, (fi->nblocks + 1) * sizeof(*fi->reached));
			if (fi->visits)
				memset(fi->visits, 0, (fi->nblocks + 1) * sizeof(*fi->visits));
			if (walk_function(c, (int32_t)j))
				return -ENOMEM;
		}
	}
	return 0;
}

static void check_program(struct pc *c, int32_t k)
{
	const struct vc_fn *f = &c->im->fns[k];
	const char *sec = c->im->sec_name[f->sec];
	struct vc_prog_cost cost = { f->name, sec, 0, 0, true };
	unsigned depth;
	int64_t jumps;
	struct jump_at jat = { 0, -1, 0 };

	c->prog = f;
	c->type = prog_type_of(sec);
	c->ctx = !c->type || c->type->packet == PKT_NONE ? NULL :
		 !strcmp(sec, "xdp") ? &xdp_ctx : &skb_ctx;
	c->nseen = 0;
	reset_functions(c);
	if (c->type && c->o->target_kernel && c->o->target_kernel < c->type->min_kernel) {
		char need[8], have[8];

		c->report = true;
		finding(c, true, VC_CLASS_KERNEL, f, UINT64_MAX,
			"program type of section '%s' is in kernel %s and later; the target is %s "
			"(--target-kernel)", sec, w2b_kernel_format(c->type->min_kernel, need),
			w2b_kernel_format(c->o->target_kernel, have));
		c->report = false;
	}
	if ((c->err = walk_program(c, k)))
		return;
	c->report = true;
	for (size_t j = 0; j < c->im->nfns && !c->err; j++)
		if (c->fi[j].has_entry) {
			const struct vc_fn *g = &c->im->fns[j];

			cost.insns += g->end - g->start;
			walk_function(c, (int32_t)j);
		}
	cost.processed = (uint64_t)cost_of(c, k, 0, &cost.processed_exact);
	for (size_t j = 0; j < c->im->nfns; j++)	/* global functions: verified once */
		if (c->fi[j].has_entry && c->im->fns[j].global)
			cost.processed += (uint64_t)cost_of(c, (int32_t)j, 0, &cost.processed_exact);
	jumps = jump_sequence(c, k, 0, &jat);
	if (jumps > MAX_JMP_SEQ)
		finding(c, true, VC_CLASS_COMPLEXITY, jat.fn >= 0 ? &c->im->fns[jat.fn] : f,
			jat.fn >= 0 ? jat.insn : UINT64_MAX,
			"The sequence of %lld jumps is too complex: the first path the verifier walks "
			"passes %lld conditional jumps it must come back to, and it keeps at most %d",
			(long long)MAX_JMP_SEQ + 1, (long long)jumps, MAX_JMP_SEQ);
	if (cost.insns > VC_MAX_INSNS)
		finding(c, true, VC_CLASS_COMPLEXITY, f, UINT64_MAX,
			"BPF program is too large: %llu instructions, the kernel allows %u",
			(unsigned long long)cost.insns, VC_MAX_INSNS);
	else if (cost.processed > VC_MAX_PROCESSED)
		finding(c, cost.processed_exact, VC_CLASS_COMPLEXITY, f, UINT64_MAX,
			"BPF program is too large: the verifier would process %s%llu instructions "
			"(loops are walked once per iteration), and it stops at %u",
			cost.processed_exact ? "" : "at least ",
			(unsigned long long)cost.processed, VC_MAX_PROCESSED);
	{
		unsigned *memo = calloc(c->im->nfns + 1, sizeof(*memo));

		depth = memo ? frames(c->im, k, 1, memo) : 0;
		free(memo);
	}
	if (depth > VC_MAX_FRAMES)
		finding(c, true, VC_CLASS_STACK, f, UINT64_MAX,
			"the call stack of %u frames is too deep (the kernel allows %u)", depth,
			VC_MAX_FRAMES);
	if (c->o->cost)
		c->o->cost(&cost, c->o->user);
	c->report = false;
}

static void on_deep_stack(const struct vc_stack_chain *ch, void *user)
{
	struct pc *c = user;

	for (size_t k = 0; k < c->im->nfns; k++)
		if (c->im->fns[k].name && !strcmp(c->im->fns[k].name, ch->prog)) {
			c->prog = &c->im->fns[k];
			c->report = true;
			c->nseen = 0;
			finding(c, true, VC_CLASS_STACK, &c->im->fns[k], UINT64_MAX,
				"combined stack size of %u calls is %u. Too large", ch->n, ch->total);
			c->report = false;
		}
}

int vc_precheck(const void *obj, size_t size, const struct vc_precheck_opts *opts)
{
	struct vc_image im;
	struct pc c = { 0 };
	int err = vc_image_open(&im, obj, size);

	if (err)
		return err;
	c.im = &im;
	c.o = opts;
	c.gpl = im.license && w2b_license_is_gpl_compatible(im.license);
	c.fi = calloc(im.nfns + 1, sizeof(*c.fi));
	err = c.fi ? read_maps(&c, obj, size) : -ENOMEM;
	for (size_t k = 0; !err && k < im.nfns; k++)
		if (im.fns[k].program) {
			check_program(&c, (int32_t)k);
			err = c.err;
		}
	if (!err)
		err = vc_check_stack(obj, size, on_deep_stack, &c);
	if (c.fi)
		reset_functions(&c);
	free(c.fi);
	free(c.maps);
	free(c.seen);
	vc_image_close(&im);
	return err;
}
