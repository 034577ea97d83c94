/*
 * pipeline.c — the compiler, stage by stage.
 *
 * compile_module() is the architecture in one function: each stage and
 * pass is one line, in order. Everything else here is plumbing: options,
 * the choice of entries, and handing results to the caller.
 */
#include "wasm2bpf.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend-bpf/backend.h"
#include "common/abi.h"
#include "common/arena.h"
#include "common/diag.h"
#include "common/grouped.h"
#include "common/kernel.h"
#include "common/license.h"
#include "common/source_map.h"
#include "frontend/frontend.h"
#include "frontend/isolate.h"
#include "ir/ir.h"
#include "verifier-check/vcheck.h"

#include <bpf/libbpf.h>


struct compile {
	const char *path;
	struct w2b_compile_opts o;	/* a full copy, defaults filled in */
	struct arena arena;
	struct diag_sink diag;
	const uint8_t *bytes;
	size_t size;
	struct fe_module *wasm;
	struct ir_module *ir;
	struct w2b_output *out;
	/* ir_bound_recursion(): the deepest cycle's depth (0: no cycle), and
	 * whether this is a retry with fewer levels (w2b_compile()) */
	uint32_t rec_depth;
	bool rec_reduced;
	/* the module's memory in blocks made a chain of calls too deep for
	 * the kernel's stack, or a function too long for BPF's jumps: the
	 * end of its static layout, to retry with (w2b_compile()), why, and
	 * whether this is that retry */
	uint32_t shrink_to;
	const char *shrink_why;
	bool shrunk;
	/* frames ir_promote_frames() moved to the BPF stack, and whether this
	 * is the retry without: promoted frames made the stack too deep
	 * (w2b_compile()) */
	uint32_t promoted;
	bool no_promotion;
	/* --skip-unsupported: the located refusals of the passes after the
	 * entries are chosen (memory, imports, loops, code generation, the
	 * precheck), by Wasm function, over all attempts; `nlate_before` is
	 * how many the attempt began with. Each attempt marks those functions
	 * outside the subset, so the entries that reach them are skipped with
	 * the refusal as their reason (w2b_compile()). */
	struct late_refusal {
		uint32_t func, offset;
		char *msg;
	} *late;
	size_t nlate, nlate_before;
	/* diagnostics held back while a retry may still come (w2b_compile()) */
	struct held *held;
	/* the module's source lines (DWARF), or NULL; the output takes them */
	struct source_map *source;
	/* the object's own maps' prefix and names (common/abi.h) */
	char map_prefix[16];
	struct w2b_map_names maps;
};

struct held {
	struct held_line {
		enum diag_level level;
		char *line;
	} *v;
	size_t n;
};

static void hold_diag(struct compile *c, enum diag_level level, const char *line)
{
	struct held *h = c->held;

	h->v = realloc(h->v, (h->n + 1) * sizeof(*h->v));
	if (!h->v)
		abort();
	h->v[h->n].level = level;
	h->v[h->n++].line = strdup(line);
}

static void forward_diag(void *user, enum diag_level level, const char *line)
{
	struct compile *c = user;

	if (c->held) {
		hold_diag(c, level, line);
		return;
	}
	if (c->o.diag)
		c->o.diag(c->o.diag_user, (enum w2b_diag_level)level, line);
	else
		fprintf(stderr, "%s\n", line);
}

/* --- entries ------------------------------------------------------------ */

struct capture {
	char **lines;
	size_t n;
};

static void capture_diag(void *user, enum diag_level level, const char *line)
{
	struct capture *cap = user;

	if (level < DIAG_ERROR)
		return;
	cap->lines = realloc(cap->lines, (cap->n + 1) * sizeof(*cap->lines));
	if (!cap->lines)
		abort();
	cap->lines[cap->n++] = strdup(line);
}

static void add_skipped(struct compile *c, const char *export_name, const char *reason)
{
	struct w2b_output *o = c->out;

	o->skipped = realloc(o->skipped, (o->nskipped + 1) * sizeof(*o->skipped));
	if (!o->skipped)
		abort();
	o->skipped[o->nskipped].export_name = strdup(export_name);
	o->skipped[o->nskipped].reason = strdup(reason);
	o->nskipped++;
}

/* With --all-exports and --skip-unsupported, entries that reach something
 * outside the subset are dropped and listed instead of failing the module:
 * the call graph is analysed once with the diagnostics captured, and each
 * failing entry reported exactly one of them. */
static void drop_unsupported_entries(struct compile *c)
{
	struct ir_module *m = c->ir;
	struct diag_sink quiet;
	struct capture cap = { NULL, 0 };
	bool *ok = calloc(m->nentries ? m->nentries : 1, sizeof(*ok));
	uint32_t kept = 0;
	size_t line = 0;

	if (!ok)
		abort();
	diag_init(&quiet, c->path);
	quiet.cb = capture_diag;
	quiet.user = &cap;
	ir_analyze_calls(m, &quiet, ok);
	for (uint32_t k = 0; k < m->nentries; k++) {
		if (ok[k]) {
			m->entries[kept++] = m->entries[k];
			continue;
		}
		add_skipped(c, m->entries[k].export_name,
			    line < cap.n ? cap.lines[line] : "outside the supported subset");
		line++;
	}
	m->nentries = kept;
	for (size_t k = 0; k < cap.n; k++)
		free(cap.lines[k]);
	free(cap.lines);
	free(ok);
}

/* diag_sink.take with --skip-unsupported, once the entries are chosen: an
 * error located in a function not refused before is recorded instead of
 * reported. */
static bool take_late_refusal(void *user, enum diag_level level, const struct diag_loc *loc,
			      const char *msg)
{
	struct compile *c = user;

	if (level != DIAG_ERROR || !loc || loc->func == DIAG_NO_FUNC)
		return false;
	for (size_t k = 0; k < c->nlate; k++)
		if (c->late[k].func == loc->func)
			return false;	/* refused already, and still: report it */
	c->late = realloc(c->late, (c->nlate + 1) * sizeof(*c->late));
	if (!c->late)
		abort();
	c->late[c->nlate].func = loc->func;
	c->late[c->nlate].offset = loc->offset == DIAG_NO_OFFSET ? 0 : loc->offset;
	c->late[c->nlate++].msg = strdup(msg);
	return true;
}

/* The functions earlier attempts' passes refused, outside the subset
 * now, like a function over a budget (ir_analyze_calls() reports them
 * where an entry reaches them). */
static void mark_late_refusals(struct compile *c)
{
	for (uint32_t k = 0; k < c->ir->nfuncs; k++) {
		struct ir_func *f = &c->ir->funcs[k];

		for (size_t r = 0; r < c->nlate && !f->refusal; r++) {
			if (c->late[r].func != f->wasm_index)
				continue;
			f->refusal = arena_printf(&c->arena, "%s", c->late[r].msg);
			f->refusal_offset = c->late[r].offset;
		}
	}
}

static int select_entries(struct compile *c)
{
	const struct fe_module *wm = c->wasm;
	int err;

	for (size_t k = 0; k < c->o.nentries; k++) {
		err = fe_add_entry(c->ir, wm, c->o.entries[k].export_name, c->o.entries[k].section,
				   &c->diag);
		if (err)
			return err;
	}
	if (c->o.all_exports_section) {
		for (uint32_t k = 0; k < wm->nexports; k++) {
			const struct fe_export *ex = &wm->exports[k];

			if (ex->kind != FE_EXT_FUNC)
				continue;
			if (wm->funcs[ex->index].imported) {
				if (c->o.skip_unsupported) {
					add_skipped(c, ex->name, "an imported function cannot be an entry");
					continue;
				}
			}
			err = fe_add_entry(c->ir, wm, ex->name, c->o.all_exports_section, &c->diag);
			if (err)
				return err;
		}
	}
	/* without --entry, the SDK's records say which exports are programs */
	if (!c->o.nentries && !c->o.all_exports_section) {
		bool found = false;

		if ((err = fe_add_recorded_entries(c->ir, wm, &c->diag)))
			return err;
		for (uint32_t k = 0; c->o.fallback_entry && k < c->ir->nentries; k++)
			found |= !strcmp(c->ir->entries[k].export_name, c->o.fallback_entry);
		if (c->o.fallback_entry && !found &&
		    (err = fe_add_entry(c->ir, wm, c->o.fallback_entry, "syscall", &c->diag)))
			return err;
	}
	ir_refuse_over_budget(c->ir);
	mark_late_refusals(c);
	c->rec_depth = ir_bound_recursion(c->ir, c->o.max_recursion_depth, c->rec_reduced, &c->diag);
	if (c->o.skip_unsupported) {
		drop_unsupported_entries(c);
		c->diag.take = take_late_refusal;
		c->diag.take_user = c;
	}
	if (c->ir->nentries == 0 && !c->o.skip_unsupported) {
		diag_report(&c->diag, DIAG_ERROR, NULL,
			    "no entries: name the exported functions that become programs with "
			    "--entry FUNC=SECTION (or --all-exports), or declare them with the SDK's "
			    "W2B_PROGRAM / W2B_SECTION");
		return -EINVAL;
	}
	return 0;
}

/* --- the pipeline --------------------------------------------------------- */

static int emit_ir_text(struct compile *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -errno;
	ir_print_module(f, c->ir);
	fclose(f);
	c->out->data = buf;
	c->out->size = len;
	return 0;
}

/* --- the stack of a chain of calls ---------------------------------------- */

/* The function a loop body's symbol (NAME__loop_HEX, emit_loops.c) came
 * from: the one whose body holds that offset. */
static const struct ir_func *func_at(const struct ir_module *m, uint32_t off)
{
	const struct ir_func *best = NULL;

	for (uint32_t k = 0; k < m->nfuncs; k++)
		if (m->funcs[k].reachable && m->funcs[k].offset <= off &&
		    (!best || m->funcs[k].offset > best->offset))
			best = &m->funcs[k];
	return best;
}

static const char *func_label(const struct ir_func *f, const char *fallback)
{
	return !f ? fallback : f->name ? f->name : f->symbol ? f->symbol : fallback;
}

/* One frame in the module's terms, appended to buf; *loc (if not NULL)
 * where it is in the module. */
static void describe_frame(const struct ir_module *m, const char *sym, uint32_t bytes,
			   char *buf, size_t size, struct diag_loc *loc)
{
	const char *loop = strstr(sym, BE_LOOP_BODY_INFIX);
	const struct ir_func *f = ir_func_by_symbol(m, sym, strlen(sym));
	size_t n = strlen(buf);
	uint32_t off = 0;

	if (!f && loop) {
		off = (uint32_t)strtoul(loop + strlen(BE_LOOP_BODY_INFIX), NULL, 16);
		f = func_at(m, off);
		if (n < size)
			snprintf(buf + n, size - n, "%sthe body of the loop at 0x%x in '%s' %u",
				 n ? ", " : "", off, func_label(f, "?"), bytes);
	} else if (n < size) {
		snprintf(buf + n, size - n, "%s'%s' %u", n ? ", " : "", func_label(f, sym), bytes);
	}
	if (loc && f)
		*loc = (struct diag_loc){ off ? off : f->offset, f->wasm_index, f->name, NULL };
}

struct deep_stack {
	struct compile *c;
	bool report;
	int err;
};

/* A program whose deepest chain of calls needs more stack than the
 * kernel allows: refused here, located at its entry, instead of at load
 * ("combined stack size of N calls is X. Too large"). */
static void on_deep_stack(const struct vc_stack_chain *ch, void *user)
{
	struct deep_stack *ds = user;
	const struct ir_module *m = ds->c->ir;
	struct diag_loc loc = { DIAG_NO_OFFSET, DIAG_NO_FUNC, NULL, NULL };
	char frames[512] = "", root[160] = "";

	bool warn = ds->report && ds->c->o.no_precheck;

	ds->err = warn ? 0 : -E2BIG;
	if (!ds->report)
		return;
	for (unsigned k = 0; k < ch->n; k++)
		describe_frame(m, ch->fn[k], ch->depth[k], frames, sizeof(frames), NULL);
	describe_frame(m, ch->prog, 0, root, sizeof(root), &loc);
	diag_report(&ds->c->diag, warn ? DIAG_WARNING : DIAG_ERROR, &loc,
		    "%s needs %u bytes of stack in one chain of calls, and the kernel allows "
		    "%u for all the frames of a chain together, each rounded up to 32 bytes (bytes "
		    "per frame: %s); each loop whose body is a function (a bpf_loop callback; before "
		    "5.17 a global function) is a frame: keep fewer values live across nested loops "
		    "and calls, or --target-kernel 6.4 or later (loops as iterators, no frames)",
		    "the program",
		    ch->total, VC_MAX_STACK, frames);
}

/* The object's call chains against the kernel's combined stack limit:
 * -E2BIG if over it (reported with `report`; with --no-precheck, a
 * warning and 0). */
static int check_stack(struct compile *c, bool report)
{
	struct deep_stack ds = { c, report, 0 };
	int err = vc_check_stack(c->out->data, c->out->size, on_deep_stack, &ds);

	if (err) {
		diag_ice(&c->diag, "cannot read the object just written (%s)", strerror(-err));
		return err;
	}
	return ds.err;
}

/* --- the precheck ---------------------------------------------------------- */

/* Where a finding's instruction is in the module: the function of its
 * symbol (a loop body's: the function holding the loop), and the offset
 * its BTF line info gives, which is the Wasm offset itself (the object's
 * file is the module) or a source line found again in the module's
 * source map. */
static struct diag_loc finding_loc(const struct compile *c, const struct vc_finding *v)
{
	const struct ir_module *m = c->ir;
	const char *loop = strstr(v->fn, BE_LOOP_BODY_INFIX);
	const struct ir_func *f = ir_func_by_symbol(m, v->fn, strlen(v->fn));
	const char *base = strrchr(c->path, '/'), *vbase;
	uint32_t off;

	if (!f && loop)
		f = func_at(m, (uint32_t)strtoul(loop + strlen(BE_LOOP_BODY_INFIX), NULL, 16));
	if (!f)
		return (struct diag_loc){ DIAG_NO_OFFSET, DIAG_NO_FUNC, NULL, NULL };
	off = f->offset;
	base = base ? base + 1 : c->path;
	vbase = v->file ? strrchr(v->file, '/') : NULL;
	vbase = vbase ? vbase + 1 : v->file;
	if (v->line && vbase && !strcmp(vbase, base)) {
		off = v->line;
	} else if (v->line && c->source) {
		for (uint32_t k = 0; k < c->source->nlines; k++) {
			const struct source_line *l = &c->source->lines[k];

			if (l->line == v->line && (!v->column || l->column == v->column)) {
				off = l->offset;
				break;
			}
		}
	}
	if (off != f->offset && func_at(m, off))
		f = func_at(m, off);
	return (struct diag_loc){ off, f->wasm_index, f->name, NULL };
}

struct precheck_report {
	struct compile *c;
	unsigned errors;
};

static void on_finding(const struct vc_finding *v, void *user)
{
	struct precheck_report *r = user;
	struct compile *c = r->c;
	struct diag_loc loc = finding_loc(c, v);
	bool error = v->error && !c->o.no_precheck;

	r->errors += error;
	diag_report(&c->diag, error ? DIAG_ERROR : DIAG_WARNING, &loc,
		    "%sthe kernel's verifier %s refuse program '%s' (%s): %s",
		    v->error ? "" : "possibly: ", v->error ? "will" : "may", v->prog,
		    vc_class_name[v->cls], v->msg);
}

/* The verifier's rules on the object just written (verifier-check's
 * precheck): an error refuses the module before any output. */
static int precheck(struct compile *c)
{
	struct precheck_report r = { c, 0 };
	struct vc_precheck_opts o = { sizeof(o), c->o.target_kernel, on_finding, NULL, &r };
	int err = vc_precheck(c->out->data, c->out->size, &o);

	if (err) {
		diag_ice(&c->diag, "cannot read the object just written (%s)", strerror(-err));
		return err;
	}
	return r.errors ? -EINVAL : 0;
}

/* Instance state per CPU past which the compiler warns (docs/cli.md):
 * 64 CPUs of it are 64 MiB of kernel memory. */
#define FOOTPRINT_WARN (1ull << 20)

/* The instance state's cost, in a note, and a warning with the ways to
 * shrink it when it is large (verifier-check/footprint.c). Its maps are
 * per-CPU: the kernel allocates them for each possible CPU of the machine
 * that loads the object, this one's count is an example. */
static void report_footprint(struct compile *c)
{
	struct vc_footprint fp;
	uint64_t per_cpu;
	int ncpus = libbpf_num_possible_cpus();
	char a[W2B_GROUPED_SIZE], b[W2B_GROUPED_SIZE], e[W2B_GROUPED_SIZE], m[W2B_GROUPED_SIZE];
	char layout[128] = "";

	if (vc_footprint(c->out->data, c->out->size, c->map_prefix, &fp))
		return;
	per_cpu = (uint64_t)fp.env_value + (uint64_t)fp.memory_value * fp.memory_entries;
	if (ncpus < 1)
		ncpus = 1;
	diag_report(&c->diag, DIAG_NOTE, NULL,
		    "instance state: %s bytes per possible CPU (%s in %s, %s in %s), %s for this "
		    "machine's %d", w2b_grouped(per_cpu, a), w2b_grouped(fp.env_value, e), c->maps.env,
		    w2b_grouped((uint64_t)fp.memory_value * fp.memory_entries, m), c->maps.memory,
		    w2b_grouped(per_cpu * (uint64_t)ncpus, b), ncpus);
	if (per_cpu <= FOOTPRINT_WARN)
		return;
	/* a wasm-ld module: the size that keeps what its linker placed */
	if (c->ir && c->ir->memory.layout_end)
		snprintf(layout, sizeof(layout), " (its static layout ends at %u: --memory-size=%u "
			 "if it uses nothing above that)", c->ir->memory.layout_end,
			 c->ir->memory.layout_end);
	diag_report(&c->diag, DIAG_WARNING, NULL,
		    "instance state of %s bytes per possible CPU, more than %llu MiB: most of it is "
		    "the module's linear memory as its linker declared it (stack and initial "
		    "memory); link with a small stack and initial memory (C: -Wl,-z,stack-size=8192 "
		    "-Wl,--initial-memory=65536; Rust: -C link-arg=-zstack-size=8192 -C "
		    "link-arg=--initial-memory=65536; AssemblyScript: --initialMemory 1), or shrink "
		    "it with --memory-size%s", w2b_grouped(per_cpu, a), FOOTPRINT_WARN >> 20, layout);
}

/* FNV-1a over n bytes, continuing from h. */
static uint32_t fnv1a(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t k = 0; k < n; k++)
		h = (h ^ b[k]) * 16777619u;
	return h;
}

static uint32_t fnv1a_str(uint32_t h, const char *s)
{
	return fnv1a(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* The prefix of the object's own maps' names (common/abi.h): --map-prefix,
 * or the module file's name (its first 4 letters, digits and
 * underscores) and 4 hex digits of a hash of the module's bytes and the
 * options that shape the object, so that the objects of two modules, or
 * of one module built two ways, loaded side by side, have maps of their
 * own names: `bpftool map dump name auth_3f2a_traps` finds one map. */
static int map_prefix(struct compile *c)
{
	const char *p = c->o.map_prefix, *base;
	uint32_t h = 2166136261u;
	size_t n = 0;
	char stem[5];

	if (p) {
		bool ok = p[0] && strlen(p) <= W2B_MAP_PREFIX_MAX && (isalpha((unsigned char)p[0]) ||
									 p[0] == '_');

		for (const char *q = p; ok && *q; q++)
			ok = isalnum((unsigned char)*q) || *q == '_';
		if (!ok) {
			diag_report(&c->diag, DIAG_ERROR, NULL,
				    "--map-prefix=%s: expected 1 to %d letters, digits and underscores, "
				    "not starting with a digit (the maps' names are PREFIX_env, "
				    "PREFIX_mem, PREFIX_traps, and the kernel keeps 15 characters)",
				    p, W2B_MAP_PREFIX_MAX);
			return -EINVAL;
		}
		snprintf(c->map_prefix, sizeof(c->map_prefix), "%s", p);
		return 0;
	}
	base = strrchr(c->path, '/');
	base = base ? base + 1 : c->path;
	for (; *base && *base != '.' && n < 4; base++)
		if (isalnum((unsigned char)*base) || *base == '_')
			stem[n++] = *base;
	stem[n] = '\0';
	h = fnv1a(h, c->bytes, c->size);
	h = fnv1a_str(h, c->o.mcpu);
	h = fnv1a_str(h, c->o.license);
	h = fnv1a_str(h, c->o.all_exports_section);
	h = fnv1a_str(h, c->o.fallback_entry);
	for (size_t k = 0; k < c->o.nentries; k++) {
		h = fnv1a_str(h, c->o.entries[k].export_name);
		h = fnv1a_str(h, c->o.entries[k].section);
	}
	{
		uint64_t v[] = { (uint64_t)c->o.opt_level, c->o.max_loop_iters, c->o.memory_size,
				 c->o.strict_align, c->o.target_kernel, c->o.max_recursion_depth };

		h = fnv1a(h, v, sizeof(v));
	}
	/* a C identifier (BTF names the maps): a name's first character
	 * must not be a digit */
	snprintf(c->map_prefix, sizeof(c->map_prefix), "%s%s_%04x",
		 !n || isdigit((unsigned char)stem[0]) ? "m" : "", stem, (h ^ h >> 16) & 0xffff);
	return 0;
}

/* The module's own maps (W2B_MAP) may not take the names of the
 * object's. */
static int check_map_names(struct compile *c)
{
	const char *own[3] = { c->maps.env, c->maps.memory, c->maps.trap_stats };

	for (uint32_t k = 0; k < c->ir->nmaps; k++) {
		for (int j = 0; j < 3; j++) {
			if (strcmp(c->ir->maps[k].name, own[j]))
				continue;
			diag_report(&c->diag, DIAG_ERROR,
				    &(struct diag_loc){ c->ir->maps[k].offset, DIAG_NO_FUNC, NULL, NULL },
				    "the module's map '%s' has the name of one of the object's own maps "
				    "(%s, %s, %s): rename it, or choose another --map-prefix",
				    own[j], own[0], own[1], own[2]);
			return -EINVAL;
		}
	}
	return 0;
}

/* Whether rustc made the module (its producers section names it) with
 * debug info, as cargo's dev profile does. */
static bool rust_debug_build(const struct fe_module *wm)
{
	bool rustc = false, debug = false;

	for (uint32_t k = 0; k < wm->ncustoms; k++) {
		const struct fe_custom *cs = &wm->customs[k];

		if (!strcmp(cs->name, "producers"))
			for (uint32_t i = 0; i + 5 <= cs->size && !rustc; i++)
				rustc = !memcmp(cs->payload + i, "rustc", 5);
		debug |= !strcmp(cs->name, ".debug_info");
	}
	return rustc && debug;
}

static int compile_module(struct compile *c)
{
	struct ir_loop_opts loops = { c->o.max_loop_iters, w2b_license_is_gpl_compatible(c->o.license),
				      c->o.target_kernel, c->o.no_precheck };
	struct be_options be = { c->o.mcpu, c->o.opt_level, c->o.license, BE_EMIT_OBJ,
				 c->o.strict_align, c->o.max_loop_iters, c->o.target_kernel, false,
				 c->map_prefix, c->o.no_precheck };
	int err;

	if ((err = fe_read_input(c->path, &c->arena, &c->diag, &c->bytes, &c->size)))
		return err;
	if ((err = map_prefix(c)))
		return err;
	w2b_map_names(&c->maps, c->map_prefix);
	if (!(c->wasm = fe_decode(c->bytes, c->size, &c->arena, &c->diag)))
		return -EINVAL;
	source_map_free(c->source);
	c->source = fe_read_source_lines(c->wasm, &c->diag);
	c->diag.source = c->source;
	if (!(c->ir = fe_build_ir(c->wasm, c->path, c->o.btf_path, &c->arena, &c->diag)))
		return -EINVAL;
	c->ir->source = c->source;
	if ((err = ir_check_nesting(c->ir, &c->diag)))
		return err;
	if ((err = fe_binaryen_validate(c->bytes, c->size, &c->diag)))
		return err;
	if ((err = fe_layout_memory(c->ir, c->wasm, c->o.memory_size, &c->diag)))
		return err;
	if ((err = fe_read_maps(c->ir, c->wasm, &c->diag)))
		return err;
	fe_read_map_types(c->ir, c->wasm, &c->diag);
	if ((err = check_map_names(c)))
		return err;
	if ((err = select_entries(c)))
		return err;
	if ((err = ir_analyze_calls(c->ir, &c->diag, NULL)))
		return err;
	if ((err = ir_lower_imports(c->ir, loops.kfuncs_allowed, loops.kernel, c->o.no_precheck,
				    &c->diag)))
		return err;
	if ((err = ir_lower_memory(c->ir, &c->diag)))
		return err;
	ir_insert_traps(c->ir);
	if ((err = ir_bound_loops(c->ir, &loops, &c->diag)))
		return err;
	c->promoted = c->no_promotion ? 0 : ir_promote_frames(c->ir);
	ir_compute_may_trap(c->ir);
	if (c->o.emit == W2B_EMIT_IR)
		return emit_ir_text(c);
	be.emit = c->o.emit == W2B_EMIT_ASM ? BE_EMIT_ASM :
		  c->o.emit == W2B_EMIT_LL ? BE_EMIT_LL : BE_EMIT_OBJ;
	err = be_emit(c->ir, &be, &c->diag, &c->out->data, &c->out->size);
	if (be.emit != BE_EMIT_OBJ || (err && err != -E2BIG))
		return err;
	if (err)
		c->shrink_why = "made a function too long for BPF's 16-bit jumps";
	else if ((err = check_stack(c, false)) == -E2BIG) {
		/* a chain of calls over the stack limit: again with every
		 * function inlined (their stack slots then share one frame),
		 * and refused only if that is still over */
		free(c->out->data);
		c->out->data = NULL;
		be.flatten = true;
		c->shrink_why = "left a chain of calls over the kernel's 512 bytes of stack";
		err = be_emit(c->ir, &be, &c->diag, &c->out->data, &c->out->size);
		if (!err)
			err = check_stack(c, true);
	}
	if (!err)
		err = precheck(c);
	/* over the stack, or a function too long for BPF's jumps (LLVM's
	 * inlining, or flattening, made it): the memory in the env value
	 * instead of blocks (no slow-path calls, shorter accesses) is the
	 * way left */
	if (err == -E2BIG && !c->o.memory_size && c->ir->memory.layout_end &&
	    c->ir->memory.layout_end < c->ir->memory.size && c->ir->memory.size > (32u << 10))
		c->shrink_to = c->ir->memory.layout_end;
	if (!err && c->shrunk)
		diag_report(&c->diag, DIAG_WARNING, NULL,
			    "the memory's %u bytes need 16 KiB blocks whose accesses (a slow path "
			    "that calls) %s: compiled with --memory-size=%llu, the end of the "
			    "module's static layout, so an access above it traps \"out of bounds "
			    "memory access\" (a heap above __heap_base has no room); pass "
			    "--memory-size to choose, or keep fewer values live across nested "
			    "loops and calls, or split large functions",
			    c->ir->memory.pages * 65536u, c->shrink_why,
			    (unsigned long long)c->o.memory_size);
	if (!err)
		report_footprint(c);
	return err;
}

/* --- the library surface ---------------------------------------------------- */

static void init_compile(struct compile *c, const char *path, const struct w2b_compile_opts *opts)
{
	memset(c, 0, sizeof(*c));
	c->path = path;
	if (opts)
		memcpy(&c->o, opts, opts->sz && opts->sz < sizeof(c->o) ? opts->sz : sizeof(c->o));
	if (!c->o.mcpu)
		c->o.mcpu = "v3";
	if (!c->o.opt_level_set)
		c->o.opt_level = 2;
	if (!c->o.license)
		c->o.license = "GPL";
	if (!c->o.max_loop_iters)
		c->o.max_loop_iters = W2B_DEFAULT_MAX_LOOP_ITERS;
	if (!c->o.target_kernel)
		c->o.target_kernel = W2B_DEFAULT_TARGET_KERNEL;
	if (!c->o.max_recursion_depth)
		c->o.max_recursion_depth = W2B_DEFAULT_MAX_RECURSION_DEPTH;
	arena_init(&c->arena);
	diag_init(&c->diag, path);
	c->diag.cb = forward_diag;
	c->diag.user = c;
}

static char *type_codes(const uint8_t *ir_types, uint32_t n)
{
	uint8_t *t = malloc(n ? n : 1);

	if (!t)
		abort();
	for (uint32_t k = 0; k < n; k++)
		t[k] = ir_types[k] == IR_I32 ? W2B_I32 : W2B_I64;
	return (char *)t;
}

static void describe_entries(struct compile *c)
{
	struct ir_module *m = c->ir;
	struct w2b_output *o = c->out;

	o->entries = calloc(m->nentries ? m->nentries : 1, sizeof(*o->entries));
	if (!o->entries)
		abort();
	for (uint32_t k = 0; k < m->nentries; k++) {
		const struct ir_entry *e = &m->entries[k];
		const struct ir_func *f = &m->funcs[e->func];
		struct w2b_entry_info *info = &o->entries[k];

		info->export_name = strdup(e->export_name);
		info->symbol = strdup(e->symbol);
		info->section = strdup(e->section);
		/* the same order (ir.h, wasm2bpf.h) */
		info->abi = ir_prog_info[e->kind].params;
		info->nparams = f->nparams;
		info->nresults = f->nresults;
		info->param_types = (uint8_t *)type_codes(f->local_types, f->nparams);
		info->result_types = (uint8_t *)type_codes(f->results, f->nresults);
	}
	o->nentries = m->nentries;
	for (uint32_t k = 0; k < m->nfuncs; k++)
		if (m->funcs[k].wasm_index >= o->nfunc_names)
			o->nfunc_names = m->funcs[k].wasm_index + 1;
	o->func_names = calloc(o->nfunc_names + 1, sizeof(*o->func_names));
	o->func_offsets = calloc(o->nfunc_names + 1, sizeof(*o->func_offsets));
	if (!o->func_names || !o->func_offsets)
		abort();
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		uint32_t w = m->funcs[k].wasm_index;

		if (m->funcs[k].name && !o->func_names[w])
			o->func_names[w] = strdup(m->funcs[k].name);
		/* a recursion's copies share their function's offset */
		o->func_offsets[w] = m->funcs[k].offset;
	}
}

long w2b_func_at(const struct w2b_output *out, uint32_t offset)
{
	long best = -1;

	for (size_t k = 0; out && out->func_offsets && k < out->nfunc_names; k++)
		if (out->func_offsets[k] && out->func_offsets[k] <= offset &&
		    (best < 0 || out->func_offsets[k] > out->func_offsets[best]))
			best = (long)k;
	return best;
}

/* The target kernel: one wasm2bpf supports, with the options' features. */
static int check_target_kernel(struct compile *c)
{
	char want[8], oldest[8], need[8];

	if (c->o.target_kernel < W2B_OLDEST_TARGET_KERNEL) {
		diag_report(&c->diag, DIAG_ERROR, NULL,
			    "--target-kernel %s: the oldest kernel wasm2bpf targets is %s",
			    w2b_kernel_format(c->o.target_kernel, want),
			    w2b_kernel_format(W2B_OLDEST_TARGET_KERNEL, oldest));
		return -EINVAL;
	}
	if (!strcmp(c->o.mcpu, "v4") && !w2b_kernel_has(c->o.target_kernel, W2B_KF_CPU_V4)) {
		diag_report(&c->diag, DIAG_ERROR, NULL,
			    "--mcpu=v4 needs kernel %s; the target is %s (--target-kernel)",
			    w2b_kernel_format(w2b_kernel_min(W2B_KF_CPU_V4), need),
			    w2b_kernel_format(c->o.target_kernel, want));
		return -EINVAL;
	}
	return 0;
}

int w2b_compile(const char *path, const struct w2b_compile_opts *opts, struct w2b_output **out)
{
	struct compile c;
	struct w2b_compile_opts first;	/* the options as given, defaults filled */
	bool retry_e2big;
	int err;

	init_compile(&c, path, opts);
	first = c.o;
	if (c.o.max_loop_iters > W2B_MAX_LOOP_ITERS_LIMIT) {
		diag_report(&c.diag, DIAG_ERROR, NULL,
			    "--max-loop-iters %u is above the kernel's limit of %u iterations per loop",
			    c.o.max_loop_iters, W2B_MAX_LOOP_ITERS_LIMIT);
		return -EINVAL;
	}
	if (c.o.max_recursion_depth > W2B_MAX_RECURSION_DEPTH_LIMIT) {
		diag_report(&c.diag, DIAG_ERROR, NULL,
			    "--max-recursion-depth %u is above %u (each level is a copy of the "
			    "recursive functions)", c.o.max_recursion_depth, W2B_MAX_RECURSION_DEPTH_LIMIT);
		return -EINVAL;
	}
	if (strcmp(c.o.mcpu, "v3") && strcmp(c.o.mcpu, "v4")) {
		diag_report(&c.diag, DIAG_ERROR, NULL, "--mcpu=%s: expected v3 or v4", c.o.mcpu);
		return -EINVAL;
	}
	if ((err = check_target_kernel(&c)))
		return err;
	/* A program too deep for the kernel's frames or stack, where a cycle
	 * of calls was copied more than once, is compiled again with half
	 * the depth, down to 1; what an attempt said is held back until it
	 * is known to be the last (ir/bound_recursion.c). */
	for (;;) {
		struct held held = { NULL, 0 };

		c.out = calloc(1, sizeof(*c.out));
		if (!c.out)
			return -ENOMEM;
		c.held = &held;
		c.rec_depth = 0;
		c.nlate_before = c.nlate;
		err = compile_module(&c);
		c.held = NULL;
		retry_e2big = err == -E2BIG && !c.diag.nices &&
			      (c.rec_depth > 1 || c.shrink_to || c.promoted);
		if (retry_e2big) {
			/* refusals of this attempt may not be the next's */
			for (size_t k = c.nlate_before; k < c.nlate; k++)
				free(c.late[k].msg);
			c.nlate = c.nlate_before;
		}
		if (retry_e2big || (c.nlate > c.nlate_before && !c.diag.nices)) {
			for (size_t k = 0; k < held.n; k++)
				free(held.v[k].line);
			free(held.v);
			w2b_output_free(c.out);
			arena_free(&c.arena);
			arena_init(&c.arena);
			diag_init(&c.diag, path);
			c.diag.cb = forward_diag;
			c.diag.user = &c;
			if (!retry_e2big) {
				/* --skip-unsupported: the entries that reach what
				 * this attempt's passes refused are left out */
				c.no_promotion = false;
				c.shrink_to = 0;
				c.shrunk = false;
				c.o = first;
				c.rec_reduced = false;
				continue;
			}
			if (c.promoted) {
				/* first the frames back in the memory: they were
				 * what the BPF stack could not hold */
				c.no_promotion = true;
				c.shrink_to = 0;
				continue;
			}
			if (c.shrink_to) {
				/* then the memory in the env value, at the depth
				 * that was tried */
				c.o.memory_size = c.shrink_to;
				c.shrink_to = 0;
				c.shrunk = true;
				continue;
			}
			c.o.max_recursion_depth = c.rec_depth / 2;
			c.rec_reduced = true;
			continue;
		}
		for (size_t k = 0; k < held.n; k++) {
			forward_diag(&c, held.v[k].level, held.v[k].line);
			free(held.v[k].line);
		}
		free(held.v);
		break;
	}
	for (size_t k = 0; k < c.nlate; k++)
		free(c.late[k].msg);
	free(c.late);
	if (err == -E2BIG)
		err = -EINVAL;		/* reported: a refusal */
	if ((err || c.diag.nerrors) && !c.diag.nices && c.wasm && rust_debug_build(c.wasm))
		diag_report(&c.diag, DIAG_NOTE, NULL,
			    "the module is a Rust build with debug info: cargo's dev profile "
			    "(opt-level 0) leaves the SDK's calls un-inlined, which eBPF cannot take; "
			    "build with --release, or set `[profile.dev] opt-level = 1` in Cargo.toml "
			    "(docs/sdk-rust.md)");
	if (!err)
		describe_entries(&c);
	if (c.diag.nices)
		err = -ENOTRECOVERABLE;
	else if (!err && c.diag.nerrors)
		err = -EINVAL;
	arena_free(&c.arena);
	if (err) {
		source_map_free(c.source);
		w2b_output_free(c.out);
		return err;
	}
	c.out->source = c.source;
	snprintf(c.out->map_prefix, sizeof(c.out->map_prefix), "%s", c.map_prefix);
	*out = c.out;
	return 0;
}

#ifndef W2B_VERSION
#define W2B_VERSION "unknown"
#endif

void w2b_version_text(char *buf, size_t size)
{
	unsigned major, minor, patch;
	char *helper = isolate_binaryen_path();

	be_llvm_version(&major, &minor, &patch);
	snprintf(buf, size,
		 "wasm2bpf %s\n"
		 "LLVM %u.%u.%u (BPF backend), libbpf %s\n"
		 "binaryen validator: %s\n",
		 W2B_VERSION, major, minor, patch, libbpf_version_string(),
		 helper ? helper : "(not found)");
	free(helper);
}

const char *w2b_source_text(const struct w2b_output *out, uint32_t offset, char *buf, size_t size)
{
	return out ? source_map_text(out->source, offset, buf, size) : NULL;
}

int w2b_check(const char *path, const struct w2b_compile_opts *opts)
{
	struct compile c;
	int err;

	init_compile(&c, path, opts);
	if ((err = fe_read_input(c.path, &c.arena, &c.diag, &c.bytes, &c.size)))
		goto out;
	if (!(c.wasm = fe_decode(c.bytes, c.size, &c.arena, &c.diag))) {
		err = -EINVAL;
		goto out;
	}
	if (fe_validate(c.wasm, c.path, c.o.btf_path, &c.arena, &c.diag)) {
		err = -EINVAL;
		goto out;
	}
	err = fe_binaryen_validate(c.bytes, c.size, &c.diag);
out:
	if (c.diag.nices)
		err = -ENOTRECOVERABLE;
	arena_free(&c.arena);
	return err;
}

void w2b_output_free(struct w2b_output *o)
{
	if (!o)
		return;
	for (size_t k = 0; k < o->nentries; k++) {
		free(o->entries[k].export_name);
		free(o->entries[k].symbol);
		free(o->entries[k].section);
		free(o->entries[k].param_types);
		free(o->entries[k].result_types);
	}
	for (size_t k = 0; k < o->nskipped; k++) {
		free(o->skipped[k].export_name);
		free(o->skipped[k].reason);
	}
	for (size_t k = 0; k < o->nfunc_names; k++)
		free(o->func_names[k]);
	free(o->func_names);
	free(o->func_offsets);
	source_map_free(o->source);
	free(o->entries);
	free(o->skipped);
	free(o->data);
	free(o);
}
