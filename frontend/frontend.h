/*
 * frontend.h — bytes in, checked module out, then IR.
 *
 * The stages, in the order the driver calls them:
 *   fe_read_input()        the file's bytes; a text module is first turned
 *                          into a binary by wabt's wat2wasm (a child process)
 *   fe_decode()            our own strict binary reader (wasm_module.h):
 *                          nothing malformed gets past it
 *   fe_binaryen_validate() binaryen validates the whole module (again in a
 *                          child process, so no input can take us down)
 *   fe_build_ir()          validates each function's types while turning
 *                          its stack code into IR; records per function why
 *                          it is outside the subset, if it is
 *   fe_read_source_lines() the DWARF line table of a module built with -g:
 *                          the source file, line and column of each offset
 *   fe_layout_memory()     how big the instance memory is, what it starts with
 *   fe_read_maps()         the maps the SDKs declared
 *   fe_read_map_types()    their keys' and values' C types, from DWARF
 *   fe_add_entry() ...     choose which exports become programs (or
 *                          fe_add_recorded_entries(): the SDK's records)
 */
#ifndef W2B_FRONTEND_FRONTEND_H
#define W2B_FRONTEND_FRONTEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend/wasm_module.h"

struct arena;
struct diag_sink;
struct ir_module;
struct source_map;

/* Reads path into memory (arena-owned). A file that does not start with the
 * Wasm magic is taken as text format and converted. Returns 0 or -errno
 * (-EINVAL: refused input, reported). */
int fe_read_input(const char *path, struct arena *a, struct diag_sink *d,
		  const uint8_t **bytes, size_t *size);

/* The module's source lines from its DWARF (dwarf_lines.c), malloc'd
 * (source_map_free()), or NULL: no DWARF line table, or one this reader
 * cannot follow (a warning; never an error). */
struct source_map *fe_read_source_lines(const struct fe_module *wm, struct diag_sink *d);

/* Validates the module with binaryen. 0 if valid, -EINVAL if not (reported),
 * other -errno if binaryen could not be run. */
int fe_binaryen_validate(const uint8_t *bytes, size_t size, struct diag_sink *d);

/* Builds the IR of every defined function. Functions outside the subset
 * get ir_func.refusal instead of a body; type errors are reported and make
 * it return NULL. btf_path: the kernel BTF "core" imports are resolved
 * against (NULL: /sys/kernel/btf/vmlinux), read only if the module has
 * some. */
struct ir_module *fe_build_ir(const struct fe_module *wm, const char *file, const char *btf_path,
			      struct arena *a, struct diag_sink *d);

/* `wasm2bpf check`: the module's validation, as fe_build_ir() does it,
 * but what makes instantiation fail (an element segment past its table's
 * end) is a warning, and a function the reader did not decode to the end
 * (SIMD, see wasm_decode.c) was not validated, so the module cannot be
 * called valid: each is reported as outside the subset. 0, or -EINVAL
 * (reported). */
int fe_validate(const struct fe_module *wm, const char *file, const char *btf_path,
		struct arena *a, struct diag_sink *d);

/* Kernel fields by name (core_access.c): a kernel's BTF, opened once per
 * module, and an import from module "core" resolved against it (NULL and
 * the reason in err when it names what the BTF does not have). */
struct fe_core;
struct fe_core *fe_core_open(const char *btf_path, char *err, size_t errsz);
void fe_core_close(struct fe_core *c);
struct ir_core_access;
const struct ir_core_access *fe_core_resolve(struct fe_core *c, struct arena *a, const char *spec,
					     bool result_i64, uint32_t nparams, char *err,
					     size_t errsz);

/* The compile-time values of the module's integer globals (const_eval.c). */
struct fe_global_values {
	int64_t *values;	/* i32 values sign-extended, as i32.const holds them */
	bool *known;		/* false: imported, not an integer, or reads an import */
};
void fe_eval_globals(const struct fe_module *wm, struct arena *a, struct fe_global_values *gv);
/* The value of an integer constant expression; false if it is not known
 * when compiling. gv may be NULL (then global.get is unknown). */
bool fe_eval_const(const struct fe_module *wm, const struct fe_constexpr *e,
		   const struct fe_global_values *gv, int64_t *out);

/* What a table holds once the module is instantiated (static_tables.c):
 * the contents call_indirect dispatches over. */
#define FE_TABLE_NULL UINT32_MAX		/* ref.null */
#define FE_TABLE_UNKNOWN (UINT32_MAX - 1)	/* not known when compiling */
struct fe_static_table {
	bool imported;		/* its contents are not the module's to know */
	bool unknown;		/* a segment's offset or element is not known */
	uint32_t size;		/* elements: its declared minimum */
	uint32_t used;		/* [0, used) may hold functions; the rest is null */
	uint32_t *funcs;	/* per element below used: a Wasm function index,
				 * FE_TABLE_NULL or FE_TABLE_UNKNOWN */
};
/* Every table's contents after instantiation (*out: wm->ntables of them).
 * 0, or -EINVAL if a segment does not fit its table (reported: the module
 * cannot be instantiated); `validating`: that is a warning and 0, and the
 * tables hold nulls. */
int fe_static_tables(const struct fe_module *wm, const struct fe_global_values *gv,
		     bool validating, struct arena *a, struct diag_sink *d,
		     struct fe_static_table **out);

/* Largest instance memory wasm2bpf lays out: it is map memory, per CPU. */
#define W2B_MAX_MEMORY_SIZE (64u << 20)

/* Sizes the instance memory (memory_layout.c says how; memory_size 0 =
 * the declared size) and collects the active data segments into m->memory.
 * 0 or -EINVAL (reported). */
int fe_layout_memory(struct ir_module *m, const struct fe_module *wm, uint64_t memory_size,
		     struct diag_sink *d);

/* Makes the exported function `export_name` a program in `section`.
 * Returns 0, or -ENOENT / -EINVAL (reported: unknown export, not a function,
 * imported function, unknown section). */
int fe_add_entry(struct ir_module *m, const struct fe_module *wm,
		 const char *export_name, const char *section, struct diag_sink *d);


/* The maps the module declares (sdk_metadata.c: the "wasm2bpf.maps" and
 * "wasm2bpf.maps.exported" custom sections, w2b_map__NAME exports, and the
 * definitions in memory), into m->maps, and its load-time settings (the
 * same for "config") into m->configs. Needs the memory laid out. 0 or
 * -EINVAL (reported). */
int fe_read_maps(struct ir_module *m, const struct fe_module *wm, struct diag_sink *d);
/* The value of the immutable i32 global the module exports as `name`
 * (wasm-ld exports a data symbol's address so: a Rust #[no_mangle]
 * static, C's --export=NAME, AssemblyScript's export const), into *addr;
 * false if there is no such export (sdk_metadata.c). */
bool fe_exported_address(const struct fe_module *wm, const char *name, uint32_t *addr);
/* The C types of the maps' keys and values (and ring buffers' events),
 * from the module's DWARF when it was built with -g: the SDK's W2B_MAP
 * declares NAME__w2b_key and NAME__w2b_value, pointers to them
 * (dwarf_types.c). A type DWARF cannot give, or whose size differs from
 * the map's, leaves the map described by sizes. Never fails. */
void fe_read_map_types(struct ir_module *m, const struct fe_module *wm, struct diag_sink *d);
/* The same for an entry the module records at byte offset `record`
 * (messages say so, located). */
int fe_add_recorded_entry(struct ir_module *m, const struct fe_module *wm,
			  const char *export_name, const char *section, uint32_t record,
			  struct diag_sink *d);
/* Adds the entries the module records: w2b_section__FUNC exports
 * (AssemblyScript) and the "wasm2bpf.entries" custom section (the C SDK's
 * W2B_SECTION / W2B_PROGRAM, the Rust SDK's program!). 0 or an
 * fe_add_entry() error. */
int fe_add_recorded_entries(struct ir_module *m, const struct fe_module *wm,
			    struct diag_sink *d);
#endif
