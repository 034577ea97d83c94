/*
 * lower_memory.c — decide which region each memory access reaches.
 *
 * A Wasm address is an offset into a region: the instance's own linear
 * memory, and (with the kernel interface) the packet, the context or a map
 * value handed to the module as a pointer. This pass classifies every
 * load, store, copy and fill; the backend then emits a direct,
 * bounds-checked access of that region.
 *
 * Today every module address is an instance-memory address: nothing hands
 * a module a pointer into another region yet, so the classification is
 * total and trivial. The pass is where provenance tracking goes when that
 * changes; the backend refuses an access left IR_MEM_UNDECIDED.
 */
#include "ir.h"

static void classify(struct ir_inst *i, void *user)
{
	(void)user;
	if (i->kind == IR_LOAD || i->kind == IR_STORE ||
	    i->kind == IR_MEMORY_COPY || i->kind == IR_MEMORY_FILL)
		i->u.mem.region = IR_MEM_INSTANCE;
}

void ir_lower_memory(struct ir_module *m)
{
	for (uint32_t k = 0; k < m->nfuncs; k++)
		if (m->funcs[k].reachable)
			ir_walk_insts(&m->funcs[k].body, classify, NULL);
}
