/*
 * lower_memory.c — decide which region each memory access reaches.
 *
 * A Wasm address is an offset into a region: the instance's linear memory,
 * the packet a packet entry hands its function as `pkt` (an address at
 * IR_PACKET_BASE), or a map value a lookup returned (IR_MAP_VALUE_BASE,
 * one window per lookup site). This pass tracks where every i32 value may
 * point and classifies each load, store and atomic access:
 *
 *   INSTANCE   no value derived from a packet or map value address reaches it;
 *   PACKET     only values derived from the packet address do;
 *   DISPATCH   both of those may: the backend tests the address against
 *              IR_PACKET_BASE at run time;
 *   MAP_VALUE  only values derived from lookup results do; the set of
 *              lookup sites they may come from goes with the access, and
 *              the backend picks the site by the address at run time when
 *              there is more than one.
 *
 * A map value address mixed with another kind of address is dispatched the
 * same way (IR_MEM_ANY); one that leaves its function (call argument,
 * result, global) is refused: the backend holds each site's kernel
 * pointer in the function's own variables.
 *
 * "Derived" is every data flow: locals, select, call arguments,
 * parameters and results, globals, memory, and arithmetic of any kind.
 * An add or a subtract of an address and a plain number is an address of
 * the same kind; every other operation with an address among its operands
 * may still give one (`p * 1`, `p ^ 0`, an i64 round trip, `q + (p - q)`)
 * and keeps its kinds beside "anything else" (ir_ops.def's address
 * column: comparisons and bit counts give none); only the difference of
 * two addresses surely in one window is a plain length. So a pointer's
 * region is never lost through a computation: at worst its accesses are
 * dispatched at run time. Locals are followed flow-sensitively
 * (flow_func(): clang reuses a local for unrelated values), the rest
 * flow-insensitively, and the whole runs to a fixed point over the
 * reachable call graph. Bits per value: P (may be a packet address), M
 * (may be a map value address, with the set of lookup sites), N (may be
 * anything else), and the function's own: L and F (below), S (the stack
 * pointer's value, from which the frame is carved). Memory: once the
 * module stores a packet address into memory other than the packet (clang
 * at -O0 keeps every parameter, `pkt` included, in its stack in linear
 * memory), every load from such memory may read one back, P|N, whatever
 * its width; a load from the packet only if one was stored into the
 * packet. A global holds what its sets store. memory.copy/fill on the
 * packet are refused, located (not supported).
 *
 * A map value address may go into memory only in the function's own
 * shadow-stack frame (F, below: the prologue's `__stack_pointer` minus N,
 * through locals and constant offsets), where nothing else reads it
 * while the frame's address stays in the function; the pass records which
 * frame bytes hold one, and only loads of those bytes (or loads through
 * an address of unknown origin, once the frame's address went where it
 * could come back from) may read it back (L). Stored anywhere else, copied
 * out of the frame, or the frame made reachable from elsewhere while it
 * holds one: refused, located, since a function reading it back could not
 * reach the value (its window is this function's).
 *
 * Functions that access the packet, or call one that does, are marked
 * `packet`: the backend gives them the packet's kernel pointers. Such a
 * function reached from an entry without a packet is refused.
 */
#include "ir.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"

/* PROV_L: may be a map value address this function stored into its frame
 * and read back (clang -O0 keeps every pointer in its stack): dispatched
 * by the address like PROV_M, and refused like it where it leaves the
 * function.
 * PROV_F: an address in this function's own shadow-stack frame, the one
 * its prologue allocates (`global.get __stack_pointer` minus a constant),
 * with its offset there in fn_prov.voff where it is known. The only
 * memory a map value address may be stored into: nothing outside the
 * function can read it there unless the frame's address leaves the
 * function (fn_prov.frame_escapes). Outside the function it is a number. */
enum { PROV_P = 1, PROV_N = 2, PROV_M = 4, PROV_L = 8, PROV_F = 16,
       PROV_ADDR = PROV_P | PROV_M | PROV_L | PROV_F,
       PROV_LOCAL = PROV_M | PROV_L | PROV_F,	/* only meant in the function */
       /* PROV_S: the value of __stack_pointer as this function read it,
	* through locals (clang -O0 keeps it in one): the frame base is it
	* minus a constant. A number to everything else (bits_of()).
	* PROV_I: in the locals' flow-sensitive state only, a local that may
	* still hold its initial zero. */
       PROV_S = 32, PROV_I = 64 };

/* fn_prov.voff, loff, kval, lkval: nothing seen yet, or several values. */
#define OFF_UNSET INT64_MIN
#define OFF_VARIES INT64_MAX

#define MAX_SLOTS 64	/* frame byte ranges recorded per function */

struct fn_prov {
	uint8_t *vreg;		/* per vreg */
	uint8_t *local;		/* per param: what callers pass; per local
				 * when insensitive */
	uint8_t *results;	/* per result */
	uint64_t *vsites;	/* per vreg: lookup sites (PROV_M, PROV_L) */
	uint64_t *lsites;	/* as local */
	bool insensitive;	/* flow_func() ran out of budget: locals are
				 * followed flow-insensitively (flow_locals()) */
	uint64_t mem_sites;	/* lookup sites whose addresses it stores into
				 * its frame: its loads from there may read
				 * them back */
	int64_t *voff;		/* per vreg with PROV_F: its offset in the
				 * frame, OFF_UNSET or OFF_VARIES */
	int64_t *loff;		/* per local: what its sets of frame addresses
				 * store (flow-insensitive; read only where
				 * the flow-sensitive bits say PROV_F) */
	int64_t *kval;		/* per vreg: the i32 constant it is, if defined
				 * by a constant or a local.get (else OFF_UNSET) */
	int64_t *lkval;		/* per local: the constants its sets store
				 * (OFF_VARIES once one stores anything else) */
	struct slot { int64_t lo, hi; } *slots;	/* frame bytes holding map
						 * value addresses */
	uint32_t nslots;
	bool slots_all;		/* ... or at offsets not known */
	bool frame_escapes;	/* a frame address is stored, passed to a call,
				 * returned or put in a global: loads through
				 * addresses of unknown origin may read the
				 * frame too */
};

struct prov {
	struct ir_module *m;
	struct fn_prov *fp;	/* per function */
	struct ir_func *f;
	uint32_t fi;
	bool changed;
	bool mem_packet;	/* some store writes a packet address to memory
				 * other than the packet */
	bool packet_in_packet;	/* ... or into the packet itself */
	uint8_t *global;	/* per global: what the module's sets store */
	struct diag_sink *d;
	int err;
};

static void merge(struct prov *p, uint8_t *slot, uint8_t bits)
{
	if ((*slot | bits) != *slot) {
		*slot |= bits;
		p->changed = true;
	}
}

static void merge_sites(struct prov *p, uint64_t *slot, uint64_t sites)
{
	if ((*slot | sites) != *slot) {
		*slot |= sites;
		p->changed = true;
	}
}

static void set_flag(struct prov *p, bool *flag)
{
	if (!*flag) {
		*flag = true;
		p->changed = true;
	}
}

static uint8_t raw_bits_of(struct prov *p, uint32_t vreg)
{
	return vreg == IR_NOVAL ? PROV_N : p->fp[p->fi].vreg[vreg];
}

/* What vreg may be, the stack pointer's value being a number. */
static uint8_t bits_of(struct prov *p, uint32_t vreg)
{
	uint8_t b = raw_bits_of(p, vreg);

	return b & PROV_S ? (uint8_t)((b & ~PROV_S) | PROV_N) : b;
}

/* Whether load or store i may reach the packet: its region says so, or
 * it may be either region and its address may be a packet address. */
static bool reaches_packet(struct prov *p, const struct ir_inst *i)
{
	return (i->kind == IR_LOAD || i->kind == IR_STORE) &&
	       (i->u.mem.region == IR_MEM_PACKET || i->u.mem.region == IR_MEM_DISPATCH ||
		(i->u.mem.region == IR_MEM_ANY && (bits_of(p, i->a) & PROV_P)));
}

static uint64_t sites_of(struct prov *p, uint32_t vreg)
{
	return vreg == IR_NOVAL ? 0 : p->fp[p->fi].vsites[vreg];
}

/* Whether addresses a and b are in one window for sure: both only packet
 * addresses, or both only from one and the same lookup site. Their
 * difference is then a length inside it, a plain number. */
static bool same_window(uint8_t a, uint8_t b, uint64_t as, uint64_t bs)
{
	if (a != b)
		return false;
	if (a == PROV_P || a == PROV_F)
		return true;
	return (a == PROV_M || a == PROV_L) && as == bs && as && !(as & (as - 1));
}

/* Where a + b or a - b may point, over every pair of what a and b may be:
 * address + number and number + address are addresses of the same kind,
 * address - number too. Everything else that has an address in it may
 * still be one and keeps its kinds beside N: a - b + b is a again (`p +
 * (q - p)`, `0 - (0 - p)`), unless a and b are in one window for sure,
 * where a - b is a length. *sites gets the lookup sites of the map value
 * addresses the result may be. */
static uint8_t arith(bool add, uint8_t a, uint8_t b, uint64_t as, uint64_t bs, uint64_t *sites)
{
	uint8_t r = 0;

	*sites = 0;
	if ((a & PROV_ADDR) && (b & PROV_N)) {
		r |= a & PROV_ADDR;
		*sites |= as;
	}
	if ((a & PROV_N) && (b & PROV_N))
		r |= PROV_N;
	if ((a & PROV_N) && (b & PROV_ADDR)) {
		r |= (b & PROV_ADDR) | (add ? 0 : PROV_N);
		*sites |= bs;
	}
	if ((a & PROV_ADDR) && (b & PROV_ADDR)) {
		r |= PROV_N;
		if (add || !same_window(a & PROV_ADDR, b & PROV_ADDR, as, bs)) {
			r |= (a | b) & PROV_ADDR;
			*sites |= as | bs;
		}
	}
	return r;
}

/* A frame offset or a constant that is one value (not OFF_UNSET or
 * OFF_VARIES). */
static bool known(int64_t v)
{
	return v != OFF_UNSET && v != OFF_VARIES;
}

static int64_t off_of(struct prov *p, uint32_t vreg)
{
	return vreg == IR_NOVAL ? OFF_UNSET : p->fp[p->fi].voff[vreg];
}

static void merge_off(struct prov *p, int64_t *slot, int64_t off)
{
	int64_t n = off == OFF_UNSET ? *slot : *slot == OFF_UNSET ? off :
		    *slot == off ? off : OFF_VARIES;

	if (n != *slot) {
		*slot = n;
		p->changed = true;
	}
}

/* Whether i32 v is a known constant, directly or through locals (clang
 * -O0 puts each in one): *c gets it. */
static bool const_of(struct fn_prov *fp, uint32_t v, int32_t *c)
{
	if (v == IR_NOVAL || !known(fp->kval[v]))
		return false;
	*c = (int32_t)fp->kval[v];
	return true;
}

/* The frame's base: the prologue's `global.get __stack_pointer` minus a
 * positive constant (or plus a negative one). */
static bool is_frame_base(struct prov *p, struct fn_prov *fp, const struct ir_inst *i)
{
	int32_t n;

	if (raw_bits_of(p, i->a) != PROV_S || !const_of(fp, i->b, &n))
		return false;
	return i->u.numop == IR_I32_SUB ? n > 0 : n < 0;
}

/* Where frame address a + off (+ the access's width) may reach overlaps a
 * frame slot holding a map value address. */
static bool reads_slot(struct fn_prov *fp, int64_t at, uint32_t width)
{
	if (fp->slots_all || !known(at))
		return fp->nslots || fp->slots_all;
	for (uint32_t k = 0; k < fp->nslots; k++)
		if (at < fp->slots[k].hi && at + width > fp->slots[k].lo)
			return true;
	return false;
}

/* A frame address (or anything else meant only here) leaving the
 * function: a number outside it. */
static uint8_t outside(uint8_t bits)
{
	return bits & PROV_LOCAL ? (uint8_t)((bits & ~PROV_LOCAL) | PROV_N) : bits;
}

static void note_escape(struct prov *p, struct fn_prov *fp, uint32_t v)
{
	if (bits_of(p, v) & PROV_F)
		set_flag(p, &fp->frame_escapes);
}

/* Whether memory.copy i may read a frame slot holding a map value address. */
static bool copies_slot(struct prov *p, const struct ir_inst *i)
{
	struct fn_prov *fp = &p->fp[p->fi];
	uint8_t from = bits_of(p, i->b);

	return fp->mem_sites && (((from & PROV_F) && (fp->nslots || fp->slots_all)) ||
				 ((from & ~PROV_F) && fp->frame_escapes));
}

/* What a load (or an atomic's old value) may read: a packet address if
 * one was stored where it may read (the packet, or any other memory), the
 * map value addresses this function stored. Any width: a pointer may be
 * put together from its bytes. */
static void flow_loaded(struct prov *p, struct fn_prov *fp, const struct ir_inst *i)
{
	uint8_t at = bits_of(p, i->a);
	bool packet = ((at & PROV_P) && p->packet_in_packet) ||
		      ((at & ~PROV_P) && p->mem_packet);
	int64_t off = off_of(p, i->a);
	/* map value addresses are only ever stored into the frame's slots
	 * (classify() refuses the rest): read back through the frame at a
	 * slot's bytes, or through any address when the frame's address
	 * went where it could come back from */
	bool site = fp->mem_sites &&
		    (((at & PROV_F) && reads_slot(fp, known(off) ? off + i->u.mem.offset : off,
						  i->u.mem.width)) ||
		     ((at & ~PROV_F) && fp->frame_escapes));

	merge(p, &fp->vreg[i->dst], PROV_N | (packet ? PROV_P : 0) | (site ? PROV_L : 0));
	if (site)
		merge_sites(p, &fp->vsites[i->dst], fp->mem_sites);
}

/* Frame bytes [lo, lo + width) hold a map value address: recorded unless
 * a range recorded holds them already (past MAX_SLOTS, any byte may). */
static void add_slot(struct prov *p, struct fn_prov *fp, int64_t lo, uint32_t width)
{
	int64_t hi = lo + width;
	uint32_t k = 0;

	if (fp->slots_all)
		return;
	while (k < fp->nslots && !(fp->slots[k].lo <= lo && hi <= fp->slots[k].hi))
		k++;
	if (k < fp->nslots)
		return;
	if (fp->nslots == MAX_SLOTS) {
		set_flag(p, &fp->slots_all);
		return;
	}
	fp->slots = realloc(fp->slots, (fp->nslots + 1) * sizeof(*fp->slots));
	if (!fp->slots)
		abort();
	fp->slots[fp->nslots++] = (struct slot){ lo, hi };
	p->changed = true;
}

/* A store (or an atomic's) of value v at address a (+ the access's
 * offset, `width` bytes). */
static void flow_stored(struct prov *p, struct fn_prov *fp, const struct ir_inst *i,
			uint32_t a, uint32_t v)
{
	note_escape(p, fp, v);
	if ((bits_of(p, v) & (PROV_M | PROV_L)) && (bits_of(p, a) & PROV_F)) {
		int64_t off = off_of(p, a);

		if (known(off))
			add_slot(p, fp, off + i->u.mem.offset, i->u.mem.width);
		else
			set_flag(p, &fp->slots_all);
	}
	if ((bits_of(p, v) & PROV_P) && (bits_of(p, a) & ~PROV_P))
		set_flag(p, &p->mem_packet);
	if ((bits_of(p, v) & PROV_P) && (bits_of(p, a) & PROV_P))
		set_flag(p, &p->packet_in_packet);
	if (bits_of(p, v) & (PROV_M | PROV_L))
		merge_sites(p, &fp->mem_sites, sites_of(p, v));
}

static void flow(struct ir_inst *i, void *user)
{
	struct prov *p = user;
	struct fn_prov *fp = &p->fp[p->fi];

	switch ((enum ir_kind)i->kind) {
	case IR_LOCAL_GET:
	case IR_LOCAL_SET:
		break;	/* flow_func()'s: they depend on the point in the function */
	case IR_NUM:
		if (i->u.numop == IR_I32_ADD || i->u.numop == IR_I32_SUB) {
			bool add = i->u.numop == IR_I32_ADD;
			uint64_t sites;

			if (is_frame_base(p, fp, i)) {
				merge(p, &fp->vreg[i->dst], PROV_F);
				merge_off(p, &fp->voff[i->dst], 0);
				break;
			}
			merge(p, &fp->vreg[i->dst], arith(add, bits_of(p, i->a), bits_of(p, i->b),
							  sites_of(p, i->a), sites_of(p, i->b),
							  &sites));
			merge_sites(p, &fp->vsites[i->dst], sites);
			/* frame + constant: a known offset; anything else not */
			if (fp->vreg[i->dst] & PROV_F) {
				int64_t oa = off_of(p, i->a), ob = off_of(p, i->b);
				int32_t c;

				if (known(oa) && const_of(fp, i->b, &c))
					merge_off(p, &fp->voff[i->dst], add ? oa + c : oa - c);
				else if (add && known(ob) && const_of(fp, i->a, &c))
					merge_off(p, &fp->voff[i->dst], ob + c);
				else
					merge_off(p, &fp->voff[i->dst], OFF_VARIES);
			}
		} else if (ir_numop_info[i->u.numop].carries_address) {
			/* p * 1, p ^ 0, an i64 round trip: still p */
			uint8_t bits = (bits_of(p, i->a) | bits_of(p, i->b)) & PROV_ADDR;

			merge(p, &fp->vreg[i->dst], PROV_N | bits);
			merge_sites(p, &fp->vsites[i->dst], bits ? sites_of(p, i->a) | sites_of(p, i->b) : 0);
			if (bits & PROV_F)
				merge_off(p, &fp->voff[i->dst], OFF_VARIES);
		} else {
			merge(p, &fp->vreg[i->dst], PROV_N);
		}
		break;
	case IR_SELECT:
		merge(p, &fp->vreg[i->dst], bits_of(p, i->b) | bits_of(p, i->c));
		merge_sites(p, &fp->vsites[i->dst], sites_of(p, i->b) | sites_of(p, i->c));
		merge_off(p, &fp->voff[i->dst], off_of(p, i->b));
		merge_off(p, &fp->voff[i->dst], off_of(p, i->c));
		break;
	case IR_HELPER_CALL:
		if (i->dst == IR_NOVAL)
			break;
		if (i->u.call.site != IR_NOVAL) {
			merge(p, &fp->vreg[i->dst], PROV_M);
			merge_sites(p, &fp->vsites[i->dst], 1ull << i->u.call.site);
		} else {
			merge(p, &fp->vreg[i->dst], PROV_N);
		}
		break;
	case IR_CALL: {
		struct fn_prov *callee = &p->fp[i->u.call.func];

		/* a map value address is refused as an argument or a result
		 * (classify()), a frame address is the caller's: the other
		 * side sees a plain number */
		for (uint32_t k = 0; k < i->u.call.nargs; k++) {
			merge(p, &callee->local[k], outside(bits_of(p, i->u.call.args[k])));
			note_escape(p, fp, i->u.call.args[k]);
		}
		for (uint32_t k = 0; k < i->u.call.nresults; k++)
			merge(p, &fp->vreg[i->u.call.results[k]], outside(callee->results[k]));
		break;
	}
	case IR_RETURN:
		for (uint32_t k = 0; k < i->u.ret.nvals; k++) {
			merge(p, &fp->results[k], bits_of(p, i->u.ret.vals[k]));
			note_escape(p, fp, i->u.ret.vals[k]);
		}
		break;
	case IR_STORE:
		flow_stored(p, fp, i, i->a, i->b);
		break;
	case IR_ATOMIC_RMW:
	case IR_ATOMIC_CMPXCHG:
		flow_stored(p, fp, i, i->a, i->b);
		if (i->kind == IR_ATOMIC_CMPXCHG)
			flow_stored(p, fp, i, i->a, i->c);
		flow_loaded(p, fp, i);
		break;
	case IR_LOAD:
		flow_loaded(p, fp, i);
		break;
	case IR_MEMORY_COPY:
		/* a slot copied within the frame: where it lands is not known
		 * here (classify() refuses a copy out of the frame) */
		if (copies_slot(p, i) && (bits_of(p, i->a) & PROV_F))
			set_flag(p, &fp->slots_all);
		break;
	case IR_GLOBAL_GET:
		/* __stack_pointer: its value (and whatever else a set put
		 * there, which then makes it no frame base) */
		merge(p, &fp->vreg[i->dst], i->u.global == p->m->stack_pointer ?
		      PROV_S | (p->global[i->u.global] & ~PROV_N) : p->global[i->u.global]);
		break;
	case IR_CONST:
		merge(p, &fp->vreg[i->dst], PROV_N);
		merge_off(p, &fp->kval[i->dst], i->type == IR_I32 ? (int32_t)i->u.imm : OFF_VARIES);
		break;
	case IR_GLOBAL_SET:
		/* a map value address is refused there (classify()); the
		 * frame's end put back into __stack_pointer by the epilogue
		 * is the caller's stack pointer again, not an escape */
		merge(p, &p->global[i->u.global], outside(bits_of(p, i->a)));
		if (i->u.global != p->m->stack_pointer)
			note_escape(p, fp, i->a);
		break;
	default:
		if (i->dst != IR_NOVAL)
			merge(p, &fp->vreg[i->dst], PROV_N);
		break;
	}
}

/* --- locals, flow-sensitively ----------------------------------------------
 *
 * clang's Wasm backend reuses locals: the one that held `pkt` may hold a
 * lookup result a few instructions later. So what a local.get may read is
 * what the local.sets that reach it stored, not everything ever stored:
 * an abstract interpretation of the function's structured control flow,
 * with an explicit stack (no recursion however deep the nesting), joining
 * the locals' states where control flow meets (block and if ends, loop
 * heads until they stop growing). Vregs, defined once, need no such care.
 */

struct lstate {
	bool live;		/* false: unreachable (the join's identity) */
	uint8_t *bits;		/* per local */
	uint64_t *sites;	/* per local */
};

static void st_init(struct lstate *s, uint32_t n)
{
	s->live = false;
	s->bits = calloc(n ? n : 1, 1);
	s->sites = calloc(n ? n : 1, sizeof(uint64_t));
	if (!s->bits || !s->sites)
		abort();
}

static void st_free(struct lstate *s)
{
	free(s->bits);
	free(s->sites);
	s->bits = NULL;
	s->sites = NULL;
}

static void st_copy(struct lstate *d, const struct lstate *s, uint32_t n)
{
	d->live = s->live;
	memcpy(d->bits, s->bits, n);
	memcpy(d->sites, s->sites, n * sizeof(uint64_t));
}

static void st_join(struct lstate *d, const struct lstate *s, uint32_t n)
{
	if (!s->live || !s->bits)
		return;
	if (!d->live) {
		st_copy(d, s, n);
		return;
	}
	for (uint32_t k = 0; k < n; k++) {
		d->bits[k] |= s->bits[k];
		d->sites[k] |= s->sites[k];
	}
}

static bool st_equal(const struct lstate *a, const struct lstate *b, uint32_t n)
{
	return a->live == b->live && !memcmp(a->bits, b->bits, n) &&
	       !memcmp(a->sites, b->sites, n * sizeof(uint64_t));
}

struct frame {
	struct ir_inst *scope;	/* NULL: the function body */
	struct ir_region *r;
	uint32_t i;
	bool in_else;
	struct lstate saved;	/* if: the else arm's entry; loop: the head
				 * state this iteration started from */
};

/* The fallback: a local may hold anywhere what any set stores into it.
 * Sound, linear per round, and less precise (a reused local mixes). */
static void flow_locals(struct ir_inst *i, void *user)
{
	struct prov *p = user;
	struct fn_prov *fp = &p->fp[p->fi];

	if (i->kind == IR_LOCAL_GET) {
		merge(p, &fp->vreg[i->dst], fp->local[i->u.local]);
		merge_sites(p, &fp->vsites[i->dst], fp->lsites[i->u.local]);
		merge_off(p, &fp->voff[i->dst], fp->loff[i->u.local]);
		merge_off(p, &fp->kval[i->dst], OFF_VARIES);	/* may be its initial zero */
	} else if (i->kind == IR_LOCAL_SET) {
		merge(p, &fp->local[i->u.local], bits_of(p, i->a));
		merge_sites(p, &fp->lsites[i->u.local], sites_of(p, i->a));
		merge_off(p, &fp->loff[i->u.local], off_of(p, i->a));
	} else {
		flow(i, p);
	}
}

/* The walk's budget: instructions visited, loop passes included, per
 * instruction of the function. Loop nests whose heads keep growing could
 * otherwise cost passes to the power of their depth. */
#define FLOW_BUDGET_PER_INST 64

static void flow_func(struct prov *p)
{
	struct ir_func *f = &p->m->funcs[p->fi];
	struct fn_prov *fp = &p->fp[p->fi];
	uint32_t n = f->nlocals, sp = 0, cap = 16;
	struct lstate cur, *labels = calloc(f->nlabels ? f->nlabels : 1, sizeof(*labels));
	struct frame *st = malloc(cap * sizeof(*st));
	uint64_t budget;

	if (!labels || !st)
		abort();
	st_init(&cur, n);
	cur.live = true;
	for (uint32_t k = 0; k < n; k++) {
		cur.bits[k] = k < f->nparams ? fp->local[k] : PROV_N | PROV_I;
		cur.sites[k] = k < f->nparams ? fp->lsites[k] : 0;
	}
	st[sp++] = (struct frame){ NULL, &f->body, 0, false, { false, NULL, NULL } };
	budget = ir_count_insts(&f->body) * FLOW_BUDGET_PER_INST + 4096;
	while (sp) {
		if (!budget--) {
			/* out of budget: what the walk merged so far stays (all
			 * of it is true), the rest flow-insensitively */
			for (uint32_t k = 0; k < sp; k++) {
				if (st[k].scope) {
					st_free(&labels[st[k].scope->u.scope.label->id]);
					st_free(&st[k].saved);
				}
			}
			fp->insensitive = true;
			for (uint32_t k = f->nparams; k < n; k++)
				fp->local[k] |= PROV_N;	/* locals start at zero */
			p->changed = true;
			break;
		}
		struct frame *fr = &st[sp - 1];
		struct ir_inst *i, *sc = fr->scope;

		if (fr->i == fr->r->n) {
			struct lstate *l = sc ? &labels[sc->u.scope.label->id] : NULL;

			if (!sc) {
				sp--;
			} else if (sc->kind == IR_IF && !fr->in_else) {
				struct lstate t = fr->saved;

				fr->saved = cur;	/* the then arm's end */
				cur = t;		/* the else arm starts as the if did */
				fr->in_else = true;
				fr->r = &sc->u.scope.else_body;
				fr->i = 0;
			} else if (sc->kind == IR_LOOP && !st_equal(l, &fr->saved, n)) {
				/* branches back grew the head state: once more */
				st_copy(&fr->saved, l, n);
				st_copy(&cur, l, n);
				fr->i = 0;
			} else {
				if (sc->kind != IR_LOOP)
					st_join(&cur, l, n);	/* branches out of it */
				if (sc->kind == IR_IF)
					st_join(&cur, &fr->saved, n);
				st_free(l);
				st_free(&fr->saved);
				sp--;
			}
			continue;
		}
		i = fr->r->insts[fr->i++];
		if (!cur.live)
			continue;	/* dead code: nothing flows */
		switch ((enum ir_kind)i->kind) {
		case IR_BLOCK:
		case IR_LOOP:
		case IR_IF: {
			struct lstate *l = &labels[i->u.scope.label->id];
			struct frame nf = { i, &i->u.scope.body, 0, false, { false, NULL, NULL } };

			st_init(l, n);
			st_init(&nf.saved, n);
			if (i->kind != IR_BLOCK) {
				/* loop: the head; if: the else arm's entry */
				st_copy(&nf.saved, &cur, n);
				if (i->kind == IR_LOOP)
					st_copy(l, &cur, n);
			}
			if (sp == cap) {
				cap *= 2;
				st = realloc(st, cap * sizeof(*st));
				if (!st)
					abort();
			}
			st[sp++] = nf;
			break;
		}
		case IR_BR:
			st_join(&labels[i->u.target->id], &cur, n);
			cur.live = false;
			break;
		case IR_BR_IF:
			st_join(&labels[i->u.target->id], &cur, n);
			break;
		case IR_BR_TABLE:
			for (uint32_t k = 0; k < i->u.table.ntargets; k++)
				st_join(&labels[i->u.table.targets[k]->id], &cur, n);
			st_join(&labels[i->u.table.dflt->id], &cur, n);
			cur.live = false;
			break;
		case IR_RETURN:
			flow(i, p);
			cur.live = false;
			break;
		case IR_TRAP:
			cur.live = false;
			break;
		case IR_LOCAL_GET: {
			uint32_t l = i->u.local;

			merge(p, &fp->vreg[i->dst], cur.bits[l] & ~PROV_I);
			merge_sites(p, &fp->vsites[i->dst], cur.sites[l]);
			if (cur.bits[l] & PROV_F)
				merge_off(p, &fp->voff[i->dst], fp->loff[l]);
			/* the constants its sets store, and its initial zero if
			 * no set may have run yet */
			merge_off(p, &fp->kval[i->dst], l < f->nparams ? OFF_VARIES : fp->lkval[l]);
			if (cur.bits[l] & PROV_I)
				merge_off(p, &fp->kval[i->dst], 0);
			break;
		}
		case IR_LOCAL_SET:
			cur.bits[i->u.local] = raw_bits_of(p, i->a);
			cur.sites[i->u.local] = sites_of(p, i->a);
			if (bits_of(p, i->a) & PROV_F)
				merge_off(p, &fp->loff[i->u.local], off_of(p, i->a));
			/* anything but a constant makes it vary */
			merge_off(p, &fp->lkval[i->u.local],
				  fp->kval[i->a] == OFF_UNSET ? OFF_VARIES : fp->kval[i->a]);
			break;
		default:
			flow(i, p);
			break;
		}
	}
	st_free(&cur);
	free(labels);
	free(st);
}

static void refuse_at(struct prov *p, const struct ir_inst *i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refuse_at(struct prov *p, const struct ir_inst *i, const char *fmt, ...)
{
	va_list ap;

	if (p->err)
		return;
	va_start(ap, fmt);
	diag_vreport(p->d, DIAG_ERROR, &(struct diag_loc){ i->offset, p->f->wasm_index, p->f->name, NULL },
		     fmt, ap);
	va_end(ap);
	p->err = -EINVAL;
}

/* "the lookup of map 'x' at 0x1f" for the refusals that name a pointer. */
static const char *site_text(struct prov *p, uint64_t sites)
{
	for (uint32_t s = 0; s < p->f->nsites; s++)
		if (sites >> s & 1)
			return arena_printf(p->m->arena, "the value map '%s' returned (lookup site %u)",
					    p->m->maps[p->f->site_map[s]].name, s);
	return "a map value";
}

/* The region an access through address vreg a reaches; refuses mixes
 * the backend cannot dispatch. */
static uint8_t region_of(struct prov *p, const struct ir_inst *i, uint32_t a)
{
	uint8_t bits = bits_of(p, a);

	if ((bits & (PROV_M | PROV_L)) && sites_of(p, a))
		return bits & (PROV_P | PROV_N) ? IR_MEM_ANY : IR_MEM_MAP_VALUE;
	bits &= (uint8_t)~(PROV_M | PROV_L);
	if (!(bits & PROV_P))
		return IR_MEM_INSTANCE;
	return bits & PROV_N ? IR_MEM_DISPATCH : IR_MEM_PACKET;
}

/* A value that leaves the function or goes into memory must not be a map
 * value address: its window is this function's. One read back from the
 * frame slot it was stored in (L) may be one too. */
static void keep_map_value_local(struct prov *p, const struct ir_inst *i, uint32_t v,
				 const char *where)
{
	uint8_t bits = bits_of(p, v);

	if (bits & (PROV_M | PROV_L))
		refuse_at(p, i, "%s %s %s%s, which is not supported (map value pointers stay in the function that looked them up: make the callee static inline)",
			  where, bits & PROV_M ? "is" : "may be", site_text(p, sites_of(p, v)),
			  bits & PROV_M ? "" : " (read back from the frame slot it was stored in)");
}

/* The frame of a function that keeps a map value address in it must not
 * be reachable from elsewhere: another function would read the address
 * back there and could not reach the value. */
static void keep_frame_local(struct prov *p, const struct ir_inst *i, uint32_t v,
			     const char *where)
{
	uint64_t sites = p->fp[p->fi].mem_sites;

	if ((bits_of(p, v) & PROV_F) && sites)
		refuse_at(p, i, "%s is an address in this function's stack frame, where it keeps %s: not supported (map value pointers stay in the function that looked them up; another function could read it back there)",
			  where, site_text(p, sites));
}

static void classify(struct ir_inst *i, void *user)
{
	struct prov *p = user;

	switch ((enum ir_kind)i->kind) {
	case IR_LOAD:
	case IR_STORE:
	case IR_ATOMIC_RMW:
	case IR_ATOMIC_CMPXCHG:
		i->u.mem.region = region_of(p, i, i->a);
		i->u.mem.sites = i->u.mem.region == IR_MEM_MAP_VALUE || i->u.mem.region == IR_MEM_ANY ?
				 sites_of(p, i->a) : 0;
		/* a plain store may put a map value's address into the
		 * function's own frame, where its loads find it again (clang
		 * -O0 keeps every pointer in its stack); anywhere else another
		 * function could read it back, and atomics may not */
		if (i->kind != IR_LOAD && bits_of(p, i->a) != PROV_F)
			keep_frame_local(p, i, i->b, "the value stored");
		if (i->kind == IR_STORE && (bits_of(p, i->b) & (PROV_M | PROV_L)) &&
		    bits_of(p, i->a) != PROV_F)
			refuse_at(p, i, "the value stored %s %s, into memory that is not this function's own stack frame: not supported (map value pointers stay in the function that looked them up; a function reading it back there could not reach the value)",
				  bits_of(p, i->b) & PROV_M ? "is" : "may be",
				  site_text(p, sites_of(p, i->b)));
		if (i->kind != IR_LOAD && i->kind != IR_STORE) {
			keep_map_value_local(p, i, i->b, "the value stored");
			if (i->kind == IR_ATOMIC_CMPXCHG)
				keep_map_value_local(p, i, i->c, "the value stored");
		}
		if ((i->kind == IR_ATOMIC_RMW || i->kind == IR_ATOMIC_CMPXCHG) &&
		    (i->u.mem.region == IR_MEM_PACKET || i->u.mem.region == IR_MEM_DISPATCH))
			refuse_at(p, i, "an atomic access to the packet is not supported");
		if ((i->kind == IR_ATOMIC_RMW || i->kind == IR_ATOMIC_CMPXCHG) &&
		    i->u.mem.region == IR_MEM_ANY)
			refuse_at(p, i, "an atomic access through an address that may point into %s or "
				  "elsewhere is not supported (keep map value pointers in their own variables)",
				  site_text(p, sites_of(p, i->a)));
		break;
	case IR_GLOBAL_SET:
		if (i->u.global != p->m->stack_pointer)
			keep_frame_local(p, i, i->a, "the value stored into a global");
		keep_map_value_local(p, i, i->a, "the value stored into a global");
		break;
	case IR_CALL:
		for (uint32_t k = 0; k < i->u.call.nargs; k++) {
			const char *what = arena_printf(p->m->arena, "argument %u of the call", k + 1);

			keep_map_value_local(p, i, i->u.call.args[k], what);
			keep_frame_local(p, i, i->u.call.args[k], what);
		}
		break;
	case IR_RETURN:
		for (uint32_t k = 0; k < i->u.ret.nvals; k++) {
			keep_map_value_local(p, i, i->u.ret.vals[k], "the value returned");
			keep_frame_local(p, i, i->u.ret.vals[k], "the value returned");
		}
		break;
	case IR_HELPER_CALL: {
		const struct ir_helper_info *h = &ir_helpers[i->u.call.func];
		const char *kinds = ir_helper_params(h);

		/* the context travels with the packet (struct w2b_packet) */
		if (h->args[0] == 'c')
			p->f->packet = p->f->ctx = true;
		if (h->effect == IR_HEFFECT_PACKET)
			p->f->changes_packet = true;
		for (uint32_t k = 0; kinds[k] && k < i->u.call.nargs; k++) {
			uint8_t bits = bits_of(p, i->u.call.args[k]);

			/* a value written into a map from frame bytes that hold
			 * a map value address: a later lookup would read it back */
			if (kinds[k] == 'v' && (bits & PROV_F) && i->u.call.map < p->m->nmaps &&
			    p->fp[p->fi].mem_sites &&
			    reads_slot(&p->fp[p->fi], off_of(p, i->u.call.args[k]),
				       p->m->maps[i->u.call.map].value_size))
				refuse_at(p, i, "bpf.%s: argument %u is frame bytes that may hold %s: not supported (map value pointers stay in the function that looked them up)",
					  h->name, k + 1, site_text(p, p->fp[p->fi].mem_sites));
			if (!strchr("kvp", kinds[k]) || !(bits & (PROV_P | PROV_M | PROV_L)))
				continue;
			refuse_at(p, i, "bpf.%s: argument %u may point into %s; pass a pointer into the module's memory (copy the bytes into a local first)",
				  h->name, k + 1, bits & PROV_P ? "the packet" :
				  site_text(p, sites_of(p, i->u.call.args[k])));
		}
		return;
	}
	case IR_MEMORY_COPY:
	case IR_MEMORY_FILL: {
		uint8_t bits = bits_of(p, i->a) | (i->kind == IR_MEMORY_COPY ? bits_of(p, i->b) : 0);

		i->u.mem.region = IR_MEM_INSTANCE;
		if (bits & PROV_P)
			refuse_at(p, i, i->kind == IR_MEMORY_COPY ?
				  "memory.copy to or from the packet is not supported yet" :
				  "memory.fill of the packet is not supported yet");
		else if (bits & (PROV_M | PROV_L))
			refuse_at(p, i, "%s a map value is not supported yet (copy it field by field)",
				  i->kind == IR_MEMORY_COPY ? "memory.copy (memcpy) to or from" :
				  "memory.fill (memset) of");
		else if (i->kind == IR_MEMORY_COPY && copies_slot(p, i) && bits_of(p, i->a) != PROV_F)
			refuse_at(p, i, "memory.copy (memcpy) may copy %s out of the frame slot it was stored in, into memory that is not this function's own stack frame: not supported (map value pointers stay in the function that looked them up)",
				  site_text(p, p->fp[p->fi].mem_sites));
		break;
	}
	case IR_CTX_GET:
	case IR_CTX_SET:
		p->f->packet = p->f->ctx = true;	/* the context travels with the packet */
		return;
	default:
		return;
	}
	if (reaches_packet(p, i))
		p->f->packet = true;
}

struct calls_packet {
	const struct ir_module *m;
	bool found, ctx, changes;
};

static void find_packet_call(struct ir_inst *i, void *user)
{
	struct calls_packet *c = user;

	if (i->kind == IR_CALL && c->m->funcs[i->u.call.func].packet)
		c->found = true;
	if (i->kind == IR_CALL && c->m->funcs[i->u.call.func].ctx)
		c->ctx = true;
	if (i->kind == IR_CALL && c->m->funcs[i->u.call.func].changes_packet)
		c->changes = true;
}

void ir_propagate_packet(struct ir_module *m)
{
	bool changed;

	do {
		changed = false;
		for (uint32_t k = 0; k < m->nfuncs; k++) {
			struct calls_packet c = { m, false, false, false };
			struct ir_func *f = &m->funcs[k];

			if (!f->reachable || (f->packet && f->ctx && f->changes_packet))
				continue;
			ir_walk_insts(&f->body, find_packet_call, &c);
			if ((c.found && !f->packet) || (c.ctx && !f->ctx) ||
			    (c.changes && !f->changes_packet))
				changed = true;
			f->packet |= c.found;
			f->ctx |= c.ctx;
			f->changes_packet |= c.changes;
		}
	} while (changed);
}

/* Per entry, over the code it reaches: a read-only packet (cgroup_skb,
 * socket) is never written, and the way a packet is read is per function
 * (direct; a socket filter's copies, ir_prog_info.load_bytes; cgroup_skb's
 * direct-or-copy past the linear part, beyond_linear), so code that
 * entries of two ways reach cannot serve both.
 * mode[f]: 0 not yet reached by a packet entry, 1 direct, 2 copies,
 * 3 direct or copies. */
struct entry_walk {
	struct prov *p;
	const struct ir_entry *e;
	uint8_t *mode;
};

static void entry_inst(struct ir_inst *i, void *user)
{
	struct entry_walk *w = user;

	if (!ir_prog_info[w->e->kind].packet && reaches_packet(w->p, i)) {
		refuse_at(w->p, i, "an access that may reach the packet, in code entry '%s' reaches: %s programs have no packet",
			  w->e->export_name, w->e->section);
		return;
	}

	if (i->kind == IR_STORE && ir_prog_info[w->e->kind].read_only && reaches_packet(w->p, i))
		refuse_at(w->p, i, "a store that may reach the packet, in code entry '%s' reaches: the packet of a %s program is read-only",
			  w->e->export_name, w->e->section);
}

static void entry_func(struct ir_func *f, void *user)
{
	struct entry_walk *w = user;
	struct prov *p = w->p;
	const struct ir_entry *e = w->e;
	uint8_t want = ir_prog_info[e->kind].load_bytes ? 2 : ir_prog_info[e->kind].beyond_linear ? 3 : 1;
	uint32_t fi = (uint32_t)(f - p->m->funcs);

	if (p->err)
		return;
	p->f = f;
	p->fi = fi;
	if (f->packet && ir_prog_info[e->kind].packet) {
		if (w->mode[fi] && w->mode[fi] != want) {
			diag_report(p->d, DIAG_ERROR,
				    &(struct diag_loc){ f->offset, f->wasm_index, f->name, NULL },
				    "this function reads the packet for entries whose packets are read differently (in place, by copies for a socket filter, past the linear part by copies for cgroup_skb), entry '%s' among them: not supported, give each its own function",
				    e->export_name);
			p->err = -EINVAL;
		}
		w->mode[fi] = want;
	}
	ir_walk_insts(&f->body, entry_inst, w);
}

int ir_lower_memory(struct ir_module *m, struct diag_sink *d)
{
	struct prov p = { .m = m, .changed = true, .d = d };

	p.fp = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(*p.fp));
	p.global = malloc(m->nglobals ? m->nglobals : 1);
	if (!p.fp || !p.global)
		abort();
	memset(p.global, PROV_N, m->nglobals);	/* initial values are numbers */
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		struct ir_func *f = &m->funcs[k];

		f->packet = f->ctx = f->changes_packet = false;
		if (!f->reachable)
			continue;
		p.fp[k].vreg = calloc(f->nvregs ? f->nvregs : 1, 1);
		p.fp[k].local = calloc(f->nlocals ? f->nlocals : 1, 1);
		p.fp[k].results = calloc(f->nresults ? f->nresults : 1, 1);
		p.fp[k].vsites = calloc(f->nvregs ? f->nvregs : 1, sizeof(uint64_t));
		p.fp[k].lsites = calloc(f->nlocals ? f->nlocals : 1, sizeof(uint64_t));
		p.fp[k].voff = malloc((f->nvregs ? f->nvregs : 1) * sizeof(int64_t));
		p.fp[k].loff = malloc((f->nlocals ? f->nlocals : 1) * sizeof(int64_t));
		p.fp[k].kval = malloc((f->nvregs ? f->nvregs : 1) * sizeof(int64_t));
		p.fp[k].lkval = malloc((f->nlocals ? f->nlocals : 1) * sizeof(int64_t));
		if (!p.fp[k].vreg || !p.fp[k].local || !p.fp[k].results || !p.fp[k].vsites ||
		    !p.fp[k].lsites || !p.fp[k].voff || !p.fp[k].loff || !p.fp[k].kval ||
		    !p.fp[k].lkval)
			abort();
		for (uint32_t v = 0; v < f->nvregs; v++)
			p.fp[k].voff[v] = p.fp[k].kval[v] = OFF_UNSET;
		for (uint32_t l = 0; l < f->nlocals; l++)
			p.fp[k].loff[l] = p.fp[k].lkval[l] = OFF_UNSET;
	}
	/* what the entries pass in */
	for (uint32_t e = 0; e < m->nentries; e++) {
		struct fn_prov *fp = &p.fp[m->entries[e].func];
		const struct ir_func *f = &m->funcs[m->entries[e].func];

		for (uint32_t k = 0; k < f->nparams; k++)
			fp->local[k] |= ir_prog_info[m->entries[e].kind].packet && k == 0 ? PROV_P : PROV_N;
	}
	while (p.changed) {
		p.changed = false;
		for (p.fi = 0; p.fi < m->nfuncs; p.fi++)
			if (m->funcs[p.fi].reachable && !p.fp[p.fi].insensitive)
				flow_func(&p);
		for (p.fi = 0; p.fi < m->nfuncs; p.fi++)
			if (m->funcs[p.fi].reachable && p.fp[p.fi].insensitive)
				ir_walk_insts(&m->funcs[p.fi].body, flow_locals, &p);
	}
	for (p.fi = 0; p.fi < m->nfuncs; p.fi++) {
		p.f = &m->funcs[p.fi];
		if (p.f->reachable)
			ir_walk_insts(&p.f->body, classify, &p);
	}
	ir_propagate_packet(m);
	if (!p.err) {
		uint8_t *mode = calloc(m->nfuncs ? m->nfuncs : 1, 1);

		if (!mode)
			abort();
		for (uint32_t e = 0; e < m->nentries && !p.err; e++) {
			struct entry_walk w = { &p, &m->entries[e], mode };

			ir_walk_reached(m, m->entries[e].func, entry_func, &w);
		}
		for (uint32_t k = 0; k < m->nfuncs; k++) {
			m->funcs[k].load_bytes = mode[k] == 2;
			m->funcs[k].beyond_linear = mode[k] == 3;
		}
		free(mode);
	}
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		free(p.fp[k].vreg);
		free(p.fp[k].local);
		free(p.fp[k].results);
		free(p.fp[k].vsites);
		free(p.fp[k].lsites);
		free(p.fp[k].voff);
		free(p.fp[k].loff);
		free(p.fp[k].kval);
		free(p.fp[k].lkval);
		free(p.fp[k].slots);
	}
	free(p.fp);
	free(p.global);
	return p.err;
}
