/*
 * promote_frames.c — shadow-stack frames that never escape become BPF
 * stack.
 *
 * clang and rustc give every local whose address is taken (a map key, a
 * struct passed to a helper) a slot in a frame on Wasm's shadow stack: the
 * prologue moves wasm-ld's __stack_pointer down by the frame's size N,
 *
 *     %sp = global.get @__stack_pointer
 *     %f  = i32.sub %sp (i32.const N)
 *     local.set $F %f              ; the frame's base
 *     global.set @__stack_pointer %f
 *
 * the body reaches the slots as [$F + k] and the epilogue moves it back
 * (global.set @__stack_pointer ($F + N)). Compiled as written, each run
 * pays for it: the stack pointer loaded from the env value and stored
 * back twice, every slot access bounds-checked against the memory (with a
 * slow path where the memory is in blocks), and a map key copied from
 * there by the helper.
 *
 * Where the frame's address never leaves the function — every use of $F
 * (or of $F + constant) is the address of a load or store that stays
 * inside [0, N), or a helper's pointer argument whose size stays inside —
 * the frame can be a plain N-byte BPF stack slot instead: this pass turns
 * each such address into the constant k, marks the accesses
 * IR_MEM_FRAME (the backend forms alloca + k: no check, nothing to trap)
 * and the helper arguments in u.call.frame_args, and removes the prologue's
 * and epilogue's stack-pointer updates.
 *
 * Why this keeps Wasm's semantics: the frame's bytes are no longer in the
 * linear memory, so the pass only runs when nothing else could look at
 * them there. That is: every other access to the instance's memory
 * in every function an entry reaches — loads, stores, atomics, helper
 * pointer arguments, memory.copy/fill — is at a constant address (a static
 * variable, which a linker never places in the stack), or the module has
 * no access to its memory but these frames. One pointer of unknown origin
 * anywhere (a parameter, a value loaded from memory, a frame address that
 * escapes into a call) and no frame is promoted. The promoted frame
 * starts zeroed each call (the verifier refuses reads of uninitialised
 * stack on older kernels); only a program that reads a slot before
 * writing it (undefined behaviour in C and Rust) sees the difference.
 *
 * Limits: frames of at most IR_MAX_PROMOTED_FRAME bytes (the kernel's
 * 512-byte stack is shared with LLVM's spills and the loop state); not
 * where a slot is reached inside a loop compiled to a separate BPF
 * function (a bpf_loop callback, a global function), whose stack is its
 * own.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

/* What a vreg is, for one function. */
struct frame_scan {
	struct ir_module *m;
	struct ir_func *f;
	uint32_t sp_get;	/* the prologue's global.get vreg */
	uint32_t base;		/* the prologue's i32.sub vreg: the frame's base */
	uint32_t size;		/* N */
	int64_t *at;		/* per vreg: its offset in the frame, or -1 */
	/* per local: the frame offset it holds (set once, at the top level,
	 * to a frame address: the prologue's base, or clang's base + k kept
	 * in a local of its own), or -1 */
	int64_t *local_at;
	uint32_t *nsets;	/* per local: its local.sets in the function */
	bool *read;		/* per local: read so far (walk order) */
	uint32_t depth;		/* scopes around this point */
	uint32_t depth_outlined;	/* loops around this point compiled apart */
	bool ok;
};

static const struct ir_inst *const_def(const struct ir_inst **defs, uint32_t v)
{
	const struct ir_inst *d = v == IR_NOVAL ? NULL : defs[v];

	return d && d->kind == IR_CONST ? d : NULL;
}

/* Finds the prologue among the function's first top-level instructions:
 * global.get @sp, i32.sub by a constant N (or i32.add of -N). */
static bool find_prologue(struct frame_scan *s, const struct ir_inst **defs)
{
	struct ir_region *r = &s->f->body;

	for (uint32_t k = 0; k < r->n; k++) {
		const struct ir_inst *i = r->insts[k], *c;
		int64_t n;

		if (i->kind != IR_NUM || (i->u.numop != IR_I32_SUB && i->u.numop != IR_I32_ADD))
			continue;
		if (i->a == IR_NOVAL || !defs[i->a] || defs[i->a]->kind != IR_GLOBAL_GET ||
		    defs[i->a]->u.global != s->m->stack_pointer || !(c = const_def(defs, i->b)))
			continue;
		n = (int32_t)c->u.imm;
		if (i->u.numop == IR_I32_ADD)
			n = -n;
		if (n <= 0 || n > IR_MAX_PROMOTED_FRAME)
			return false;
		s->sp_get = i->a;
		s->base = i->dst;
		s->size = (uint32_t)n;
		return true;
	}
	return false;
}

static bool is_frame(const struct frame_scan *s, uint32_t v)
{
	return v != IR_NOVAL && v < s->f->nvregs && s->at[v] >= 0;
}

static bool inside(const struct frame_scan *s, int64_t at, uint64_t width)
{
	return at >= 0 && (uint64_t)at + width <= s->size;
}

/* Is use `u` of a frame address (operand `which` of i: 'a', 'b', 'c', a
 * helper's argument number, or -1) one the pass can keep? */
static bool frame_use_ok(struct frame_scan *s, const struct ir_inst *i, uint32_t u, int which,
			 const struct ir_inst **defs)
{
	int64_t at = s->at[u];

	switch ((enum ir_kind)i->kind) {
	case IR_LOAD:
	case IR_STORE:
		if (which != 'a' || s->depth_outlined)
			return false;	/* the address stored as a value escapes */
		if (i->u.mem.region == IR_MEM_PACKET || i->u.mem.region == IR_MEM_MAP_VALUE)
			return false;
		return inside(s, at + i->u.mem.offset, i->u.mem.width);
	case IR_NUM:
		/* base + constant: classified where it is defined */
		return i->dst != IR_NOVAL && s->at[i->dst] >= 0;
	case IR_GLOBAL_SET:
		return i->u.global == s->m->stack_pointer && (at == 0 || at == s->size);
	case IR_HELPER_CALL: {
		const char *kinds = ir_helper_params(&ir_helpers[i->u.call.func]);
		const struct ir_inst *c;
		uint64_t size;

		if (s->depth_outlined || which < 0 || (uint32_t)which >= i->u.call.nargs ||
		    which >= 8)
			return false;
		switch (kinds[which]) {
		case 'k':
		case 'v':
			if (i->u.call.map >= s->m->nmaps)
				return false;
			size = kinds[which] == 'k' ? s->m->maps[i->u.call.map].key_size :
						    s->m->maps[i->u.call.map].value_size;
			break;
		case 'p':
			/* sized by the next argument, a constant */
			if ((uint32_t)which + 1 >= i->u.call.nargs ||
			    !(c = const_def(defs, i->u.call.args[which + 1])))
				return false;
			size = (uint32_t)c->u.imm;
			break;
		default:
			return false;
		}
		return inside(s, at, size);
	}
	default:
		return false;
	}
}

static void classify_and_check(struct frame_scan *s, struct ir_region *r,
			       const struct ir_inst **defs);

static void check_operand(struct frame_scan *s, const struct ir_inst *i, uint32_t v, int which,
			  const struct ir_inst **defs)
{
	if (v == s->sp_get) {
		/* the stack pointer's one use is the prologue's sub */
		if (i->dst != s->base)
			s->ok = false;
		return;
	}
	if (is_frame(s, v) && !frame_use_ok(s, i, v, which, defs))
		s->ok = false;
}

/* Classifies the vregs i defines and checks every frame address it uses. */
static void visit(struct frame_scan *s, struct ir_inst *i, const struct ir_inst **defs)
{
	const struct ir_inst *c;

	switch ((enum ir_kind)i->kind) {
	case IR_LOCAL_GET:
		if (s->local_at[i->u.local] >= 0)
			s->at[i->dst] = s->local_at[i->u.local];
		else
			s->read[i->u.local] = true;
		break;
	case IR_LOCAL_SET: {
		uint32_t l = i->u.local;

		if (!is_frame(s, i->a)) {
			check_operand(s, i, i->a, 'a', defs);	/* the stack pointer kept? */
			return;
		}
		/* a frame address into a local: the local holds it wherever
		 * it is read only if this set is its one set, dominates every
		 * read (the top level, no read before) and no param's */
		if (s->depth || s->nsets[l] != 1 || s->read[l] || l < s->f->nparams)
			s->ok = false;
		else
			s->local_at[l] = s->at[i->a];
		return;
	}
	case IR_NUM:
		if (i->u.numop == IR_I32_ADD && i->b != IR_NOVAL) {
			uint32_t x = i->a, y = i->b;

			if (is_frame(s, y)) {
				x = i->b;
				y = i->a;
			}
			if (is_frame(s, x) && (c = const_def(defs, y)) &&
			    (int32_t)c->u.imm >= 0 && s->at[x] + (int32_t)c->u.imm <= s->size) {
				s->at[i->dst] = s->at[x] + (int32_t)c->u.imm;
				break;
			}
		}
		break;
	default:
		break;
	}
	if (i->dst == s->base)
		s->at[s->base] = 0;
	if (i->dst == s->sp_get)
		return;		/* its one use is the prologue's sub */

	check_operand(s, i, i->a, 'a', defs);
	check_operand(s, i, i->b, 'b', defs);
	check_operand(s, i, i->c, 'c', defs);
	if (i->kind == IR_CALL || i->kind == IR_HELPER_CALL)
		for (uint32_t k = 0; k < i->u.call.nargs; k++)
			check_operand(s, i, i->u.call.args[k], i->kind == IR_HELPER_CALL ? (int)k : -1,
				      defs);
	if (i->kind == IR_RETURN)
		for (uint32_t k = 0; k < i->u.ret.nvals; k++)
			check_operand(s, i, i->u.ret.vals[k], -1, defs);

	if (i->kind == IR_BLOCK || i->kind == IR_LOOP || i->kind == IR_IF) {
		bool apart = i->kind == IR_LOOP && (i->u.scope.loop.lowering == IR_LOOP_CALLBACK ||
						    i->u.scope.loop.lowering == IR_LOOP_GLOBAL);

		s->depth++;
		s->depth_outlined += apart;
		classify_and_check(s, &i->u.scope.body, defs);
		if (i->kind == IR_IF)
			classify_and_check(s, &i->u.scope.else_body, defs);
		s->depth_outlined -= apart;
		s->depth--;
	}
}

static void classify_and_check(struct frame_scan *s, struct ir_region *r,
			       const struct ir_inst **defs)
{
	for (uint32_t k = 0; k < r->n && s->ok; k++)
		visit(s, r->insts[k], defs);
}

/* The rewrite: frame addresses become their offsets, their accesses
 * IR_MEM_FRAME, helper arguments marked, the stack-pointer updates gone. */
static void rewrite_region(struct frame_scan *s, struct ir_region *r)
{
	uint32_t out = 0;

	for (uint32_t k = 0; k < r->n; k++) {
		struct ir_inst *i = r->insts[k];

		if (i->kind == IR_GLOBAL_SET && i->u.global == s->m->stack_pointer &&
		    is_frame(s, i->a))
			continue;	/* the prologue's or epilogue's update */
		if (i->kind == IR_GLOBAL_GET && i->dst == s->sp_get)
			continue;	/* the prologue's read: its one use is gone */
		if (i->dst != IR_NOVAL && i->dst < s->f->nvregs && s->at[i->dst] >= 0 &&
		    i->kind != IR_CALL && i->kind != IR_HELPER_CALL) {
			/* a frame address: from now on its offset in the frame */
			int64_t at = s->at[i->dst];

			memset(&i->u, 0, sizeof(i->u));
			i->kind = IR_CONST;
			i->a = i->b = i->c = IR_NOVAL;
			i->u.imm = at;
		}
		switch ((enum ir_kind)i->kind) {
		case IR_LOAD:
		case IR_STORE:
			if (is_frame(s, i->a))
				i->u.mem.region = IR_MEM_FRAME;
			break;
		case IR_HELPER_CALL:
			for (uint32_t a = 0; a < i->u.call.nargs && a < 8; a++)
				if (is_frame(s, i->u.call.args[a]))
					i->u.call.frame_args |= (uint8_t)(1u << a);
			break;
		case IR_BLOCK:
		case IR_LOOP:
		case IR_IF:
			rewrite_region(s, &i->u.scope.body);
			if (i->kind == IR_IF)
				rewrite_region(s, &i->u.scope.else_body);
			break;
		default:
			break;
		}
		r->insts[out++] = i;
	}
	r->n = out;
}

static void count_sets(struct ir_inst *i, void *user)
{
	struct frame_scan *s = user;

	if (i->kind == IR_LOCAL_SET && i->u.local < s->f->nlocals)
		s->nsets[i->u.local]++;
}

/* Can f's frame be promoted? Fills s (s->at classifies its vregs). */
static bool scan_function(struct frame_scan *s, struct ir_module *m, struct ir_func *f)
{
	const struct ir_inst **defs;
	bool found;

	memset(s, 0, sizeof(*s));
	s->m = m;
	s->f = f;
	s->ok = true;
	if (!f->nvregs || !(defs = ir_vreg_defs(f)))
		return false;
	found = find_prologue(s, defs);
	if (found) {
		uint32_t nl = f->nlocals ? f->nlocals : 1;

		s->at = malloc(sizeof(*s->at) * f->nvregs);
		s->local_at = malloc(sizeof(*s->local_at) * nl);
		s->nsets = calloc(nl, sizeof(*s->nsets));
		s->read = calloc(nl, sizeof(*s->read));
		if (!s->at || !s->local_at || !s->nsets || !s->read) {
			found = false;
		} else {
			for (uint32_t v = 0; v < f->nvregs; v++)
				s->at[v] = -1;
			for (uint32_t l = 0; l < nl; l++)
				s->local_at[l] = -1;
			ir_walk_insts(&f->body, count_sets, s);
			classify_and_check(s, &f->body, defs);
			found = s->ok;
		}
	}
	free(defs);
	return found;
}

static void scan_free(struct frame_scan *s)
{
	free(s->at);
	free(s->local_at);
	free(s->nsets);
	free(s->read);
	s->at = NULL;
	s->local_at = NULL;
	s->nsets = NULL;
	s->read = NULL;
}

/* --- the module-wide condition --------------------------------------------- */

struct others {
	const struct ir_module *m;
	const struct ir_inst **defs;
	const int64_t *at;	/* the function's frame classification, or NULL */
	uint32_t nvregs;
	bool ok;
};

static bool frame_or_const(const struct others *o, uint32_t v)
{
	if (v == IR_NOVAL || v >= o->nvregs)
		return false;
	if (o->at && o->at[v] >= 0)
		return true;
	return const_def(o->defs, v) != NULL;
}

static void check_other(struct ir_inst *i, void *user)
{
	struct others *o = user;

	switch ((enum ir_kind)i->kind) {
	case IR_LOAD:
	case IR_STORE:
	case IR_ATOMIC_RMW:
	case IR_ATOMIC_CMPXCHG:
		if (ir_inst_uses_memory(i) && !frame_or_const(o, i->a))
			o->ok = false;
		break;
	case IR_MEMORY_COPY:
	case IR_MEMORY_FILL:
		if (i->u.mem.region != IR_MEM_PACKET && i->u.mem.region != IR_MEM_MAP_VALUE)
			o->ok = false;
		break;
	case IR_HELPER_CALL: {
		const char *kinds = ir_helper_params(&ir_helpers[i->u.call.func]);

		for (uint32_t k = 0; k < i->u.call.nargs && kinds[k]; k++)
			if (strchr("kvp", kinds[k]) && !frame_or_const(o, i->u.call.args[k]))
				o->ok = false;
		break;
	}
	default:
		break;
	}
}

/* Is every access to the instance's memory in f a frame slot (of a frame
 * scan s found promotable, or NULL) or at a constant address? */
static bool others_constant(const struct ir_module *m, struct ir_func *f, const struct frame_scan *s)
{
	struct others o = { m, NULL, s ? s->at : NULL, f->nvregs, true };

	if (!f->nvregs)
		return true;
	if (!(o.defs = ir_vreg_defs(f)))
		return false;
	ir_walk_insts(&f->body, check_other, &o);
	free(o.defs);
	return o.ok;
}

uint32_t ir_promote_frames(struct ir_module *m)
{
	struct frame_scan *scans;
	bool *promotable;
	uint32_t n = 0;

	if (m->stack_pointer >= m->nglobals || !m->nfuncs)
		return 0;
	scans = calloc(m->nfuncs, sizeof(*scans));
	promotable = calloc(m->nfuncs, sizeof(*promotable));
	if (!scans || !promotable)
		goto out;
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		struct ir_func *f = &m->funcs[k];

		if (f->reachable && f->body.n)
			promotable[k] = scan_function(&scans[k], m, f);
	}
	/* all or nothing: one access of unknown address anywhere, and the
	 * frames' bytes must stay in the memory where it could look */
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		struct ir_func *f = &m->funcs[k];

		if (f->reachable && f->body.n &&
		    !others_constant(m, f, promotable[k] ? &scans[k] : NULL))
			goto out;
	}
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		if (!promotable[k])
			continue;
		rewrite_region(&scans[k], &m->funcs[k].body);
		m->funcs[k].frame_size = scans[k].size;
		n++;
	}
out:
	if (scans)
		for (uint32_t k = 0; k < m->nfuncs; k++)
			scan_free(&scans[k]);
	free(scans);
	free(promotable);
	return n;
}
