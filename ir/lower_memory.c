/*
 * lower_memory.c — decide which region each memory access reaches.
 *
 * A Wasm address is an offset into a region: the instance's linear memory,
 * or the packet a packet entry hands its function as `pkt` (an address at
 * IR_PACKET_BASE). This pass tracks where every i32 value may point and
 * classifies each load and store:
 *
 *   INSTANCE  no value derived from a packet address reaches it;
 *   PACKET    only values derived from one do;
 *   DISPATCH  both may: the backend tests the address against
 *             IR_PACKET_BASE at run time.
 *
 * "Derived" is provenance through locals, i32.add/i32.sub with a plain
 * number, select, call arguments, parameters and results. The analysis is
 * flow-insensitive (a local that ever holds a packet address may hold one
 * anywhere in its function) and runs to a fixed point over the reachable
 * call graph. Two bits per value: P (may be a packet address), N (may be
 * anything else). A value read from memory or computed any other way is N:
 * a packet address stored into memory would lose its meaning, so that is
 * refused, located, as are memory.copy/fill on the packet (not supported).
 *
 * Functions that access the packet, or call one that does, are marked
 * `packet`: the backend gives them the packet's kernel pointers. Such a
 * function reached from an entry without a packet is refused.
 */
#include "ir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"

enum { PROV_P = 1, PROV_N = 2 };

struct fn_prov {
	uint8_t *vreg;		/* per vreg */
	uint8_t *local;		/* per local */
	uint8_t *results;	/* per result */
};

struct prov {
	struct ir_module *m;
	struct fn_prov *fp;	/* per function */
	struct ir_func *f;
	uint32_t fi;
	bool changed;
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

static uint8_t bits_of(struct prov *p, uint32_t vreg)
{
	return vreg == IR_NOVAL ? PROV_N : p->fp[p->fi].vreg[vreg];
}

/* Where a + b or a - b may point, over every pair of what a and b may be:
 * address + number and number + address are addresses, address - number
 * too; address - address is a length, and two addresses do not add up to
 * one either. */
static uint8_t arith(bool add, uint8_t a, uint8_t b)
{
	uint8_t r = 0;

	if (a & PROV_P) {
		if (b & PROV_N)
			r |= PROV_P;
		if (b & PROV_P)
			r |= PROV_N;
	}
	if (a & PROV_N) {
		if (b & PROV_N)
			r |= PROV_N;
		if (b & PROV_P)
			r |= add ? PROV_P : PROV_N;
	}
	return r;
}

static void flow(struct ir_inst *i, void *user)
{
	struct prov *p = user;
	struct fn_prov *fp = &p->fp[p->fi];

	switch ((enum ir_kind)i->kind) {
	case IR_LOCAL_GET:
		merge(p, &fp->vreg[i->dst], fp->local[i->u.local]);
		break;
	case IR_LOCAL_SET:
		merge(p, &fp->local[i->u.local], bits_of(p, i->a));
		break;
	case IR_NUM:
		if (i->u.numop == IR_I32_ADD || i->u.numop == IR_I32_SUB)
			merge(p, &fp->vreg[i->dst], arith(i->u.numop == IR_I32_ADD,
							  bits_of(p, i->a), bits_of(p, i->b)));
		else
			merge(p, &fp->vreg[i->dst], PROV_N);
		break;
	case IR_SELECT:
		merge(p, &fp->vreg[i->dst], bits_of(p, i->b) | bits_of(p, i->c));
		break;
	case IR_CALL: {
		struct fn_prov *callee = &p->fp[i->u.call.func];

		for (uint32_t k = 0; k < i->u.call.nargs; k++)
			merge(p, &callee->local[k], bits_of(p, i->u.call.args[k]));
		for (uint32_t k = 0; k < i->u.call.nresults; k++)
			merge(p, &fp->vreg[i->u.call.results[k]], callee->results[k]);
		break;
	}
	case IR_RETURN:
		for (uint32_t k = 0; k < i->u.ret.nvals; k++)
			merge(p, &fp->results[k], bits_of(p, i->u.ret.vals[k]));
		break;
	default:
		if (i->dst != IR_NOVAL)
			merge(p, &fp->vreg[i->dst], PROV_N);
		if (i->kind == IR_HELPER_CALL && i->u.call.nresults)
			merge(p, &fp->vreg[i->u.call.results[0]], PROV_N);
		break;
	}
}

static uint8_t region_of(uint8_t bits)
{
	if (!(bits & PROV_P))
		return IR_MEM_INSTANCE;
	return bits & PROV_N ? IR_MEM_DISPATCH : IR_MEM_PACKET;
}

static void refuse_at(struct prov *p, const struct ir_inst *i, const char *what)
{
	if (p->err)
		return;
	diag_report(p->d, DIAG_ERROR, &(struct diag_loc){ i->offset, p->f->wasm_index, p->f->name, NULL },
		    "%s", what);
	p->err = -EINVAL;
}

static void classify(struct ir_inst *i, void *user)
{
	struct prov *p = user;

	switch ((enum ir_kind)i->kind) {
	case IR_LOAD:
		i->u.mem.region = region_of(bits_of(p, i->a));
		break;
	case IR_STORE:
		i->u.mem.region = region_of(bits_of(p, i->a));
		if (bits_of(p, i->b) & PROV_P)
			refuse_at(p, i, "a packet address stored into memory is not supported "
				  "(it would lose which region it points into)");
		break;
	case IR_GLOBAL_SET:
		if (bits_of(p, i->a) & PROV_P)
			refuse_at(p, i, "a packet address stored into a global is not supported");
		break;
	case IR_MEMORY_COPY:
	case IR_MEMORY_FILL:
		i->u.mem.region = IR_MEM_INSTANCE;
		if ((bits_of(p, i->a) | (i->kind == IR_MEMORY_COPY ? bits_of(p, i->b) : 0)) & PROV_P)
			refuse_at(p, i, i->kind == IR_MEMORY_COPY ?
				  "memory.copy to or from the packet is not supported yet" :
				  "memory.fill of the packet is not supported yet");
		break;
	default:
		return;
	}
	if ((i->kind == IR_LOAD || i->kind == IR_STORE) && i->u.mem.region != IR_MEM_INSTANCE)
		p->f->packet = true;
}

struct calls_packet {
	const struct ir_module *m;
	bool found;
};

static void find_packet_call(struct ir_inst *i, void *user)
{
	struct calls_packet *c = user;

	if (i->kind == IR_CALL && c->m->funcs[i->u.call.func].packet)
		c->found = true;
}

int ir_lower_memory(struct ir_module *m, struct diag_sink *d)
{
	struct prov p = { m, NULL, NULL, 0, true, d, 0 };
	bool changed;

	p.fp = calloc(m->nfuncs ? m->nfuncs : 1, sizeof(*p.fp));
	if (!p.fp)
		abort();
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		struct ir_func *f = &m->funcs[k];

		f->packet = false;
		if (!f->reachable)
			continue;
		p.fp[k].vreg = calloc(f->nvregs ? f->nvregs : 1, 1);
		p.fp[k].local = calloc(f->nlocals ? f->nlocals : 1, 1);
		p.fp[k].results = calloc(f->nresults ? f->nresults : 1, 1);
		if (!p.fp[k].vreg || !p.fp[k].local || !p.fp[k].results)
			abort();
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
			if (m->funcs[p.fi].reachable)
				ir_walk_insts(&m->funcs[p.fi].body, flow, &p);
	}
	for (p.fi = 0; p.fi < m->nfuncs; p.fi++) {
		p.f = &m->funcs[p.fi];
		if (p.f->reachable)
			ir_walk_insts(&p.f->body, classify, &p);
	}
	/* callers of packet functions need the packet too */
	do {
		changed = false;
		for (uint32_t k = 0; k < m->nfuncs; k++) {
			struct calls_packet c = { m, false };

			if (!m->funcs[k].reachable || m->funcs[k].packet)
				continue;
			ir_walk_insts(&m->funcs[k].body, find_packet_call, &c);
			if (c.found)
				changed = m->funcs[k].packet = true;
		}
	} while (changed);
	for (uint32_t e = 0; e < m->nentries && !p.err; e++) {
		const struct ir_entry *en = &m->entries[e];
		const struct ir_func *f = &m->funcs[en->func];

		if (f->packet && !ir_prog_info[en->kind].packet) {
			diag_report(d, DIAG_ERROR, &(struct diag_loc){ f->offset, f->wasm_index, f->name, NULL },
				    "entry '%s' in section '%s' has no packet, but its code reads a packet address",
				    en->export_name, en->section);
			p.err = -EINVAL;
		}
	}
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		free(p.fp[k].vreg);
		free(p.fp[k].local);
		free(p.fp[k].results);
	}
	free(p.fp);
	return p.err;
}
