/*
 * lower_imports.c — the helper calls, made concrete.
 *
 * A helper call from the frontend knows which helper (ir_helpers[]) and
 * its operands. This pass decides what the backend needs and refuses, at
 * the call, what the kernel would refuse at load:
 *
 *   - a map argument (helpers.def kind 'm') must be the constant address
 *     of a map definition (the SDK passes `&map`, which clang folds to an
 *     i32.const); the map's type must be of the class the helper takes
 *     (helpers.def's MAPS, map_types.def's CLASS);
 *   - a size argument ('s') must be a constant: the verifier needs a known
 *     size for the memory the pointer before it names;
 *   - every map_lookup_elem gets a lookup site, numbered per function, the
 *     place the backend keeps the value's kernel pointer (ir.h's
 *     IR_MAP_VALUE_BASE);
 *   - a helper the entry's program type may not call, a GPL-only helper
 *     without a GPL-compatible license, and a helper newer than the
 *     target kernel, is refused with what to use instead (helpers.def's
 *     columns); so is an entry whose program type the target kernel does
 *     not have (program_types.def);
 *   - a read of a W2B_CONFIG setting at its address becomes a read of a
 *     .rodata variable of its name (an immutable global with a symbol,
 *     made here), which a loader may set before load;
 *   - before 5.12 (kernel_features.def's ATOMIC_FETCH), an atomic
 *     operation other than an add or sub whose result is not used is
 *     refused: the kernel has only BPF_XADD;
 *   - a context field (module "ctx") gets its offset in the struct of the
 *     entry's program type, and a write the type does not allow is
 *     refused (ctx_fields.def).
 */
#include "ir.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/kernel.h"

struct lower {
	struct ir_module *m;
	struct ir_func *f;
	struct diag_sink *d;
	bool gpl;
	uint32_t kernel;	/* the target kernel version */
	bool kernel_rules_warn;	/* --no-precheck: what only the kernel's rules
				 * refuse is a warning */
	/* per vreg of f: defined by an IR_CONST, and its value */
	bool *is_const;
	int64_t *value;
	/* program-type check: the entry whose reach is walked */
	const struct ir_entry *entry;
	bool *used;		/* per vreg of f: some instruction reads it */
	struct local_use *locals;	/* note_const_locals(): per local of f */
	int err;
};

static void vrefuse(struct lower *l, const struct ir_inst *i, const char *fmt, va_list ap)
{
	diag_vreport(l->d, DIAG_ERROR,
		     &(struct diag_loc){ i->offset, l->f->wasm_index, l->f->name, NULL }, fmt, ap);
	l->err = -EINVAL;
}

static void refuse(struct lower *l, const struct ir_inst *i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse(struct lower *l, const struct ir_inst *i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vrefuse(l, i, fmt, ap);
	va_end(ap);
}

/* A refusal of what the kernel would refuse (a helper for the program
 * type, the license, the target kernel): with --no-precheck, a warning,
 * and the call is compiled as written for the kernel to judge. True if
 * it refused. */
static bool refuse_kernel_rule(struct lower *l, const struct ir_inst *i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool refuse_kernel_rule(struct lower *l, const struct ir_inst *i, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	if (!l->kernel_rules_warn) {
		vrefuse(l, i, fmt, ap);
		va_end(ap);
		return true;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_report(l->d, DIAG_WARNING, &(struct diag_loc){ i->offset, l->f->wasm_index, l->f->name, NULL },
		    "%s (--no-precheck: compiled as written)", msg);
	return false;
}

static void note_const(struct ir_inst *i, void *user)
{
	struct lower *l = user;

	if (i->kind == IR_CONST && i->dst != IR_NOVAL) {
		l->is_const[i->dst] = true;
		l->value[i->dst] = i->u.imm;
	}
}

/* Constants through locals. Code built without optimisation (clang -O0)
 * passes every value through a local: `i32.const 1024; local.set 318`
 * and, a few instructions on, `local.get 318` as the call's argument. A
 * local that is not a parameter, is set exactly once, to a constant, and
 * is read only after that set in the set's own region (later in it, or
 * nested in what comes later: so every read sees the set, never the
 * local's initial zero), is that constant at every read. */
struct local_use {
	uint32_t sets;
	const struct ir_region *set_region;
	uint32_t set_index;	/* position of the set in set_region */
	uint32_t value;		/* the set's operand vreg */
	bool bad_get;		/* a read the set does not dominate */
};

struct frame {
	const struct ir_region *r;
	uint32_t i;		/* next position */
};

/* The walk over f's regions with an explicit stack; visit(i, stack, n)
 * sees each instruction with its ancestors (stack[n - 1] is i's region,
 * i at stack[n - 1].i - 1). */
static void walk_framed(struct ir_func *f, void (*visit)(struct lower *, const struct ir_inst *,
							 const struct frame *, uint32_t),
			struct lower *l)
{
	uint32_t n = 0, cap = 16;
	struct frame *st = malloc(cap * sizeof(*st));

	if (!st)
		abort();
	st[n++] = (struct frame){ &f->body, 0 };
	while (n) {
		struct frame *fr = &st[n - 1];
		const struct ir_inst *in;

		if (fr->i == fr->r->n) {
			n--;
			continue;
		}
		in = fr->r->insts[fr->i++];
		visit(l, in, st, n);
		if (in->kind != IR_BLOCK && in->kind != IR_LOOP && in->kind != IR_IF)
			continue;
		if (n + 2 > cap) {
			cap *= 2;
			st = realloc(st, cap * sizeof(*st));
			if (!st)
				abort();
		}
		/* the else after the then: pushed first, walked second */
		if (in->kind == IR_IF)
			st[n++] = (struct frame){ &in->u.scope.else_body, 0 };
		st[n++] = (struct frame){ &in->u.scope.body, 0 };
	}
	free(st);
}

static void count_sets(struct lower *l, const struct ir_inst *i, const struct frame *st, uint32_t n)
{
	struct local_use *u;

	if (i->kind != IR_LOCAL_SET || i->u.local >= l->f->nlocals)
		return;
	u = &l->locals[i->u.local];
	if (!u->sets++) {
		u->set_region = st[n - 1].r;
		u->set_index = st[n - 1].i - 1;
		u->value = i->a;
	}
}

static void check_gets(struct lower *l, const struct ir_inst *i, const struct frame *st, uint32_t n)
{
	struct local_use *u;
	bool dominated = false;

	if (i->kind != IR_LOCAL_GET || i->u.local >= l->f->nlocals)
		return;
	u = &l->locals[i->u.local];
	if (u->sets != 1)
		return;
	for (uint32_t k = 0; k < n && !dominated; k++)
		if (st[k].r == u->set_region)
			/* st[k].i - 1 is the ancestor (or i itself) in that region */
			dominated = st[k].i - 1 > u->set_index;
	if (!dominated)
		u->bad_get = true;
}

static void mark_const_gets(struct lower *l, const struct ir_inst *i, const struct frame *st,
			    uint32_t n)
{
	const struct local_use *u;

	(void)st;
	(void)n;
	if (i->kind != IR_LOCAL_GET || i->dst == IR_NOVAL || i->u.local >= l->f->nlocals)
		return;
	u = &l->locals[i->u.local];
	if (i->u.local >= l->f->nparams && u->sets == 1 && !u->bad_get && u->value != IR_NOVAL &&
	    u->value < l->f->nvregs && l->is_const[u->value]) {
		l->is_const[i->dst] = true;
		l->value[i->dst] = l->value[u->value];
	}
}

static void note_const_locals(struct lower *l)
{
	l->locals = calloc(l->f->nlocals ? l->f->nlocals : 1, sizeof(*l->locals));
	if (!l->locals)
		abort();
	walk_framed(l->f, count_sets, l);
	walk_framed(l->f, check_gets, l);
	walk_framed(l->f, mark_const_gets, l);
	free(l->locals);
	l->locals = NULL;
}

/* W2B_CONFIG: a read of a setting at its own address, 4 or 8 bytes,
 * becomes a read of its .rodata variable (made on the first read); a
 * write is refused. Reads through a computed address see the compiled-in
 * value (docs/sdk.md). */
static void lower_config(struct ir_inst *i, void *user)
{
	struct lower *l = user;
	struct ir_module *m = l->m;
	struct ir_config *c = NULL;
	uint64_t ea;
	unsigned w;

	if ((i->kind != IR_LOAD && i->kind != IR_STORE) || l->err || !m->nconfigs ||
	    i->a >= l->f->nvregs || !l->is_const[i->a])
		return;
	ea = (uint64_t)(uint32_t)l->value[i->a] + i->u.mem.offset;
	for (uint32_t k = 0; k < m->nconfigs && !c; k++)
		if (m->configs[k].addr == ea)
			c = &m->configs[k];
	if (!c)
		return;
	w = i->u.mem.width;
	if (i->kind == IR_STORE) {
		refuse(l, i, "config '%s' is written: a W2B_CONFIG setting is read-only (the loader sets it)",
		       c->name);
		return;
	}
	if (!((w == 4 && i->type == IR_I32) || (w == 8 && i->type == IR_I64))) {
		refuse(l, i, "config '%s' is read as %u byte%s: W2B_CONFIG takes a 32- or 64-bit integer type",
		       c->name, w, w == 1 ? "" : "s");
		return;
	}
	if (c->global == IR_NOVAL) {
		struct ir_global *g;

		if (ir_symbol_taken(m, c->name)) {
			refuse(l, i, "config '%s' has the name of an entry or an exported global", c->name);
			return;
		}
		m->globals = arena_grow(m->arena, m->globals, m->nglobals, m->nglobals + 1,
					sizeof(*m->globals));
		g = &m->globals[m->nglobals];
		*g = (struct ir_global){
			.type = i->type, .mutable_ = false,
			.init = w == 4 ? (int64_t)(int32_t)ir_memory_initial(&m->memory, c->addr, 4) :
					 (int64_t)ir_memory_initial(&m->memory, c->addr, 8),
			.wasm_index = UINT32_MAX, .name = c->name, .symbol = c->name,
		};
		c->global = m->nglobals++;
	} else if (m->globals[c->global].type != i->type) {
		refuse(l, i, "config '%s' is read as both 32 and 64 bits", c->name);
		return;
	}
	i->kind = IR_GLOBAL_GET;
	i->a = IR_NOVAL;
	i->flags = 0;
	i->u.global = c->global;
}

static bool const_arg(struct lower *l, const struct ir_inst *i, uint32_t k, uint32_t *v)
{
	uint32_t vr = i->u.call.args[k];

	if (vr == IR_NOVAL || vr >= l->f->nvregs || !l->is_const[vr])
		return false;
	*v = (uint32_t)l->value[vr];
	return true;
}

/* A map of the class h takes (map_types.def, helpers.def's MAPS), or a
 * refusal naming the types it does take. */
static bool map_fits(struct lower *l, struct ir_inst *i, const struct ir_helper_info *h,
		     const struct ir_map *mp)
{
	const struct ir_map_type *t = ir_map_type_of(mp->type);
	char want[160];

	if (t && t->cls == h->maps)
		return true;
	refuse(l, i, "bpf.%s: map '%s' (type %s) is not one it takes: %s", h->name, mp->name,
	       t ? t->name : "unknown",
	       ir_map_class_types((enum ir_map_class)h->maps, want, sizeof(want)));
	return false;
}

static void lower_call(struct ir_inst *i, void *user)
{
	struct lower *l = user;
	const struct ir_helper_info *h;
	uint32_t v;

	if (i->kind != IR_HELPER_CALL || l->err)
		return;
	h = &ir_helpers[i->u.call.func];
	for (uint32_t k = 0; ir_helper_params(h)[k] && k < i->u.call.nargs; k++) {
		switch (ir_helper_params(h)[k]) {
		case 'm':
			if (!const_arg(l, i, k, &v)) {
				refuse(l, i, "bpf.%s: argument %u must be a map declared with W2B_MAP (the constant address of its definition), not an address computed at run time",
				       h->name, k + 1);
				return;
			}
			for (i->u.call.map = 0; i->u.call.map < l->m->nmaps; i->u.call.map++)
				if (l->m->maps[i->u.call.map].addr == v)
					break;
			if (i->u.call.map == l->m->nmaps) {
				refuse(l, i, "bpf.%s: argument %u (address %u) is not a map declared with W2B_MAP",
				       h->name, k + 1, v);
				return;
			}
			if (!map_fits(l, i, h, &l->m->maps[i->u.call.map]))
				return;
			break;
		case 's':
			if (!const_arg(l, i, k, &v)) {
				refuse(l, i, "bpf.%s: argument %u (a size) must be a compile-time constant",
				       h->name, k + 1);
				return;
			}
			if (!v || v > l->m->memory.size) {
				refuse(l, i, "bpf.%s: size %u must be between 1 and the memory's %u bytes",
				       h->name, v, l->m->memory.size);
				return;
			}
			break;
		}
	}
	if (h->ret == IR_HRET_MAP_VALUE) {
		if (l->f->nsites == IR_MAX_LOOKUP_SITES) {
			refuse(l, i, "more than %u map lookups in one function: split it",
			       IR_MAX_LOOKUP_SITES);
			return;
		}
		l->f->site_map = arena_grow(l->m->arena, l->f->site_map, l->f->nsites,
					    l->f->nsites + 1, sizeof(uint32_t));
		i->u.call.site = l->f->nsites;
		l->f->site_map[l->f->nsites++] = i->u.call.map;
	}
}

/* --- may this entry's program type call the helper? --------------------- */

/* "xdp, tc, classifier": the sections of the program types that may
 * call h (a prefix section as "kprobe/..."). */
static const char *allowed_sections(struct lower *l, const struct ir_helper_info *h)
{
	char *s = "";

	for (uint32_t k = 0; k < IR_PROG_COUNT; k++) {
		const char *sec = ir_prog_info[k].section;

		if (h->progs >> k & 1)
			s = arena_printf(l->m->arena, "%s%s%s%s", s, *s ? ", " : "", sec,
					 sec[strlen(sec) - 1] == '/' ? "..." : "");
	}
	return s;
}

/* A context field access: the entry's program type says which struct,
 * so which row of ir_ctx_fields[], and whether it may write the field. */
static void resolve_ctx_field(struct lower *l, struct ir_inst *i)
{
	const struct ir_entry *e = l->entry;
	const char *name = ir_ctx_fields[i->u.ctx.field].name;
	const char *op = i->kind == IR_CTX_SET ? "set_" : "";
	bool tc = e->kind == IR_PROG_TC || e->kind == IR_PROG_TC_CLASSIFIER ||
		  e->kind == IR_PROG_TCX_INGRESS || e->kind == IR_PROG_TCX_EGRESS;
	bool cgroup = e->kind == IR_PROG_CGROUP_SKB_INGRESS || e->kind == IR_PROG_CGROUP_SKB_EGRESS;
	uint8_t cls = e->kind == IR_PROG_XDP ? IR_CTX_XDP : IR_CTX_SKB;
	const struct ir_ctx_field *row = NULL;

	if (!ir_prog_info[e->kind].packet) {
		refuse(l, i, "ctx.%s%s: %s programs (entry '%s') have no such context field", op,
		       name, e->section, e->export_name);
		return;
	}
	for (uint32_t k = 0; k < ir_nctx_fields; k++)
		if (!strcmp(ir_ctx_fields[k].name, name) && ir_ctx_fields[k].cls == cls)
			row = &ir_ctx_fields[k];
	if (!row) {
		refuse(l, i, "ctx.%s%s: %s programs (entry '%s') have no such context field", op,
		       name, e->section, e->export_name);
		return;
	}
	if (i->kind == IR_CTX_SET &&
	    !(row->write == IR_CTX_WRITE_TC_CGROUP && (tc || cgroup)) &&
	    !(row->write == IR_CTX_WRITE_TC && tc) &&
	    refuse_kernel_rule(l, i, "ctx.set_%s: %s programs (entry '%s') may only read this field%s",
			       name, e->section, e->export_name,
			       row->write == IR_CTX_WRITE_NONE ? "" :
			       row->write == IR_CTX_WRITE_TC ? " (tc programs may write it)" :
			       " (tc and cgroup_skb programs may write it)"))
		return;
	if (i->u.ctx.offset != IR_NOVAL && i->u.ctx.offset != row->offset) {
		refuse(l, i, "ctx.%s%s: this code serves entries with different context structs (xdp and skb): give each its own function",
		       op, name);
		return;
	}
	i->u.ctx.offset = row->offset;
}

static void mark_used(struct ir_inst *i, void *user)
{
	bool *used = user;
	uint32_t ops[3] = { i->a, i->b, i->c };

	for (unsigned k = 0; k < 3; k++)
		if (ops[k] != IR_NOVAL)
			used[ops[k]] = true;
	if (i->kind == IR_CALL || i->kind == IR_HELPER_CALL)
		for (uint32_t k = 0; k < i->u.call.nargs; k++)
			used[i->u.call.args[k]] = true;
	if (i->kind == IR_RETURN)
		for (uint32_t k = 0; k < i->u.ret.nvals; k++)
			used[i->u.ret.vals[k]] = true;
}

/* Before 5.12 the only atomic instruction is an add that returns nothing
 * (BPF_XADD; LLVM makes a sub one by negating the operand): any other
 * operation, a result that is used, and compare-exchange need the fetch
 * forms, which the kernel would reject at load. */
static void check_atomic(struct lower *l, const struct ir_inst *i)
{
	static const char *const ops[] = { "add", "sub", "and", "or", "xor", "xchg" };
	uint32_t need = w2b_kernel_min(W2B_KF_ATOMIC_FETCH);
	char a[8], b[8];

	if (w2b_kernel_has(l->kernel, W2B_KF_ATOMIC_FETCH))
		return;
	if (i->kind == IR_ATOMIC_CMPXCHG)
		refuse_kernel_rule(l, i, "atomic cmpxchg needs kernel %s; the target is %s (--target-kernel); "
		       "before %s only an atomic add or sub whose result is not used", w2b_kernel_format(need, a),
		       w2b_kernel_format(l->kernel, b), a);
	else if (i->u.mem.rmw != IR_RMW_ADD && i->u.mem.rmw != IR_RMW_SUB)
		refuse_kernel_rule(l, i, "atomic rmw.%s needs kernel %s; the target is %s (--target-kernel); "
		       "before %s only an atomic add or sub whose result is not used",
		       i->u.mem.rmw < 6 ? ops[i->u.mem.rmw] : "?", w2b_kernel_format(need, a),
		       w2b_kernel_format(l->kernel, b), a);
	else if (i->dst != IR_NOVAL && l->used[i->dst])
		refuse_kernel_rule(l, i, "atomic rmw.%s whose result is used needs kernel %s; the target is %s "
		       "(--target-kernel); drop the result (an atomic add as a statement) or target %s",
		       ops[i->u.mem.rmw], w2b_kernel_format(need, a), w2b_kernel_format(l->kernel, b), a);
}

static void check_allowed(struct ir_inst *i, void *user)
{
	struct lower *l = user;
	const struct ir_helper_info *h;

	if ((i->kind == IR_ATOMIC_RMW || i->kind == IR_ATOMIC_CMPXCHG) && !l->err)
		check_atomic(l, i);
	const struct ir_entry *e = l->entry;

	if ((i->kind == IR_CTX_GET || i->kind == IR_CTX_SET) && !l->err)
		resolve_ctx_field(l, i);
	/* a CO-RE read is a call of bpf_probe_read_kernel (emit_core.c): its
	 * row's license and kernel */
	if (i->kind == IR_CORE && i->u.core->op == IR_CORE_READ && !l->err) {
		const struct ir_helper_info *h = ir_helper_named("probe_read_kernel");
		char need[8], have[8];

		if (h->gpl_only && !l->gpl)
			refuse_kernel_rule(l, i, "core.%s reads with bpf_probe_read_kernel, which is "
					   "GPL-only, and the license is not GPL-compatible (--license)",
					   i->u.core->text);
		else if (l->kernel < h->min_kernel)
			refuse_kernel_rule(l, i, "core.%s reads with bpf_probe_read_kernel, which "
					   "needs kernel %s; the target is %s (--target-kernel)",
					   i->u.core->text, w2b_kernel_format(h->min_kernel, need),
					   w2b_kernel_format(l->kernel, have));
	}
	if (i->kind != IR_HELPER_CALL || l->err)
		return;
	h = &ir_helpers[i->u.call.func];
	if (!ir_helper_allowed(h, (enum ir_prog_kind)e->kind))
		refuse_kernel_rule(l, i, "bpf.%s may not be called by %s programs (entry '%s'): it is for %s%s%s",
				   h->name, e->section, e->export_name, allowed_sections(l, h),
				   *h->instead ? "; use " : "", h->instead);
	else if (h->gpl_only && !l->gpl)
		refuse_kernel_rule(l, i, "bpf.%s is GPL-only and the license is not GPL-compatible (--license)%s%s",
		       h->name, *h->instead ? "; use " : "", h->instead);
	else if (h->min_kernel > l->kernel) {
		char need[8], have[8];

		refuse_kernel_rule(l, i, "bpf.%s needs kernel %s; the target is %s (--target-kernel)%s%s", h->name,
		       w2b_kernel_format(h->min_kernel, need), w2b_kernel_format(l->kernel, have),
		       *h->instead ? "; use " : "", h->instead);
	}
}

/* An entry whose program type the target kernel does not have. */
static void check_entry_kernel(struct lower *l)
{
	const struct ir_entry *e = l->entry;
	uint32_t need = ir_prog_info[e->kind].min_kernel;
	char a[8], b[8];

	if (need <= l->kernel)
		return;
	l->f = &l->m->funcs[e->func];
	diag_report(l->d, l->kernel_rules_warn ? DIAG_WARNING : DIAG_ERROR,
		    &(struct diag_loc){ l->f->offset, l->f->wasm_index, l->f->name, NULL },
		    "entry '%s': %s programs need kernel %s; the target is %s (--target-kernel)",
		    e->export_name, e->section, w2b_kernel_format(need, a),
		    w2b_kernel_format(l->kernel, b));
	if (!l->kernel_rules_warn)
		l->err = -EINVAL;
}

static void check_func(struct ir_func *f, void *user)
{
	struct lower *l = user;

	if (l->err)
		return;
	l->f = f;
	l->used = calloc(f->nvregs ? f->nvregs : 1, sizeof(bool));
	if (!l->used)
		abort();
	ir_walk_insts(&f->body, mark_used, l->used);
	ir_walk_insts(&f->body, check_allowed, l);
	free(l->used);
	l->used = NULL;
}

int ir_lower_imports(struct ir_module *m, bool gpl, uint32_t kernel, bool kernel_rules_warn,
		     struct diag_sink *d)
{
	struct lower l = { .m = m, .d = d, .gpl = gpl, .kernel = kernel,
			   .kernel_rules_warn = kernel_rules_warn };

	for (uint32_t k = 0; k < m->nfuncs && !l.err; k++) {
		l.f = &m->funcs[k];
		l.f->nsites = 0;
		if (!l.f->reachable)
			continue;
		l.is_const = calloc(l.f->nvregs ? l.f->nvregs : 1, sizeof(bool));
		l.value = calloc(l.f->nvregs ? l.f->nvregs : 1, sizeof(int64_t));
		if (!l.is_const || !l.value)
			abort();
		ir_walk_insts(&l.f->body, note_const, &l);
		note_const_locals(&l);
		ir_walk_insts(&l.f->body, lower_config, &l);
		ir_walk_insts(&l.f->body, lower_call, &l);
		free(l.is_const);
		free(l.value);
	}
	for (uint32_t e = 0; e < m->nentries && !l.err; e++) {
		l.entry = &m->entries[e];
		check_entry_kernel(&l);
		if (!l.err)
			ir_walk_reached(m, l.entry->func, check_func, &l);
	}
	return l.err;
}
