/*
 * memory_layout.c — how big the instance's memory is, and what it holds
 * before the first run.
 *
 * A Wasm module declares its memory in 64 KiB pages, and the instance
 * memory is that: the declared minimum, every access checked against it,
 * as any Wasm engine does (a module may use its memory above what its
 * linker placed there: a heap up to memory.size). --memory-size N makes it
 * exactly N bytes (at most the declared size): then an access at or past
 * N traps "out of bounds memory access", as one past the declared size
 * would, and memory.size keeps answering the declared page count
 * (docs/cli.md states the consequence).
 *
 * What a wasm-ld module's static layout uses is worked out too, for the
 * footprint warning's advice (layout_end): its name section names a
 * mutable global __stack_pointer, and the layout ends at the largest of
 * the data segments' end, the initial stack pointer and __heap_base /
 * __data_end (named, or exported as rustc does, or recorded by the SDK
 * in "wasm2bpf.layout" for modules whose name section wasm-opt stripped),
 * rounded up to 16 bytes. The globals' names come from the name
 * section's global-name subsection (7), which wasm-ld writes.
 *
 * Active data segments become ir_module.memory.datas; each must fit.
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <string.h>

#include "common/arena.h"
#include "common/diag.h"
#include "ir/ir.h"

#define WASM_PAGE 65536u

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static uint32_t read_u32(struct reader *r)
{
	uint32_t v = 0;

	for (unsigned shift = 0; shift < 35; shift += 7) {
		uint8_t byte;

		if (r->p >= r->end) {
			r->bad = true;
			return 0;
		}
		byte = *r->p++;
		v |= (uint32_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

/* The name section's name for global `index`, or NULL. A malformed name
 * section is ignored, as the spec says of custom sections. */
static const char *global_name(const struct fe_module *wm, struct arena *a, uint32_t index)
{
	for (uint32_t c = 0; c < wm->ncustoms; c++) {
		struct reader r;

		if (strcmp(wm->customs[c].name, "name"))
			continue;
		r = (struct reader){ wm->customs[c].payload,
				     wm->customs[c].payload + wm->customs[c].size, false };
		while (r.p < r.end && !r.bad) {
			uint8_t id = *r.p++;
			uint32_t size = read_u32(&r);
			const uint8_t *sub_end = r.p + size;

			if (r.bad || size > (size_t)(r.end - r.p))
				break;
			if (id == 7) {
				struct reader s = { r.p, sub_end, false };
				uint32_t n = read_u32(&s);

				for (uint32_t k = 0; k < n && !s.bad; k++) {
					uint32_t idx = read_u32(&s), len = read_u32(&s);

					if (s.bad || len > (size_t)(s.end - s.p))
						break;
					if (idx == index)
						return arena_strndup(a, (const char *)s.p, len);
					s.p += len;
				}
			}
			r.p = sub_end;
		}
	}
	return NULL;
}

/* The initial value of the i32 global the name section calls `name`.
 * Only the name section counts: a module that merely exports a global
 * called __heap_base is no wasm-ld module, and exporting must not change
 * how its memory behaves. */
static bool named_global_value(const struct fe_module *wm, struct arena *a,
			       const char *name, bool mutable_, uint64_t *value, uint32_t *index)
{
	for (uint32_t k = 0; k < wm->nglobals; k++) {
		const struct fe_global *g = &wm->globals[k];
		const char *n;

		if (g->imported || g->type.valtype != FE_I32 || g->type.mutable_ != mutable_ ||
		    g->init.ninstrs != 1 || g->init.instrs[0].op != FE_OP_I32_CONST)
			continue;
		n = global_name(wm, a, k);
		if (n && !strcmp(n, name)) {
			*value = (uint32_t)g->init.instrs[0].u.i64;
			if (index)
				*index = k;
			return true;
		}
	}
	return false;
}

/* The largest __heap_base the SDK's "wasm2bpf.layout" records hold (one
 * u32 per translation unit that included the header, all equal after
 * linking). A record of another length is ignored, as custom sections
 * are. */
static bool sdk_heap_base(const struct fe_module *wm, uint64_t *value)
{
	bool found = false;

	*value = 0;
	for (uint32_t c = 0; c < wm->ncustoms; c++) {
		const struct fe_custom *cs = &wm->customs[c];

		if (strcmp(cs->name, "wasm2bpf.layout") || cs->size % 4)
			continue;
		for (uint32_t k = 0; k < cs->size; k += 4) {
			const uint8_t *p = cs->payload + k;
			uint64_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				     (uint32_t)p[3] << 24;

			*value = v > *value ? v : *value;
			found = true;
		}
	}
	return found;
}

int fe_layout_memory(struct ir_module *m, const struct fe_module *wm, uint64_t memory_size,
		     struct diag_sink *d)
{
	const struct fe_memory *mem;
	struct fe_global_values gv;
	uint64_t declared, size, data_end = 0, v;
	uint32_t sp_index = UINT32_MAX;	/* __stack_pointer's Wasm index */
	bool wasm_ld = false;

	if (!wm->nmemories) {
		if (memory_size) {
			diag_report(d, DIAG_ERROR, NULL, "--memory-size: the module has no memory");
			return -EINVAL;
		}
		return 0;
	}
	mem = &wm->memories[0];
	if (mem->imported)
		return 0;	/* instructions that use it are refused */
	fe_eval_globals(wm, m->arena, &gv);
	declared = mem->limits.min * WASM_PAGE;

	m->memory.present = true;
	m->memory.pages = (uint32_t)mem->limits.min;
	m->memory.offset = mem->offset;
	for (uint32_t k = 0; k < wm->ndatas; k++) {
		const struct fe_data *s = &wm->datas[k];
		struct ir_data *id;
		int64_t value;
		uint32_t at;

		if (s->mode != FE_SEG_ACTIVE)
			continue;
		if (!fe_eval_const(wm, &s->mem_offset, &gv, &value)) {
			diag_error_at(d, s->offset, "data segment %u: an offset read from an imported global is not supported (it must be known when compiling)", k);
			return -EINVAL;
		}
		at = (uint32_t)value;
		if ((uint64_t)at + s->size > declared) {
			diag_error_at(d, s->offset, "data segment %u does not fit in the memory (%llu bytes at %u; the memory has %llu): out of bounds memory access",
				      k, (unsigned long long)s->size, at, (unsigned long long)declared);
			return -EINVAL;
		}
		if (!s->size)
			continue;
		m->memory.datas = arena_grow(m->arena, m->memory.datas, m->memory.ndatas,
					     m->memory.ndatas + 1, sizeof(*m->memory.datas));
		id = &m->memory.datas[m->memory.ndatas++];
		id->offset = at;
		id->size = s->size;
		id->bytes = s->bytes;
		if ((uint64_t)id->offset + id->size > data_end)
			data_end = (uint64_t)id->offset + id->size;
	}

	/* wasm-ld's layout: a mutable __stack_pointer that starts at the top
	 * of the stack, with __heap_base / __data_end above everything
	 * static */
	v = 0;
	size = data_end;
	if (named_global_value(wm, m->arena, "__stack_pointer", true, &v, &sp_index)) {
		wasm_ld = true;
		for (uint32_t k = 0; k < m->nglobals; k++)
			if (m->globals[k].mutable_ && m->globals[k].wasm_index == sp_index)
				m->stack_pointer = k;
		/* the stack's top and what lies above it (rustc's data,
		 * with --stack-first): the bytes most accesses reach */
		if (v > 16384 && v <= declared)
			m->memory.hot = (uint32_t)((v - 16384) & ~(uint64_t)7);
		size = v > size ? v : size;
		if (named_global_value(wm, m->arena, "__heap_base", false, &v, NULL) ||
		    named_global_value(wm, m->arena, "__data_end", false, &v, NULL))
			size = v > size ? v : size;
		/* only asked of a module known to be wasm-ld's (its name
		 * section names __stack_pointer): rustc's names no other
		 * global, and exports __heap_base and __data_end */
		uint32_t x;

		if (fe_exported_address(wm, "__heap_base", &x) ||
		    fe_exported_address(wm, "__data_end", &x))
			size = x > size ? x : size;
	}
	if (sdk_heap_base(wm, &v)) {
		const struct fe_global *g0 = wm->nglobals ? &wm->globals[0] : NULL;

		wasm_ld = true;
		size = v > size ? v : size;
		/* a module the SDK's header was in is wasm-ld's, whose first
		 * global is __stack_pointer even when wasm-opt dropped the
		 * name section */
		if (sp_index == UINT32_MAX && g0 && !g0->imported && g0->type.valtype == FE_I32 &&
		    g0->type.mutable_ && g0->init.ninstrs == 1 &&
		    g0->init.instrs[0].op == FE_OP_I32_CONST) {
			sp_index = 0;
			for (uint32_t k = 0; k < m->nglobals; k++)
				if (m->globals[k].mutable_ && m->globals[k].wasm_index == 0)
					m->stack_pointer = k;
		}
	}
	size = (size + 15) & ~(uint64_t)15;
	if (wasm_ld && size < declared)
		m->memory.layout_end = (uint32_t)size;

	size = declared;
	if (memory_size) {
		if (memory_size > declared) {
			diag_report(d, DIAG_ERROR, NULL,
				    "--memory-size %llu is larger than the module's memory (%llu pages, %llu bytes)",
				    (unsigned long long)memory_size, (unsigned long long)mem->limits.min,
				    (unsigned long long)declared);
			return -EINVAL;
		}
		size = memory_size;
	}
	if (size > W2B_MAX_MEMORY_SIZE) {
		diag_error_at(d, mem->offset, "memory of %llu bytes is too large for eBPF map memory (at most %u): use --memory-size",
			      (unsigned long long)size, W2B_MAX_MEMORY_SIZE);
		return -EINVAL;
	}
	if (data_end > size) {
		diag_report(d, DIAG_ERROR, NULL,
			    "the data segments end at %llu, beyond --memory-size %llu",
			    (unsigned long long)data_end, (unsigned long long)size);
		return -EINVAL;
	}
	m->memory.size = (uint32_t)size;
	return 0;
}
