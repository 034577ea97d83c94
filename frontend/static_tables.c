/*
 * static_tables.c — what each table holds once the module is instantiated.
 *
 * eBPF has no indirect calls, so call_indirect is compiled as a dispatch
 * over the functions its table can hold (build_ir.c, do_call_indirect()).
 * That needs the table's contents at compile time, which Wasm fixes when
 * the subset's rules hold: the table is the module's own (not imported),
 * it starts as ref.null and the active element segments fill it, in order,
 * at offsets that are constant expressions; nothing changes it later,
 * because every instruction that could (table.set, table.grow, table.fill,
 * table.copy, table.init) is outside the subset and refuses the function
 * that uses it, if an entry reaches it. No host writes to an exported
 * table either: in the kernel, the program is all there is.
 *
 * A segment that does not fit its table makes instantiation fail: the
 * module can never run, and it is refused (located at the segment); it
 * is valid, though, which is all `check` says.
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <string.h>

#include "common/arena.h"
#include "common/diag.h"

/* Function index of element j of segment e, FE_TABLE_NULL for ref.null,
 * or FE_TABLE_UNKNOWN (an expression we do not evaluate). */
static uint32_t element(const struct fe_elem *e, uint32_t j)
{
	const struct fe_constexpr *x;

	if (e->func_indices)
		return e->func_indices[j];
	x = &e->exprs[j];
	if (x->ninstrs == 1 && x->instrs[0].op == FE_OP_REF_FUNC)
		return x->instrs[0].u.index;
	if (x->ninstrs == 1 && x->instrs[0].op == FE_OP_REF_NULL)
		return FE_TABLE_NULL;
	return FE_TABLE_UNKNOWN;
}

int fe_static_tables(const struct fe_module *wm, const struct fe_global_values *gv,
		     bool validating, struct arena *a, struct diag_sink *d,
		     struct fe_static_table **out)
{
	struct fe_static_table *t = arena_array(a, wm->ntables + 1, sizeof(*t));
	bool bad = false;
	int err = 0;

	for (uint32_t k = 0; k < wm->ntables; k++) {
		t[k].imported = wm->tables[k].imported;
		if (t[k].imported)
			continue;
		t[k].size = wm->tables[k].limits.min;
		/* entries past the last one a segment writes are null: only
		 * those before it are kept (a table may declare millions) */
		t[k].used = 0;
	}
	/* the extent each table's segments reach, then the contents */
	for (uint32_t s = 0; s < wm->nelems; s++) {
		const struct fe_elem *e = &wm->elems[s];
		int64_t off;

		if (e->mode != FE_SEG_ACTIVE || e->table >= wm->ntables || t[e->table].imported)
			continue;
		if (!fe_eval_const(wm, &e->table_offset, gv, &off)) {
			t[e->table].unknown = true;
			continue;
		}
		off = (int64_t)(uint32_t)off;
		if ((uint64_t)off + e->count > t[e->table].size) {
			/* valid, yet it can never run: `check` (validating)
			 * says so and calls it valid, as the spec does */
			diag_report(d, validating ? DIAG_WARNING : DIAG_ERROR,
				    &(struct diag_loc){ e->offset, DIAG_NO_FUNC, NULL, NULL },
				    "elem segment %u writes elements %lld to %lld of table %u, which has %u: "
				    "the module cannot be instantiated", s, (long long)off,
				    (long long)off + e->count - 1, e->table, t[e->table].size);
			if (!validating)
				err = -EINVAL;
			bad = true;
			continue;
		}
		if (e->count && (uint32_t)off + e->count > t[e->table].used)
			t[e->table].used = (uint32_t)off + e->count;
	}
	for (uint32_t k = 0; k < wm->ntables; k++) {
		t[k].funcs = arena_array(a, t[k].used + 1, sizeof(*t[k].funcs));
		for (uint32_t j = 0; j < t[k].used; j++)
			t[k].funcs[j] = FE_TABLE_NULL;
	}
	for (uint32_t s = 0; s < wm->nelems && !bad; s++) {
		const struct fe_elem *e = &wm->elems[s];
		int64_t off;

		if (e->mode != FE_SEG_ACTIVE || e->table >= wm->ntables || t[e->table].imported ||
		    !fe_eval_const(wm, &e->table_offset, gv, &off))
			continue;
		for (uint32_t j = 0; j < e->count; j++) {
			uint32_t f = element(e, j);

			if (f == FE_TABLE_UNKNOWN)
				t[e->table].unknown = true;
			t[e->table].funcs[(uint32_t)off + j] = f;
		}
	}
	*out = t;
	return err;
}
