/*
 * sdk_metadata.c — what the SDK's macros record in custom sections.
 *
 * runtime-stubs/include/wasm2bpf_sdk.h writes two custom sections with
 * file-scope assembly (docs/abi.md has the layouts):
 *
 *   "wasm2bpf.maps"     per map: its name (NUL-terminated) and the u32
 *                       Wasm address of its struct w2b_map_def, which
 *                       wasm-ld relocates; the definition itself (six u32:
 *                       type, key size, value size, max entries, map
 *                       flags, pinning) is ordinary data in linear memory.
 *   "wasm2bpf.entries"  per program: export name and libbpf section, both
 *                       NUL-terminated.
 *   "wasm2bpf.config"   per load-time setting (W2B_CONFIG): its name and
 *                       the u32 Wasm address of its `const volatile`
 *                       variable; ir_lower_imports() turns reads of it
 *                       into reads of a .rodata variable of that name.
 *   "wasm2bpf.maps.exported", "wasm2bpf.config.exported"
 *                       the same, a NUL-terminated name alone: the address
 *                       is the value of the module's export of that name
 *                       (an immutable i32 global, as wasm-ld exports a
 *                       data symbol). For languages whose custom sections
 *                       can hold only plain bytes, no relocations: Rust's
 *                       #[link_section] statics (the Rust SDK).
 *
 * And for languages that write no custom sections at all (AssemblyScript),
 * exported constants: an immutable i32 global exported as w2b_map__NAME
 * is map NAME's definition address, w2b_config__NAME a setting's, and
 * w2b_section__FUNC the address of an AssemblyScript static string (its
 * UTF-16 units after its byte length and class id 2) naming the section
 * of program FUNC.
 *
 * The definition is read from the memory's initial contents (the active
 * data segments; bytes no segment covers are zero, as wasm-opt's memory
 * packing leaves trailing zeros out). Its address is the map's handle: the
 * constant the code passes to map helpers (ir/lower_imports.c).
 *
 * Every record is checked as the kernel would check the map, so a bad
 * definition is a located error here instead of a failed load.
 */
#include "frontend/frontend.h"

#include <errno.h>
#include <string.h>

#include "common/arena.h"
#include "common/diag.h"
#include "ir/ir.h"

#define MAP_DEF_SIZE 24u

enum { MT_LPM_TRIE = 11 };
#define F_NO_PREALLOC 1u
#define RINGBUF_PAGE 4096u

struct reader {
	const struct fe_custom *c;
	uint32_t pos;
};

/* The offset in the module of the reader's position. */
static uint32_t at(const struct reader *r)
{
	return r->c->payload_offset + r->pos;
}

static const char *read_str(struct reader *r)
{
	const uint8_t *p = r->c->payload + r->pos;
	const uint8_t *nul = memchr(p, 0, r->c->size - r->pos);

	if (!nul)
		return NULL;
	r->pos += (uint32_t)(nul - p) + 1;
	return (const char *)p;
}

static bool read_u32(struct reader *r, uint32_t *v)
{
	const uint8_t *p = r->c->payload + r->pos;

	if (r->c->size - r->pos < 4)
		return false;
	*v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	r->pos += 4;
	return true;
}

static bool is_identifier(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* The u32 at Wasm address addr of the memory's initial contents. */
static uint32_t initial_u32(const struct ir_memory *mem, uint32_t addr)
{
	return (uint32_t)ir_memory_initial(mem, addr, 4);
}

/* What the kernel would refuse about this definition, or NULL
 * (common/map_types.def's columns). */
static const char *bad_definition(struct arena *a, const struct ir_map *mp)
{
	const struct ir_map_type *t = ir_map_type_of(mp->type);

	if (!t) {
		char *list = arena_printf(a, "%s", "");

		for (uint32_t k = 0; k < ir_nmap_types; k++)
			list = arena_printf(a, "%s%s%s %u", list, k ? ", " : "", ir_map_types[k].name,
					    ir_map_types[k].type);
		return arena_printf(a, "map type %u is not supported (%s)", mp->type, list);
	}
	if (mp->pinning > 1)
		return arena_printf(a, "pinning %u: expected 0 (none) or 1 (by name)", mp->pinning);
	if (t->cls == IR_MAPS_RINGBUF) {
		if (mp->key_size || mp->value_size)
			return "a ring buffer has no key or value (sizes must be 0)";
		if (mp->max_entries < RINGBUF_PAGE || (mp->max_entries & (mp->max_entries - 1)))
			return arena_printf(a, "a ring buffer's size (%u) must be a power of 2 of at least %u bytes",
					    mp->max_entries, RINGBUF_PAGE);
		return NULL;
	}
	if (!mp->key_size || !mp->value_size || (!mp->max_entries && !t->zero_entries_ok))
		return arena_printf(a, "key size %u, value size %u, max entries %u: none may be 0",
				    mp->key_size, mp->value_size, mp->max_entries);
	if (t->key_size && mp->key_size != t->key_size)
		return arena_printf(a, "%s maps have %u-byte keys (key size %u)", t->name,
				    t->key_size, mp->key_size);
	if (mp->value_size < t->value_min || mp->value_size > t->value_max ||
	    (mp->value_size - t->value_min) % t->value_step)
		return t->value_min == t->value_max ?
			arena_printf(a, "%s maps have %u-byte values (value size %u)", t->name,
				     t->value_min, mp->value_size) :
		       t->value_step > 1 ?
			arena_printf(a, "%s maps have values of %u to %u bytes in steps of %u (value size %u)",
				     t->name, t->value_min, t->value_max, t->value_step, mp->value_size) :
			arena_printf(a, "value size %u is larger than %u bytes", mp->value_size,
				     t->value_max);
	if (mp->type == MT_LPM_TRIE) {
		if (mp->key_size < 5 || mp->key_size > 4 + 256)
			return arena_printf(a, "an LPM trie's key is a u32 prefix length and 1 to 256 bytes of data (key size %u)",
					    mp->key_size);
		if (!(mp->map_flags & F_NO_PREALLOC))
			return "an LPM trie needs BPF_F_NO_PREALLOC in its map flags";
	}
	return NULL;
}

static const struct fe_custom *find_custom(const struct fe_module *wm, const char *name,
					   const struct fe_custom *after)
{
	for (uint32_t k = after ? (uint32_t)(after - wm->customs) + 1 : 0; k < wm->ncustoms; k++)
		if (!strcmp(wm->customs[k].name, name))
			return &wm->customs[k];
	return NULL;
}

/* A map's name is its ELF symbol, exactly. An exported global of that
 * name (the definition's address, when the module exports the data
 * symbol: wasm-ld's --export=NAME, a Rust #[no_mangle] static) takes
 * another: NAME_2, NAME_3, ... (the two were "defined twice", an
 * internal error). */
static void yield_symbol(struct ir_module *m, const char *name)
{
	for (uint32_t k = 0; k < m->nglobals; k++) {
		struct ir_global *g = &m->globals[k];
		const char *sym;

		if (!g->symbol || strcmp(g->symbol, name))
			continue;
		sym = arena_printf(m->arena, "%s_2", name);
		for (uint32_t n = 3; ir_symbol_taken(m, sym); n++)
			sym = arena_printf(m->arena, "%s_%u", name, n);
		g->symbol = sym;
	}
}

/* One load-time setting: its variable at addr. */
static int add_config(struct ir_module *m, const char *name, uint32_t addr, uint32_t rec,
		      struct diag_sink *d)
{
	if (!is_identifier(name) || !strncmp(name, "w2b_", 4)) {
		diag_error_at(d, rec, "config '%s': the name must be a C identifier not starting with w2b_",
			      name);
		return -EINVAL;
	}
	for (uint32_t k = 0; k < m->nconfigs; k++)
		if (!strcmp(m->configs[k].name, name) || m->configs[k].addr == addr) {
			diag_error_at(d, rec, "config '%s' is declared twice", name);
			return -EINVAL;
		}
	for (uint32_t k = 0; k < m->nmaps; k++)
		if (!strcmp(m->maps[k].name, name)) {
			diag_error_at(d, rec, "config '%s' has the name of a map", name);
			return -EINVAL;
		}
	if (!m->memory.present || addr >= m->memory.size) {
		diag_error_at(d, rec, "config '%s': its variable at %u is outside the memory", name, addr);
		return -EINVAL;
	}
	m->configs = arena_grow(m->arena, m->configs, m->nconfigs, m->nconfigs + 1, sizeof(*m->configs));
	m->configs[m->nconfigs++] = (struct ir_config){ name, addr, rec, IR_NOVAL };
	return 0;
}

bool fe_exported_address(const struct fe_module *wm, const char *name, uint32_t *addr)
{
	for (uint32_t k = 0; k < wm->nexports; k++) {
		const struct fe_export *ex = &wm->exports[k];
		const struct fe_global *g;

		if (ex->kind != FE_EXT_GLOBAL || strcmp(ex->name, name) || ex->index >= wm->nglobals)
			continue;
		g = &wm->globals[ex->index];
		if (g->imported || g->type.valtype != FE_I32 || g->type.mutable_ ||
		    g->init.ninstrs != 1 || g->init.instrs[0].op != FE_OP_I32_CONST)
			return false;
		*addr = (uint32_t)g->init.instrs[0].u.i64;
		return true;
	}
	return false;
}

/* One map record: its definition at addr, checked as the kernel would. */
static int add_map(struct ir_module *m, const char *name, uint32_t addr, uint32_t rec,
		   struct diag_sink *d)
{
	struct ir_map mp = { 0 };
	const char *why;

	if (!is_identifier(name) || !strncmp(name, "w2b_", 4)) {
		diag_error_at(d, rec, "map '%s': the name must be a C identifier not starting with w2b_",
			      name);
		return -EINVAL;
	}
	for (uint32_t k = 0; k < m->nmaps; k++)
		if (!strcmp(m->maps[k].name, name) || m->maps[k].addr == addr) {
			diag_error_at(d, rec, "map '%s' is declared twice", name);
			return -EINVAL;
		}
	if (!m->memory.present || addr > m->memory.size || m->memory.size - addr < MAP_DEF_SIZE) {
		diag_error_at(d, rec, "map '%s': its definition at %u is outside the memory", name, addr);
		return -EINVAL;
	}
	mp.name = name;
	mp.addr = addr;
	mp.offset = rec;
	mp.type = initial_u32(&m->memory, addr);
	mp.key_size = initial_u32(&m->memory, addr + 4);
	mp.value_size = initial_u32(&m->memory, addr + 8);
	mp.max_entries = initial_u32(&m->memory, addr + 12);
	mp.map_flags = initial_u32(&m->memory, addr + 16);
	mp.pinning = initial_u32(&m->memory, addr + 20);
	if ((why = bad_definition(m->arena, &mp))) {
		diag_error_at(d, rec, "map '%s': %s", name, why);
		return -EINVAL;
	}
	m->maps = arena_grow(m->arena, m->maps, m->nmaps, m->nmaps + 1, sizeof(*m->maps));
	m->maps[m->nmaps++] = mp;
	yield_symbol(m, name);
	return 0;
}

/* The records of custom section `section` ("NAME\0" u32 address, or with
 * `exported` "NAME\0" alone, the address the module's export NAME holds),
 * each given to add. */
static int read_records(struct ir_module *m, const struct fe_module *wm, const char *section,
			bool exported, int (*add)(struct ir_module *, const char *, uint32_t,
						  uint32_t, struct diag_sink *),
			struct diag_sink *d)
{
	const struct fe_custom *c = NULL;
	int err;

	while ((c = find_custom(wm, section, c))) {
		struct reader r = { c, 0 };

		while (r.pos < c->size) {
			uint32_t rec = at(&r), addr;
			const char *name = read_str(&r);

			if (!name || (!exported && !read_u32(&r, &addr))) {
				diag_error_at(d, rec, exported ? "%s: truncated record (a NUL-terminated name)" :
					      "%s: truncated record (a name and a u32 address)", section);
				return -EINVAL;
			}
			if (exported && !fe_exported_address(wm, name, &addr)) {
				diag_error_at(d, rec, "%s: '%s' is not an exported immutable i32 global (the address of the definition: a #[no_mangle] static)",
					      section, name);
				return -EINVAL;
			}
			if ((err = add(m, name, addr, rec, d)))
				return err;
		}
	}
	return 0;
}

/* The exports named PREFIX + NAME (immutable i32 globals): each gives
 * add NAME and the global's value, located at the export. For languages
 * that can export constants but write no custom sections at all:
 * AssemblyScript (`export const w2b_map__counts = memory.data<u32>([...])`). */
static int read_exported(struct ir_module *m, const struct fe_module *wm, const char *prefix,
			 int (*add)(struct ir_module *, const char *, uint32_t, uint32_t,
				    struct diag_sink *),
			 struct diag_sink *d)
{
	size_t pl = strlen(prefix);
	int err;

	for (uint32_t k = 0; k < wm->nexports; k++) {
		const struct fe_export *ex = &wm->exports[k];
		uint32_t addr;

		if (strncmp(ex->name, prefix, pl))
			continue;
		if (ex->kind != FE_EXT_GLOBAL || !fe_exported_address(wm, ex->name, &addr)) {
			diag_error_at(d, ex->offset, "export '%s': a %s export must be an immutable i32 global holding an address (AssemblyScript: export const %s = memory.data<u32>([...]))",
				      ex->name, prefix, ex->name);
			return -EINVAL;
		}
		if ((err = add(m, ex->name + pl, addr, ex->offset, d)))
			return err;
	}
	return 0;
}

int fe_read_maps(struct ir_module *m, const struct fe_module *wm, struct diag_sink *d)
{
	int err;

	if ((err = read_records(m, wm, "wasm2bpf.maps", false, add_map, d)) ||
	    (err = read_records(m, wm, "wasm2bpf.maps.exported", true, add_map, d)) ||
	    (err = read_exported(m, wm, "w2b_map__", add_map, d)) ||
	    (err = read_records(m, wm, "wasm2bpf.config", false, add_config, d)) ||
	    (err = read_records(m, wm, "wasm2bpf.config.exported", true, add_config, d)) ||
	    (err = read_exported(m, wm, "w2b_config__", add_config, d)))
		return err;
	return 0;
}

/* The string at Wasm address addr of the memory's initial contents, as
 * AssemblyScript lays out a static string: UTF-16LE code units, its byte
 * length in the u32 before it and its class id 2 (String) before that;
 * NULL unless it is one of printable ASCII. */
static const char *as_string(struct ir_module *m, uint32_t addr)
{
	uint32_t bytes, n;
	char *s;

	if (addr < 8 || !m->memory.present || addr > m->memory.size ||
	    initial_u32(&m->memory, addr - 8) != 2)
		return NULL;
	bytes = initial_u32(&m->memory, addr - 4);
	if (!bytes || bytes % 2 || bytes > 512 || bytes > m->memory.size - addr)
		return NULL;
	n = bytes / 2;
	s = arena_alloc(m->arena, n + 1);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t c = (uint32_t)ir_memory_initial(&m->memory, addr + 2 * k, 2);

		if (c < 0x20 || c > 0x7e)
			return NULL;
		s[k] = (char)c;
	}
	s[n] = '\0';
	return s;
}

int fe_add_recorded_entries(struct ir_module *m, const struct fe_module *wm,
			    struct diag_sink *d)
{
	static const char prefix[] = "w2b_section__";
	const struct fe_custom *c = NULL;
	int err;

	/* AssemblyScript: export const w2b_section__FUNC = "xdp" */
	for (uint32_t k = 0; k < wm->nexports; k++) {
		const struct fe_export *ex = &wm->exports[k];
		const char *section;
		uint32_t addr;

		if (strncmp(ex->name, prefix, sizeof(prefix) - 1))
			continue;
		if (ex->kind != FE_EXT_GLOBAL || !fe_exported_address(wm, ex->name, &addr) ||
		    !(section = as_string(m, addr))) {
			diag_error_at(d, ex->offset, "export '%s': expected a constant string, the section of program '%s' (AssemblyScript: export const %s = \"xdp\")",
				      ex->name, ex->name + sizeof(prefix) - 1, ex->name);
			return -EINVAL;
		}
		if ((err = fe_add_recorded_entry(m, wm, ex->name + sizeof(prefix) - 1, section,
						 ex->offset, d)))
			return err;
	}

	while ((c = find_custom(wm, "wasm2bpf.entries", c))) {
		struct reader r = { c, 0 };

		while (r.pos < c->size) {
			uint32_t rec = at(&r);
			const char *name = read_str(&r), *section = name ? read_str(&r) : NULL;

			if (!section) {
				diag_error_at(d, rec, "wasm2bpf.entries: truncated record (an export name and a section)");
				return -EINVAL;
			}
			if ((err = fe_add_recorded_entry(m, wm, name, section, rec, d)))
				return err;
		}
	}
	return 0;
}
