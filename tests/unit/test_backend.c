/*
 * test_backend.c — be_emit() against the running kernel.
 *
 * Every case builds an IR module by hand (ir.h's builders), emits it with
 * be_emit(), loads the object with libbpf and runs its `syscall` programs
 * through BPF_PROG_TEST_RUN with the context of common/abi.h, checking the
 * values the kernel computed:
 *
 *   - every IR_NUM operation, one program each, on edge values, against a
 *     reference implementation of Wasm's semantics written here in C
 *     (including the guarded divisions and their traps: status 2 and 3);
 *   - unreachable, select, block/br_if/br_table/if, zero-initialised locals;
 *   - calls: 5 and 7 params (the spill path), 3 results, a trap in a callee
 *     propagating out, also from inside a fuel loop;
 *   - loops: a bpf_iter_num loop of 1,000,000 iterations with laundered
 *     locals (its verified_insns printed and bounded), nested iterator loops
 *     left by a branch out of both, a plain loop, and fuel running out
 *     (status 5);
 *   - the trap statistics map, line info (line = Wasm offset), BTF accepted
 *     by the kernel, deterministic output, asm/ll output, and the
 *     internal errors for unguarded divisions and unlowered loops;
 *   - instance state: loads and stores of every width and sign at the
 *     edges of a 256-byte memory (in the env value) and a 64 KiB one (in
 *     w2b_mem), with memarg offsets 0, 3, size - width and 0xffffffff,
 *     against a model of the memory (read back from the map through its
 *     BTF); data segments seen by the first run on each of two CPUs
 *     (BPF_PROG_TEST_RUN runs a syscall program on the calling CPU: the
 *     test pins itself, and checks whose env value changed); mutable
 *     globals persisting per CPU; an exported immutable global read from
 *     .rodata, also after a loader changed it; memory.copy overlapping both
 *     ways and memory.fill against memmove/memset, and their bounds; a
 *     1 MiB memory (64 blocks of 16 KiB) with a 64 KiB segment
 *     (verified_insns printed and bounded); the loops
 *     with a GPL license (bpf_iter_num) and without (bpf_loop); the
 *     internal errors for unclassified accesses and the like;
 *   - packet entries, run with a packet (BPF_PROG_TEST_RUN data_in): XDP
 *     loads of every width and sign at fixed offsets (pkt + k, memarg k)
 *     and at dynamic ones read from the packet, at its edges and past
 *     anything valid, against a model (a trap gives XDP_ABORTED and is
 *     counted in w2b_traps); the same on tc, classifier and tcx
 *     (TC_ACT_SHOT on a trap); stores seen in the packet handed back;
 *     the packet passed down calls (through a plain function, and to a
 *     5-param function that spills); cgroup_skb (the packet from the
 *     network header, 0/1 verdicts); verified_insns and instructions per
 *     byte read printed; DISPATCH accesses that reach the packet or the
 *     instance memory (256 bytes in the env, 64 KiB in w2b_mem) by
 *     their address, also both in one run, stores included; kernel
 *     helpers (the clocks, prandom, the CPU id, an argument widened);
 *     and the internal errors (a packet store under cgroup_skb, packet
 *     code without the packet, a helper of the wrong type).
 *
 * All of it for cpu v3 and v4, and the control-flow module also at -O0
 * (where calls are not inlined). Needs root and a kernel with BTF; prints
 * `backend: N passed, M failed` and exits 1 if anything failed.
 */
#include "backend-bpf/backend.h"
#include "common/abi.h"
#include "common/arena.h"
#include "common/diag.h"
#include "common/trap_kinds.h"
#include "ir/ir.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <sched.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned npass, nfail;
static int verbose;

#define CHECK(cond, ...) do { \
		if (cond) { \
			npass++; \
		} else { \
			nfail++; \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} while (0)

/* --- libbpf messages ------------------------------------------------------ */

static char libbpf_log[1 << 16];
static size_t libbpf_log_len;

static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[4096];
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n > 0 && libbpf_log_len + (size_t)n < sizeof(libbpf_log)) {
		memcpy(libbpf_log + libbpf_log_len, line, (size_t)n);
		libbpf_log_len += (size_t)n;
		libbpf_log[libbpf_log_len] = '\0';
	}
	if (verbose || level == LIBBPF_WARN)
		fputs(line, stderr);
	return 0;
}

/* --- diagnostics ---------------------------------------------------------- */

static char diag_text[4096];

static void on_diag(void *user, enum diag_level level, const char *line)
{
	size_t len = strlen(diag_text);

	(void)user;
	(void)level;
	snprintf(diag_text + len, sizeof(diag_text) - len, "%s\n", line);
}

/* --- building IR ------------------------------------------------------------ */

#define MAX_FUNCS 128

struct tmod {
	struct arena a;
	struct ir_module m;
	uint32_t off;			/* next fake Wasm offset */
};

/* Builds one function. */
struct fb {
	struct tmod *t;
	struct ir_func *f;
	uint32_t index;
};

static void tm_init(struct tmod *t, const char *file)
{
	memset(t, 0, sizeof(*t));
	arena_init(&t->a);
	t->m.arena = &t->a;
	t->m.file = file;
	t->m.funcs = arena_array(&t->a, MAX_FUNCS, sizeof(struct ir_func));
	t->m.entries = arena_array(&t->a, MAX_FUNCS, sizeof(struct ir_entry));
	t->off = 0x100;
}

static struct fb tm_func(struct tmod *t, const char *symbol, const char *params,
			 const char *results)
{
	struct fb b = { t, &t->m.funcs[t->m.nfuncs], t->m.nfuncs };
	struct ir_func *f = b.f;
	size_t nr = strlen(results);

	f->symbol = arena_strdup(&t->a, symbol);
	f->name = f->symbol;
	f->wasm_index = t->m.nfuncs;
	f->offset = t->off;
	t->off += 0x10;
	/* "iI": i32, i64 */
	for (const char *p = params; *p; p++)
		ir_new_local(&t->a, f, *p == 'I' ? IR_I64 : IR_I32);
	f->nparams = f->nlocals;
	f->nresults = (uint32_t)nr;
	f->results = arena_alloc(&t->a, nr + 1);
	for (size_t i = 0; i < nr; i++)
		f->results[i] = results[i] == 'I' ? IR_I64 : IR_I32;
	f->reachable = true;
	f->may_trap = true;
	f->call_depth = 1;
	t->m.nfuncs++;
	return b;
}

static void tm_entry(struct tmod *t, const char *symbol, uint32_t func)
{
	struct ir_entry *e = &t->m.entries[t->m.nentries++];

	e->export_name = arena_strdup(&t->a, symbol);
	e->symbol = e->export_name;
	e->section = "syscall";
	e->kind = IR_PROG_SYSCALL;
	e->func = func;
}

static struct ir_inst *add(struct fb *b, struct ir_region *r, enum ir_kind k)
{
	struct ir_inst *i = ir_new_inst(&b->t->a, k, b->t->off);

	b->t->off += 2;
	ir_region_append(&b->t->a, r, i);
	return i;
}

static uint32_t local(struct fb *b, enum ir_type t)
{
	return ir_new_local(&b->t->a, b->f, t);
}

static uint32_t cst(struct fb *b, struct ir_region *r, enum ir_type t, int64_t v)
{
	struct ir_inst *i = add(b, r, IR_CONST);

	i->type = (uint8_t)t;
	i->dst = ir_new_vreg(&b->t->a, b->f, t);
	i->u.imm = t == IR_I32 ? (int64_t)(int32_t)v : v;
	return i->dst;
}

static bool is_div(enum ir_numop op)
{
	switch (op) {
	case IR_I32_DIV_S: case IR_I32_DIV_U: case IR_I32_REM_S: case IR_I32_REM_U:
	case IR_I64_DIV_S: case IR_I64_DIV_U: case IR_I64_REM_S: case IR_I64_REM_U:
		return true;
	default:
		return false;
	}
}

static uint32_t op2(struct fb *b, struct ir_region *r, enum ir_numop op, uint32_t x, uint32_t y)
{
	struct ir_inst *i = add(b, r, IR_NUM);

	i->u.numop = op;
	i->type = ir_numop_info[op].result;
	i->dst = ir_new_vreg(&b->t->a, b->f, i->type);
	i->a = x;
	i->b = ir_numop_info[op].nops == 2 ? y : IR_NOVAL;
	if (is_div(op))
		i->flags = IR_F_GUARDED;
	return i->dst;
}

static uint32_t op1(struct fb *b, struct ir_region *r, enum ir_numop op, uint32_t x)
{
	return op2(b, r, op, x, IR_NOVAL);
}

static uint32_t get(struct fb *b, struct ir_region *r, uint32_t l)
{
	struct ir_inst *i = add(b, r, IR_LOCAL_GET);

	i->type = b->f->local_types[l];
	i->dst = ir_new_vreg(&b->t->a, b->f, i->type);
	i->u.local = l;
	return i->dst;
}

static void set(struct fb *b, struct ir_region *r, uint32_t l, uint32_t v)
{
	struct ir_inst *i = add(b, r, IR_LOCAL_SET);

	i->u.local = l;
	i->a = v;
}

static uint32_t sel(struct fb *b, struct ir_region *r, uint32_t c, uint32_t x, uint32_t y)
{
	struct ir_inst *i = add(b, r, IR_SELECT);

	i->type = b->f->vreg_types[x];
	i->dst = ir_new_vreg(&b->t->a, b->f, i->type);
	i->a = c;
	i->b = x;
	i->c = y;
	return i->dst;
}

static struct ir_inst *scope(struct fb *b, struct ir_region *r, enum ir_kind k, uint32_t cond)
{
	struct ir_inst *i = add(b, r, k);
	enum ir_label_kind lk = k == IR_LOOP ? IR_LABEL_LOOP : k == IR_IF ? IR_LABEL_IF :
				IR_LABEL_BLOCK;

	i->a = cond;
	i->u.scope.label = ir_new_label(&b->t->a, b->f, lk, i);
	return i;
}

static struct ir_inst *loop_iter(struct fb *b, struct ir_region *r, uint32_t max,
				 const uint32_t *laundered, uint32_t n)
{
	struct ir_inst *i = scope(b, r, IR_LOOP, IR_NOVAL);

	i->u.scope.loop.lowering = IR_LOOP_ITER;
	i->u.scope.loop.max_iters = max;
	i->u.scope.loop.nlaundered = n;
	i->u.scope.loop.laundered = arena_array(&b->t->a, n + 1, sizeof(uint32_t));
	memcpy(i->u.scope.loop.laundered, laundered, n * sizeof(uint32_t));
	return i;
}

static void br(struct fb *b, struct ir_region *r, struct ir_inst *target)
{
	add(b, r, IR_BR)->u.target = target->u.scope.label;
}

static void br_if(struct fb *b, struct ir_region *r, uint32_t c, struct ir_inst *target)
{
	struct ir_inst *i = add(b, r, IR_BR_IF);

	i->a = c;
	i->u.target = target->u.scope.label;
}

static void ret(struct fb *b, struct ir_region *r, uint32_t n, ...)
{
	struct ir_inst *i = add(b, r, IR_RETURN);
	va_list ap;

	i->u.ret.nvals = n;
	i->u.ret.vals = arena_array(&b->t->a, n + 1, sizeof(uint32_t));
	va_start(ap, n);
	for (uint32_t k = 0; k < n; k++)
		i->u.ret.vals[k] = va_arg(ap, uint32_t);
	va_end(ap);
}

static void trap(struct fb *b, struct ir_region *r, enum w2b_trap_kind k)
{
	add(b, r, IR_TRAP)->u.trap = k;
}

static void trap_if(struct fb *b, struct ir_region *r, uint32_t c, enum w2b_trap_kind k)
{
	struct ir_inst *i = add(b, r, IR_TRAP_IF);

	i->a = c;
	i->u.trap = k;
}

/* results[] receives the result vregs; returns the first. */
static uint32_t call(struct fb *b, struct ir_region *r, uint32_t func, uint32_t *results,
		     uint32_t nargs, ...)
{
	struct ir_inst *i = add(b, r, IR_CALL);
	const struct ir_func *cf = &b->t->m.funcs[func];
	va_list ap;

	i->u.call.func = func;
	i->u.call.nargs = nargs;
	i->u.call.args = arena_array(&b->t->a, nargs + 1, sizeof(uint32_t));
	va_start(ap, nargs);
	for (uint32_t k = 0; k < nargs; k++)
		i->u.call.args[k] = va_arg(ap, uint32_t);
	va_end(ap);
	i->u.call.nresults = cf->nresults;
	i->u.call.results = arena_array(&b->t->a, cf->nresults + 1, sizeof(uint32_t));
	for (uint32_t k = 0; k < cf->nresults; k++) {
		i->u.call.results[k] = ir_new_vreg(&b->t->a, b->f, cf->results[k]);
		if (results)
			results[k] = i->u.call.results[k];
	}
	if (cf->nresults) {
		i->type = cf->results[0];
		i->dst = i->u.call.results[0];
	}
	return cf->nresults ? i->u.call.results[0] : IR_NOVAL;
}

/* --- emitting and running ------------------------------------------------ */

struct loaded {
	struct bpf_object *obj;
	void *elf;
	size_t size;
};

/* What emit() passes besides the cpu and level (tests may change them). */
static const char *test_license = "GPL";

/* max_entries of W2B_MEMORY_MAP (16 KiB blocks) in the last object
 * load() opened; 0 if it has none. */
static uint32_t declared_mem_entries;

static int emit(struct tmod *t, const char *mcpu, int opt, enum be_emit_kind kind,
		void **out, size_t *size)
{
	struct diag_sink d;
	struct be_options o = { mcpu, opt, test_license, kind };

	diag_init(&d, t->m.file);
	d.cb = on_diag;
	diag_text[0] = '\0';
	return be_emit(&t->m, &o, &d, out, size);
}

/* Called between open and load, when set (e.g. to set .rodata values). */
static void (*load_hook)(struct bpf_object *obj);

static int load(struct tmod *t, const char *mcpu, int opt, struct loaded *l)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "test_backend");
	int err;

	memset(l, 0, sizeof(*l));
	err = emit(t, mcpu, opt, BE_EMIT_OBJ, &l->elf, &l->size);
	if (err) {
		fprintf(stderr, "be_emit failed: %d\n%s", err, diag_text);
		return err;
	}
	libbpf_log_len = 0;
	libbpf_log[0] = '\0';
	l->obj = bpf_object__open_mem(l->elf, l->size, &oo);
	if (!l->obj) {
		fprintf(stderr, "bpf_object__open_mem: %s\n", strerror(errno));
		return -1;
	}
	{
		struct bpf_map *mm = bpf_object__find_map_by_name(l->obj, W2B_MEMORY_MAP);

		declared_mem_entries = mm ? bpf_map__max_entries(mm) : 0;
		if (mm && bpf_map__type(mm) != BPF_MAP_TYPE_PERCPU_ARRAY) {
			fprintf(stderr, W2B_MEMORY_MAP " is not a PERCPU_ARRAY\n");
			return -1;
		}
	}
	if (load_hook)
		load_hook(l->obj);
	err = bpf_object__load(l->obj);
	if (err) {
		fprintf(stderr, "bpf_object__load: %d\n", err);
		return err;
	}
	return 0;
}

static void unload(struct loaded *l)
{
	bpf_object__close(l->obj);
	free(l->elf);
	memset(l, 0, sizeof(*l));
}

static int prog_fd(struct loaded *l, const char *name)
{
	struct bpf_program *p = l->obj ? bpf_object__find_program_by_name(l->obj, name) : NULL;

	return p ? bpf_program__fd(p) : -1;
}

/* Runs program `name` with params in, np of them; fills out (nr results).
 * Returns the status word, or -1 if the run itself failed. */
static long run(struct loaded *l, const char *name, const uint64_t *in, uint32_t np,
		uint64_t *out, uint32_t nr)
{
	uint64_t ctx[32];
	size_t size = W2B_SYSCALL_CTX_SIZE(np, nr);
	/* syscall programs take no ctx_out: the kernel copies the context
	 * back into ctx_in */
	LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = ctx, .ctx_size_in = (uint32_t)size);
	int fd = prog_fd(l, name), err;

	if (fd < 0) {
		fprintf(stderr, "no program '%s'\n", name);
		return -1;
	}
	memset(ctx, 0xa5, sizeof(ctx));	/* results must be overwritten */
	ctx[0] = 0;
	for (uint32_t i = 0; i < np; i++)
		ctx[1 + i] = in[i];
	err = bpf_prog_test_run_opts(fd, &o);
	if (err) {
		fprintf(stderr, "test run of '%s': %s\n", name, strerror(errno));
		return -1;
	}
	for (uint32_t k = 0; k < nr; k++)
		out[k] = ctx[1 + np + k];
	return (long)(uint32_t)ctx[0];
}

static uint64_t trap_count(struct loaded *l, uint32_t code)
{
	struct bpf_map *m = bpf_object__find_map_by_name(l->obj, W2B_TRAP_STATS_MAP);
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;

	if (!m || ncpu <= 0)
		return UINT64_MAX;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (bpf_map_lookup_elem(bpf_map__fd(m), &code, v) == 0)
		for (int i = 0; i < ncpu; i++)
			sum += v[i];
	else
		sum = UINT64_MAX;
	free(v);
	return sum;
}

static int prog_info(struct loaded *l, const char *name, struct bpf_prog_info *info,
		     struct bpf_line_info *lines, uint32_t nlines)
{
	uint32_t len = sizeof(*info);
	int fd = prog_fd(l, name);

	memset(info, 0, sizeof(*info));
	if (lines) {
		info->nr_line_info = nlines;
		info->line_info_rec_size = sizeof(*lines);
		info->line_info = (uint64_t)(uintptr_t)lines;
	}
	return fd < 0 ? -1 : bpf_obj_get_info_by_fd(fd, info, &len);
}

/* --- the Wasm numeric semantics, for reference ------------------------------ */

static uint32_t rotl32(uint32_t x, uint32_t k)
{
	k &= 31;
	return k ? (x << k) | (x >> (32 - k)) : x;
}

static uint64_t rotl64(uint64_t x, uint64_t k)
{
	k &= 63;
	return k ? (x << k) | (x >> (64 - k)) : x;
}

/* Result of op on (a, b) as the context slot holds it, or a trap code in
 * *trap. i32 operands are the low halves. */
static uint64_t ref(enum ir_numop op, uint64_t a64, uint64_t b64, uint32_t *trap)
{
	uint32_t a = (uint32_t)a64, b = (uint32_t)b64;
	int32_t sa = (int32_t)a, sb = (int32_t)b;
	int64_t la = (int64_t)a64, lb = (int64_t)b64;

	*trap = 0;
	switch (op) {
	case IR_I32_EQZ: return a == 0;
	case IR_I32_EQ: return a == b;
	case IR_I32_NE: return a != b;
	case IR_I32_LT_S: return sa < sb;
	case IR_I32_LT_U: return a < b;
	case IR_I32_GT_S: return sa > sb;
	case IR_I32_GT_U: return a > b;
	case IR_I32_LE_S: return sa <= sb;
	case IR_I32_LE_U: return a <= b;
	case IR_I32_GE_S: return sa >= sb;
	case IR_I32_GE_U: return a >= b;
	case IR_I64_EQZ: return a64 == 0;
	case IR_I64_EQ: return a64 == b64;
	case IR_I64_NE: return a64 != b64;
	case IR_I64_LT_S: return la < lb;
	case IR_I64_LT_U: return a64 < b64;
	case IR_I64_GT_S: return la > lb;
	case IR_I64_GT_U: return a64 > b64;
	case IR_I64_LE_S: return la <= lb;
	case IR_I64_LE_U: return a64 <= b64;
	case IR_I64_GE_S: return la >= lb;
	case IR_I64_GE_U: return a64 >= b64;
	case IR_I32_CLZ: return a ? (uint32_t)__builtin_clz(a) : 32;
	case IR_I32_CTZ: return a ? (uint32_t)__builtin_ctz(a) : 32;
	case IR_I32_POPCNT: return (uint32_t)__builtin_popcount(a);
	case IR_I32_ADD: return (uint32_t)(a + b);
	case IR_I32_SUB: return (uint32_t)(a - b);
	case IR_I32_MUL: return (uint32_t)(a * b);
	case IR_I32_DIV_S:
		if (!b) { *trap = W2B_TRAP_DIV_ZERO; return 0; }
		if (sa == INT32_MIN && sb == -1) { *trap = W2B_TRAP_INT_OVERFLOW; return 0; }
		return (uint32_t)(sa / sb);
	case IR_I32_DIV_U:
		if (!b) { *trap = W2B_TRAP_DIV_ZERO; return 0; }
		return a / b;
	case IR_I32_REM_S:
		if (!b) { *trap = W2B_TRAP_DIV_ZERO; return 0; }
		return sb == -1 ? 0 : (uint32_t)(sa % sb);
	case IR_I32_REM_U:
		if (!b) { *trap = W2B_TRAP_DIV_ZERO; return 0; }
		return a % b;
	case IR_I32_AND: return a & b;
	case IR_I32_OR: return a | b;
	case IR_I32_XOR: return a ^ b;
	case IR_I32_SHL: return (uint32_t)(a << (b & 31));
	case IR_I32_SHR_S: return (uint32_t)(sa >> (b & 31));
	case IR_I32_SHR_U: return a >> (b & 31);
	case IR_I32_ROTL: return rotl32(a, b);
	case IR_I32_ROTR: return rotl32(a, 32 - (b & 31));
	case IR_I64_CLZ: return a64 ? (uint64_t)__builtin_clzll(a64) : 64;
	case IR_I64_CTZ: return a64 ? (uint64_t)__builtin_ctzll(a64) : 64;
	case IR_I64_POPCNT: return (uint64_t)__builtin_popcountll(a64);
	case IR_I64_ADD: return a64 + b64;
	case IR_I64_SUB: return a64 - b64;
	case IR_I64_MUL: return a64 * b64;
	case IR_I64_DIV_S:
		if (!b64) { *trap = W2B_TRAP_DIV_ZERO; return 0; }
		if (la == INT64_MIN && lb == -1) { *trap = W2B_TRAP_INT_OVERFLOW; return 0; }
		return (uint64_t)(la / lb);
	case IR_I64_DIV_U:
		if (!b64) { *trap = W2B_TRAP_DIV_ZERO; return 0; }
		return a64 / b64;
	case IR_I64_REM_S:
		if (!b64) { *trap = W2B_TRAP_DIV_ZERO; return 0; }
		return lb == -1 ? 0 : (uint64_t)(la % lb);
	case IR_I64_REM_U:
		if (!b64) { *trap = W2B_TRAP_DIV_ZERO; return 0; }
		return a64 % b64;
	case IR_I64_AND: return a64 & b64;
	case IR_I64_OR: return a64 | b64;
	case IR_I64_XOR: return a64 ^ b64;
	case IR_I64_SHL: return a64 << (b64 & 63);
	case IR_I64_SHR_S: return (uint64_t)(la >> (b64 & 63));
	case IR_I64_SHR_U: return a64 >> (b64 & 63);
	case IR_I64_ROTL: return rotl64(a64, b64);
	case IR_I64_ROTR: return rotl64(a64, 64 - (b64 & 63));
	case IR_I32_WRAP_I64: return (uint32_t)a64;
	case IR_I64_EXTEND_I32_S: return (uint64_t)(int64_t)sa;
	case IR_I64_EXTEND_I32_U: return a;
	case IR_I32_EXTEND8_S: return (uint32_t)(int32_t)(int8_t)a;
	case IR_I32_EXTEND16_S: return (uint32_t)(int32_t)(int16_t)a;
	case IR_I64_EXTEND8_S: return (uint64_t)(int64_t)(int8_t)a64;
	case IR_I64_EXTEND16_S: return (uint64_t)(int64_t)(int16_t)a64;
	case IR_I64_EXTEND32_S: return (uint64_t)(int64_t)(int32_t)a64;
	case IR_NUMOP_COUNT: break;
	}
	return 0;
}

static const uint64_t vals32[] = {
	0, 1, 2, 3, 5, 7, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x8000, 0xffff,
	0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0x12345678, 0xf0f0f0f0,
	0xfffffff9,
};
static const uint64_t vals64[] = {
	0, 1, 2, 3, 7, 31, 32, 63, 64, 65, 0xff, 0xffffffff, 0x100000000, 0x80000000,
	0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, UINT64_MAX,
	UINT64_MAX - 1, 0x123456789abcdef0, 0xfffffffffffffff9, 0x00f0000000000000,
};

static void prog_name(char *buf, size_t n, enum ir_numop op)
{
	snprintf(buf, n, "n_%s", ir_numop_info[op].text);
	for (char *p = buf; *p; p++)
		if (*p == '.')
			*p = '_';
}

/* One function and entry per op: params are the operands. Divisions get
 * the guards ir_insert_traps() would insert. */
static void build_numeric(struct tmod *t)
{
	for (uint32_t op = 0; op < IR_NUMOP_COUNT; op++) {
		const struct ir_numop_info *in = &ir_numop_info[op];
		char name[64], params[3] = "", res[2];
		enum ir_type ot = in->operand;
		struct fb b;
		struct ir_region *r;
		uint32_t x, y = IR_NOVAL, v;

		for (unsigned k = 0; k < in->nops; k++)
			params[k] = ot == IR_I64 ? 'I' : 'i';
		params[in->nops] = '\0';
		res[0] = in->result == IR_I64 ? 'I' : 'i';
		res[1] = '\0';
		prog_name(name, sizeof(name), op);
		name[0] = 'w';
		b = tm_func(t, name, params, res);
		r = &b.f->body;
		x = get(&b, r, 0);
		if (in->nops == 2)
			y = get(&b, r, 1);
		if (is_div(op)) {
			bool i64 = ot == IR_I64;
			enum ir_numop eqz = i64 ? IR_I64_EQZ : IR_I32_EQZ;
			enum ir_numop eq = i64 ? IR_I64_EQ : IR_I32_EQ;

			trap_if(&b, r, op1(&b, r, eqz, y), W2B_TRAP_DIV_ZERO);
			if (op == IR_I32_DIV_S || op == IR_I64_DIV_S) {
				uint32_t m = op2(&b, r, eq, x, cst(&b, r, ot, i64 ? INT64_MIN : INT32_MIN));
				uint32_t n = op2(&b, r, eq, y, cst(&b, r, ot, -1));

				trap_if(&b, r, op2(&b, r, IR_I32_AND, m, n), W2B_TRAP_INT_OVERFLOW);
			}
			if (op == IR_I32_REM_S || op == IR_I64_REM_S) {
				/* x rem_s -1 == x rem_s 1 == 0 */
				uint32_t n = op2(&b, r, eq, y, cst(&b, r, ot, -1));

				y = sel(&b, r, n, cst(&b, r, ot, 1), y);
			}
		}
		v = op2(&b, r, op, x, y);
		ret(&b, r, 1, v);
		prog_name(name, sizeof(name), op);
		tm_entry(t, name, b.index);
	}
}

static void test_numeric(const char *mcpu, int opt)
{
	struct tmod t;
	struct loaded l;
	uint64_t div0_before, div0_after, ndiv0 = 0;
	int err;

	tm_init(&t, "tests/numeric.wasm");
	build_numeric(&t);
	err = load(&t, mcpu, opt, &l);
	CHECK(err == 0, "numeric module (%s, O%d) loads", mcpu, opt);
	if (err)
		goto out;
	/* ctz must not become a de Bruijn table in .rodata (an extra map) */
	CHECK(!memmem(l.elf, l.size, ".rodata", 7), "numeric object has a .rodata section");
	CHECK(!strstr(libbpf_log, "BTF"), "libbpf complained about BTF:\n%s", libbpf_log);
	div0_before = trap_count(&l, W2B_TRAP_DIV_ZERO);
	for (uint32_t op = 0; op < IR_NUMOP_COUNT; op++) {
		const struct ir_numop_info *in = &ir_numop_info[op];
		const uint64_t *vals = in->operand == IR_I64 ? vals64 : vals32;
		size_t nv = in->operand == IR_I64 ? sizeof(vals64) / 8 : sizeof(vals32) / 8;
		unsigned bad = 0;
		char name[64];

		prog_name(name, sizeof(name), op);
		for (size_t i = 0; i < nv; i++) {
			for (size_t j = 0; j < (in->nops == 2 ? nv : 1); j++) {
				uint64_t args[2] = { vals[i], vals[j] }, got = 0, want;
				uint32_t want_trap;
				long st;

				want = ref(op, vals[i], vals[j], &want_trap);
				/* i32 slots: the high half must be ignored */
				if (in->operand == IR_I32) {
					args[0] |= 0xdeadbeef00000000ull;
					args[1] |= 0x5555555500000000ull;
				}
				st = run(&l, name, args, in->nops, &got, 1);
				if (want_trap == W2B_TRAP_DIV_ZERO)
					ndiv0++;
				if (st != (long)want_trap || (!want_trap && got != want)) {
					if (bad++ < 3)
						fprintf(stderr, "  %s(%#" PRIx64 ", %#" PRIx64 "): "
							"status %ld value %#" PRIx64 ", want status %u "
							"value %#" PRIx64 "\n", name, vals[i],
							in->nops == 2 ? vals[j] : 0, st, got,
							want_trap, want);
				}
			}
		}
		CHECK(bad == 0, "%s (%s O%d): %u wrong results", in->text, mcpu, opt, bad);
	}
	div0_after = trap_count(&l, W2B_TRAP_DIV_ZERO);
	CHECK(div0_after - div0_before == ndiv0,
	      "trap stats count %" PRIu64 " divisions by zero, want %" PRIu64,
	      div0_after - div0_before, ndiv0);
out:
	unload(&l);
	arena_free(&t.a);
}

/* --- control flow, calls, loops ------------------------------------------ */

/* Function indices of the control-flow module. */
struct cf_mod {
	uint32_t sum_loop_first_off, sum_loop_last_off;
};

static void build_unreachable(struct tmod *t)
{
	struct fb b = tm_func(t, "w_unreach", "i", "i");
	struct ir_region *r = &b.f->body;
	struct ir_inst *blk;

	/* dead code after the trap, also in a nested block */
	trap(&b, r, W2B_TRAP_UNREACHABLE);
	blk = scope(&b, r, IR_BLOCK, IR_NOVAL);
	br(&b, &blk->u.scope.body, blk);
	ret(&b, r, 1, get(&b, r, 0));
	tm_entry(t, "unreach", b.index);
}

static void build_select(struct tmod *t)
{
	struct fb b = tm_func(t, "w_select", "iII", "I");
	struct ir_region *r = &b.f->body;

	ret(&b, r, 1, sel(&b, r, get(&b, r, 0), get(&b, r, 1), get(&b, r, 2)));
	tm_entry(t, "select", b.index);
}

/* brtab(x):
 *   r = 0 (zero-initialised local)
 *   block B3 { block B2 { block B1 { block B0 {
 *       br_table x [B0, B1, B2] default B3 }
 *     r = 100; br B3 }
 *     r = 101; br B3 }
 *     r = 102 }
 *   block C { br_if C (x >u 10); r += 1000 }
 *   if (x == 3) { r += 5 } else { r += 7 }
 *   return r
 */
static int64_t brtab_ref(uint32_t x)
{
	int64_t r = x == 0 ? 100 : x == 1 ? 101 : x == 2 ? 102 : 0;

	if (x <= 10)
		r += 1000;
	return r + (x == 3 ? 5 : 7);
}

static void build_brtab(struct tmod *t)
{
	struct fb b = tm_func(t, "w_brtab", "i", "I");
	struct ir_region *r = &b.f->body, *rr;
	uint32_t res = local(&b, IR_I64), x;
	struct ir_inst *b3, *b2, *b1, *b0, *bt, *c, *ifi;

	b3 = scope(&b, r, IR_BLOCK, IR_NOVAL);
	b2 = scope(&b, &b3->u.scope.body, IR_BLOCK, IR_NOVAL);
	b1 = scope(&b, &b2->u.scope.body, IR_BLOCK, IR_NOVAL);
	b0 = scope(&b, &b1->u.scope.body, IR_BLOCK, IR_NOVAL);
	rr = &b0->u.scope.body;
	x = get(&b, rr, 0);
	bt = add(&b, rr, IR_BR_TABLE);
	bt->a = x;
	bt->u.table.ntargets = 3;
	bt->u.table.targets = arena_array(&t->a, 3, sizeof(struct ir_label *));
	bt->u.table.targets[0] = b0->u.scope.label;
	bt->u.table.targets[1] = b1->u.scope.label;
	bt->u.table.targets[2] = b2->u.scope.label;
	bt->u.table.dflt = b3->u.scope.label;
	set(&b, rr, res, cst(&b, rr, IR_I64, 999));	/* dead */
	rr = &b1->u.scope.body;
	set(&b, rr, res, cst(&b, rr, IR_I64, 100));
	br(&b, rr, b3);
	rr = &b2->u.scope.body;
	set(&b, rr, res, cst(&b, rr, IR_I64, 101));
	br(&b, rr, b3);
	rr = &b3->u.scope.body;
	set(&b, rr, res, cst(&b, rr, IR_I64, 102));

	c = scope(&b, r, IR_BLOCK, IR_NOVAL);
	rr = &c->u.scope.body;
	br_if(&b, rr, op2(&b, rr, IR_I32_GT_U, get(&b, rr, 0), cst(&b, rr, IR_I32, 10)), c);
	set(&b, rr, res, op2(&b, rr, IR_I64_ADD, get(&b, rr, res), cst(&b, rr, IR_I64, 1000)));

	ifi = scope(&b, r, IR_IF, op2(&b, r, IR_I32_EQ, get(&b, r, 0), cst(&b, r, IR_I32, 3)));
	rr = &ifi->u.scope.body;
	set(&b, rr, res, op2(&b, rr, IR_I64_ADD, get(&b, rr, res), cst(&b, rr, IR_I64, 5)));
	rr = &ifi->u.scope.else_body;
	set(&b, rr, res, op2(&b, rr, IR_I64_ADD, get(&b, rr, res), cst(&b, rr, IR_I64, 7)));
	ret(&b, r, 1, get(&b, r, res));
	tm_entry(t, "brtab", b.index);
}

/* f7(a:i32, b:i64, c:i32, d:i64, e:i32, f:i64, g:i32) =
 *   a + 3b + 5c + 7d + 11e + 13f + 17g (i64, i32s sign-extended) */
static const int64_t f7_k[7] = { 1, 3, 5, 7, 11, 13, 17 };

static int64_t f7_ref(const uint64_t *p)
{
	int64_t s = 0;

	for (int i = 0; i < 7; i++)
		s += f7_k[i] * (i % 2 ? (int64_t)p[i] : (int64_t)(int32_t)p[i]);
	return s;
}

static uint32_t build_f7(struct tmod *t)
{
	struct fb b = tm_func(t, "w_f7", "iIiIiIi", "I");
	struct ir_region *r = &b.f->body;
	uint32_t s = cst(&b, r, IR_I64, 0);

	b.f->may_trap = false;
	for (uint32_t i = 0; i < 7; i++) {
		uint32_t v = get(&b, r, i);

		if (!(i % 2))
			v = op1(&b, r, IR_I64_EXTEND_I32_S, v);
		s = op2(&b, r, IR_I64_ADD, s, op2(&b, r, IR_I64_MUL, v,
						   cst(&b, r, IR_I64, f7_k[i])));
	}
	ret(&b, r, 1, s);
	tm_entry(t, "f7", b.index);
	return b.index;
}

/* c7(x:i32, y:i64) = f7(x, y, x+1, y*2, -x, y-5, 42) + f5(x, y, x, y, 9) */
static void build_c7(struct tmod *t, uint32_t f7)
{
	struct fb b5 = tm_func(t, "w_f5", "iIiIi", "I");
	struct ir_region *r = &b5.f->body;
	uint32_t s, x, y, v;
	struct fb b;

	/* f5(a, b, c, d, e) = a - b + 2c - 3d + 5e */
	b5.f->may_trap = false;
	s = op2(&b5, r, IR_I64_SUB, op1(&b5, r, IR_I64_EXTEND_I32_S, get(&b5, r, 0)),
		get(&b5, r, 1));
	s = op2(&b5, r, IR_I64_ADD, s, op2(&b5, r, IR_I64_MUL, cst(&b5, r, IR_I64, 2),
					    op1(&b5, r, IR_I64_EXTEND_I32_S, get(&b5, r, 2))));
	s = op2(&b5, r, IR_I64_SUB, s, op2(&b5, r, IR_I64_MUL, cst(&b5, r, IR_I64, 3),
					    get(&b5, r, 3)));
	s = op2(&b5, r, IR_I64_ADD, s, op2(&b5, r, IR_I64_MUL, cst(&b5, r, IR_I64, 5),
					    op1(&b5, r, IR_I64_EXTEND_I32_S, get(&b5, r, 4))));
	ret(&b5, r, 1, s);

	b = tm_func(t, "w_c7", "iI", "I");
	r = &b.f->body;
	b.f->may_trap = false;
	x = get(&b, r, 0);
	y = get(&b, r, 1);
	v = call(&b, r, f7, NULL, 7, x, y,
		 op2(&b, r, IR_I32_ADD, x, cst(&b, r, IR_I32, 1)),
		 op2(&b, r, IR_I64_MUL, y, cst(&b, r, IR_I64, 2)),
		 op2(&b, r, IR_I32_SUB, cst(&b, r, IR_I32, 0), x),
		 op2(&b, r, IR_I64_SUB, y, cst(&b, r, IR_I64, 5)),
		 cst(&b, r, IR_I32, 42));
	s = call(&b, r, b5.index, NULL, 5, x, y, x, y, cst(&b, r, IR_I32, 9));
	ret(&b, r, 1, op2(&b, r, IR_I64_ADD, v, s));
	tm_entry(t, "c7", b.index);
}

static int64_t c7_ref(int32_t x, int64_t y)
{
	uint64_t p[7] = { (uint32_t)x, (uint64_t)y, (uint32_t)(x + 1), (uint64_t)(y * 2),
			  (uint32_t)-x, (uint64_t)(y - 5), 42 };

	return f7_ref(p) + ((int64_t)x - y + 2 * (int64_t)x - 3 * y + 5 * 9);
}

/* multi(x:i32) = (x + 1 : i32, x * x : i64, x - 3 : i32); and
 * multi_sum(x) = r0 + r1 + r2, through a Wasm call */
static void build_multi(struct tmod *t)
{
	struct fb b = tm_func(t, "w_multi", "i", "iIi");
	struct ir_region *r = &b.f->body;
	uint32_t x = get(&b, r, 0), res[3], xx, s;

	b.f->may_trap = false;
	xx = op1(&b, r, IR_I64_EXTEND_I32_S, x);
	ret(&b, r, 3, op2(&b, r, IR_I32_ADD, x, cst(&b, r, IR_I32, 1)),
	    op2(&b, r, IR_I64_MUL, xx, xx), op2(&b, r, IR_I32_SUB, x, cst(&b, r, IR_I32, 3)));
	tm_entry(t, "multi", b.index);

	{
		struct fb c = tm_func(t, "w_multi_sum", "i", "I");

		r = &c.f->body;
		c.f->may_trap = false;
		call(&c, r, b.index, res, 1, get(&c, r, 0));
		s = op2(&c, r, IR_I64_ADD, op1(&c, r, IR_I64_EXTEND_I32_S, res[0]), res[1]);
		s = op2(&c, r, IR_I64_ADD, s, op1(&c, r, IR_I64_EXTEND_I32_S, res[2]));
		ret(&c, r, 1, s);
		tm_entry(t, "multi_sum", c.index);
	}
}

/* div(a, b) = a / b with its guard; caller(a, b) = div(a, b) + 1; and a
 * fuel loop calling div(100, i - 5) for i = 0..9, which traps at i = 5
 * while its iterator is live. */
static void build_trap_prop(struct tmod *t)
{
	struct fb d = tm_func(t, "w_div", "ii", "i");
	struct ir_region *r = &d.f->body;
	uint32_t a = get(&d, r, 0), bb = get(&d, r, 1), i, v;
	struct fb c, lp;
	struct ir_inst *loop;

	trap_if(&d, r, op1(&d, r, IR_I32_EQZ, bb), W2B_TRAP_DIV_ZERO);
	ret(&d, r, 1, op2(&d, r, IR_I32_DIV_U, a, bb));

	c = tm_func(t, "w_div_caller", "ii", "i");
	r = &c.f->body;
	v = call(&c, r, d.index, NULL, 2, get(&c, r, 0), get(&c, r, 1));
	ret(&c, r, 1, op2(&c, r, IR_I32_ADD, v, cst(&c, r, IR_I32, 1)));
	tm_entry(t, "trap_prop", c.index);

	/* loop_trap(n): i = 0; s = 0; loop { s += div(100, i - n); i++;
	 * br_if loop (i < 10) } return s */
	lp = tm_func(t, "w_loop_trap", "i", "i");
	r = &lp.f->body;
	i = local(&lp, IR_I32);
	{
		uint32_t s = local(&lp, IR_I32), l2[2] = { i, s }, q;
		struct ir_region *lr;

		loop = loop_iter(&lp, r, 100, l2, 2);
		lr = &loop->u.scope.body;
		q = call(&lp, lr, d.index, NULL, 2, cst(&lp, lr, IR_I32, 100),
			 op2(&lp, lr, IR_I32_SUB, get(&lp, lr, i), get(&lp, lr, 0)));
		set(&lp, lr, s, op2(&lp, lr, IR_I32_ADD, get(&lp, lr, s), q));
		set(&lp, lr, i, op2(&lp, lr, IR_I32_ADD, get(&lp, lr, i), cst(&lp, lr, IR_I32, 1)));
		br_if(&lp, lr, op2(&lp, lr, IR_I32_LT_U, get(&lp, lr, i), cst(&lp, lr, IR_I32, 10)),
		      loop);
		ret(&lp, r, 1, get(&lp, r, s));
	}
	tm_entry(t, "loop_trap", lp.index);
}

/* sum(): i = 0; s = 0; loop ITER(1000000) { s += i; i++; br_if loop (i <u
 * 1000000) } return s — also with the bound a parameter (sum_n). */
static void build_sum(struct tmod *t, struct cf_mod *cm)
{
	for (int param = 0; param < 2; param++) {
		struct fb b = tm_func(t, param ? "w_sum_n" : "w_sum", param ? "i" : "", "I");
		struct ir_region *r = &b.f->body, *lr;
		uint32_t i = local(&b, IR_I32), s = local(&b, IR_I64), l2[2] = { i, s }, n;
		struct ir_inst *loop;

		b.f->may_trap = true;
		if (!param)
			cm->sum_loop_first_off = t->off;
		loop = loop_iter(&b, r, 1000000, l2, 2);
		lr = &loop->u.scope.body;
		set(&b, lr, s, op2(&b, lr, IR_I64_ADD, get(&b, lr, s),
				   op1(&b, lr, IR_I64_EXTEND_I32_U, get(&b, lr, i))));
		set(&b, lr, i, op2(&b, lr, IR_I32_ADD, get(&b, lr, i), cst(&b, lr, IR_I32, 1)));
		n = param ? get(&b, lr, 0) : cst(&b, lr, IR_I32, 1000000);
		br_if(&b, lr, op2(&b, lr, IR_I32_LT_U, get(&b, lr, i), n), loop);
		ret(&b, r, 1, get(&b, r, s));
		if (!param)
			cm->sum_loop_last_off = t->off;
		tm_entry(t, param ? "sum_n" : "sum", b.index);
	}
}

/* nested(limit): count = 0
 *   block OUT {
 *     i = 0; loop LI (ITER 200) {
 *       j = 0; loop LJ (ITER 200) {
 *         count++; br_if OUT (count == limit)
 *         j++; br_if LJ (j < 100) }
 *       i++; br_if LI (i < 100) } }
 *   return count * 65536 + i * 256 + j  (i64)
 */
static void build_nested(struct tmod *t)
{
	struct fb b = tm_func(t, "w_nested", "i", "I");
	struct ir_region *r = &b.f->body, *ro, *ri, *rj;
	uint32_t cnt = local(&b, IR_I32), i = local(&b, IR_I32), j = local(&b, IR_I32);
	uint32_t li[3] = { cnt, i, j }, lj[2] = { cnt, j }, v;
	struct ir_inst *out, *loop_i, *loop_j;

	out = scope(&b, r, IR_BLOCK, IR_NOVAL);
	ro = &out->u.scope.body;
	set(&b, ro, i, cst(&b, ro, IR_I32, 0));
	loop_i = loop_iter(&b, ro, 200, li, 3);
	ri = &loop_i->u.scope.body;
	set(&b, ri, j, cst(&b, ri, IR_I32, 0));
	loop_j = loop_iter(&b, ri, 200, lj, 2);
	rj = &loop_j->u.scope.body;
	set(&b, rj, cnt, op2(&b, rj, IR_I32_ADD, get(&b, rj, cnt), cst(&b, rj, IR_I32, 1)));
	br_if(&b, rj, op2(&b, rj, IR_I32_EQ, get(&b, rj, cnt), get(&b, rj, 0)), out);
	set(&b, rj, j, op2(&b, rj, IR_I32_ADD, get(&b, rj, j), cst(&b, rj, IR_I32, 1)));
	br_if(&b, rj, op2(&b, rj, IR_I32_LT_U, get(&b, rj, j), cst(&b, rj, IR_I32, 100)), loop_j);
	set(&b, ri, i, op2(&b, ri, IR_I32_ADD, get(&b, ri, i), cst(&b, ri, IR_I32, 1)));
	br_if(&b, ri, op2(&b, ri, IR_I32_LT_U, get(&b, ri, i), cst(&b, ri, IR_I32, 100)), loop_i);

	v = op2(&b, r, IR_I64_MUL, op1(&b, r, IR_I64_EXTEND_I32_U, get(&b, r, cnt)),
		cst(&b, r, IR_I64, 65536));
	v = op2(&b, r, IR_I64_ADD, v, op2(&b, r, IR_I64_MUL,
					  op1(&b, r, IR_I64_EXTEND_I32_U, get(&b, r, i)),
					  cst(&b, r, IR_I64, 256)));
	v = op2(&b, r, IR_I64_ADD, v, op1(&b, r, IR_I64_EXTEND_I32_U, get(&b, r, j)));
	ret(&b, r, 1, v);
	tm_entry(t, "nested", b.index);
}

static uint64_t nested_ref(uint32_t limit)
{
	uint32_t cnt = 0, i = 0, j = 0;

	for (i = 0; i < 100; i++) {
		for (j = 0; j < 100; j++) {
			if (++cnt == limit)
				goto out;
		}
	}
out:
	return (uint64_t)cnt * 65536 + i * 256 + j;
}

/* fuel(): n = 0; loop ITER(100) { n++; br loop } — never ends; and
 * plain(x): s = 0; i = 0; loop PLAIN(10) { s += i * x; i++; br_if (i < 10) } */
static void build_fuel_plain(struct tmod *t)
{
	struct fb b = tm_func(t, "w_fuel", "", "i");
	struct ir_region *r = &b.f->body, *lr;
	uint32_t n = local(&b, IR_I32), s, i;
	struct ir_inst *loop;

	loop = loop_iter(&b, r, 100, &n, 1);
	lr = &loop->u.scope.body;
	set(&b, lr, n, op2(&b, lr, IR_I32_ADD, get(&b, lr, n), cst(&b, lr, IR_I32, 1)));
	br(&b, lr, loop);
	ret(&b, r, 1, get(&b, r, n));
	tm_entry(t, "fuel", b.index);

	b = tm_func(t, "w_plain", "i", "i");
	r = &b.f->body;
	b.f->may_trap = false;
	s = local(&b, IR_I32);
	i = local(&b, IR_I32);
	loop = scope(&b, r, IR_LOOP, IR_NOVAL);
	loop->u.scope.loop.lowering = IR_LOOP_PLAIN;
	loop->u.scope.loop.max_iters = 10;
	lr = &loop->u.scope.body;
	set(&b, lr, s, op2(&b, lr, IR_I32_ADD, get(&b, lr, s),
			   op2(&b, lr, IR_I32_MUL, get(&b, lr, i), get(&b, lr, 0))));
	set(&b, lr, i, op2(&b, lr, IR_I32_ADD, get(&b, lr, i), cst(&b, lr, IR_I32, 1)));
	br_if(&b, lr, op2(&b, lr, IR_I32_LT_U, get(&b, lr, i), cst(&b, lr, IR_I32, 10)), loop);
	ret(&b, r, 1, get(&b, r, s));
	tm_entry(t, "plain", b.index);
}

/* tbl_loop(n): i = 0; s = 0
 *   block OUT { loop L (ITER 1000) {
 *     i++
 *     block A { br_table (i <u n ? i & 1 : 2) [A, L, OUT] default OUT }
 *     s += i; br L } }
 *   return s * 1000 + i
 * br_table inside a fuel loop: to a block inside it, to the loop itself and
 * out of it (which must destroy the iterator). And ret_in_loop(n): a return
 * from inside a fuel loop: i = 0; loop (ITER 1000) { i++; if (i == n)
 * return 2i; br loop } */
static void build_tbl_loop(struct tmod *t)
{
	struct fb b = tm_func(t, "w_tbl_loop", "i", "I");
	struct ir_region *r = &b.f->body, *ro, *rl, *ra;
	uint32_t i = local(&b, IR_I32), s = local(&b, IR_I64), l2[2] = { i, s }, c, x;
	struct ir_inst *out, *loop, *blk, *bt, *ifi;

	out = scope(&b, r, IR_BLOCK, IR_NOVAL);
	ro = &out->u.scope.body;
	loop = loop_iter(&b, ro, 1000, l2, 2);
	rl = &loop->u.scope.body;
	set(&b, rl, i, op2(&b, rl, IR_I32_ADD, get(&b, rl, i), cst(&b, rl, IR_I32, 1)));
	blk = scope(&b, rl, IR_BLOCK, IR_NOVAL);
	ra = &blk->u.scope.body;
	c = op2(&b, ra, IR_I32_LT_U, get(&b, ra, i), get(&b, ra, 0));
	x = sel(&b, ra, c, op2(&b, ra, IR_I32_AND, get(&b, ra, i), cst(&b, ra, IR_I32, 1)),
		cst(&b, ra, IR_I32, 2));
	bt = add(&b, ra, IR_BR_TABLE);
	bt->a = x;
	bt->u.table.ntargets = 3;
	bt->u.table.targets = arena_array(&t->a, 3, sizeof(struct ir_label *));
	bt->u.table.targets[0] = blk->u.scope.label;
	bt->u.table.targets[1] = loop->u.scope.label;
	bt->u.table.targets[2] = out->u.scope.label;
	bt->u.table.dflt = out->u.scope.label;
	set(&b, rl, s, op2(&b, rl, IR_I64_ADD, get(&b, rl, s),
			   op1(&b, rl, IR_I64_EXTEND_I32_U, get(&b, rl, i))));
	br(&b, rl, loop);
	ret(&b, r, 1, op2(&b, r, IR_I64_ADD,
			  op2(&b, r, IR_I64_MUL, get(&b, r, s), cst(&b, r, IR_I64, 1000)),
			  op1(&b, r, IR_I64_EXTEND_I32_U, get(&b, r, i))));
	tm_entry(t, "tbl_loop", b.index);

	b = tm_func(t, "w_ret_in_loop", "i", "i");
	r = &b.f->body;
	i = local(&b, IR_I32);
	loop = loop_iter(&b, r, 1000, &i, 1);
	rl = &loop->u.scope.body;
	set(&b, rl, i, op2(&b, rl, IR_I32_ADD, get(&b, rl, i), cst(&b, rl, IR_I32, 1)));
	ifi = scope(&b, rl, IR_IF, op2(&b, rl, IR_I32_EQ, get(&b, rl, i), get(&b, rl, 0)));
	ra = &ifi->u.scope.body;
	ret(&b, ra, 1, op2(&b, ra, IR_I32_MUL, get(&b, ra, i), cst(&b, ra, IR_I32, 2)));
	br(&b, rl, loop);
	/* the loop never falls out: the end of the function is dead */
	tm_entry(t, "ret_in_loop", b.index);
}

static uint64_t tbl_loop_ref(uint32_t n)
{
	uint64_t s = 0;
	uint32_t i = 0;

	for (;;) {
		i++;
		if (i >= n)
			break;
		if (!(i & 1))
			s += i;
	}
	return s * 1000 + i;
}

static void build_control(struct tmod *t, struct cf_mod *cm)
{
	uint32_t f7;

	tm_init(t, "tests/control.wasm");
	build_unreachable(t);
	build_select(t);
	build_brtab(t);
	f7 = build_f7(t);
	build_c7(t, f7);
	build_multi(t);
	build_trap_prop(t);
	build_sum(t, cm);
	build_nested(t);
	build_fuel_plain(t);
	build_tbl_loop(t);
}

static void test_control(const char *mcpu, int opt)
{
	struct tmod t;
	struct cf_mod cm;
	struct loaded l;
	uint64_t in[8], out[4];
	long st;
	int err;

	build_control(&t, &cm);
	err = load(&t, mcpu, opt, &l);
	CHECK(err == 0, "control module (%s, O%d) loads", mcpu, opt);
	if (err)
		goto out;
	CHECK(!strstr(libbpf_log, "BTF"), "libbpf complained about BTF:\n%s", libbpf_log);

	/* unreachable */
	in[0] = 5;
	st = run(&l, "unreach", in, 1, out, 1);
	CHECK(st == W2B_TRAP_UNREACHABLE, "unreachable: status %ld", st);
	CHECK(trap_count(&l, W2B_TRAP_UNREACHABLE) >= 1, "unreachable counted");

	/* select */
	in[0] = 0xffffffff00000000ull;	/* i32 0: high half ignored */
	in[1] = 11;
	in[2] = 22;
	st = run(&l, "select", in, 3, out, 1);
	CHECK(st == 0 && out[0] == 22, "select(0): %ld %" PRIu64, st, out[0]);
	in[0] = 0x80000000;
	st = run(&l, "select", in, 3, out, 1);
	CHECK(st == 0 && out[0] == 11, "select(1<<31): %ld %" PRIu64, st, out[0]);
	{
		/* a context shorter than the program reads: the kernel itself
		 * refuses the run (ctx_size_in < the highest offset touched) */
		uint64_t ctx[5] = { 0 };
		LIBBPF_OPTS(bpf_test_run_opts, o, .ctx_in = ctx,
			    .ctx_size_in = W2B_SYSCALL_CTX_SIZE(3, 1) - 8);

		err = bpf_prog_test_run_opts(prog_fd(&l, "select"), &o);
		CHECK(err == -EINVAL, "short context: %d", err);
	}

	/* br_table, br_if, if/else */
	{
		unsigned bad = 0;

		for (uint32_t x = 0; x < 14; x++) {
			in[0] = x == 13 ? 0xffffffff : x;
			st = run(&l, "brtab", in, 1, out, 1);
			if (st != 0 || (int64_t)out[0] != brtab_ref((uint32_t)in[0])) {
				bad++;
				fprintf(stderr, "  brtab(%" PRIu64 ") = %ld/%" PRId64 ", want %" PRId64 "\n",
					in[0], st, (int64_t)out[0], brtab_ref((uint32_t)in[0]));
			}
		}
		CHECK(bad == 0, "brtab (%s O%d)", mcpu, opt);
	}

	/* 7 and 5 params */
	{
		uint64_t p[7] = { 0xffffffff, 0x100000000ull, 3, (uint64_t)-4, 0x80000000,
				  0x123456789ull, 7 };

		st = run(&l, "f7", p, 7, out, 1);
		CHECK(st == 0 && (int64_t)out[0] == f7_ref(p), "f7: %ld %" PRId64 " want %" PRId64,
		      st, (int64_t)out[0], f7_ref(p));
		in[0] = (uint32_t)-17;
		in[1] = 1000000007;
		st = run(&l, "c7", in, 2, out, 1);
		CHECK(st == 0 && (int64_t)out[0] == c7_ref(-17, 1000000007),
		      "c7: %ld %" PRId64 " want %" PRId64, st, (int64_t)out[0],
		      c7_ref(-17, 1000000007));
	}

	/* 3 results */
	in[0] = (uint32_t)-5;
	st = run(&l, "multi", in, 1, out, 3);
	CHECK(st == 0 && out[0] == (uint32_t)-4 && out[1] == 25 && out[2] == (uint32_t)-8,
	      "multi(-5): %ld %#" PRIx64 " %#" PRIx64 " %#" PRIx64, st, out[0], out[1], out[2]);
	st = run(&l, "multi_sum", in, 1, out, 1);
	CHECK(st == 0 && (int64_t)out[0] == -4 + 25 - 8, "multi_sum(-5): %ld %" PRId64, st,
	      (int64_t)out[0]);

	/* a trap in a callee */
	in[0] = 100;
	in[1] = 7;
	st = run(&l, "trap_prop", in, 2, out, 1);
	CHECK(st == 0 && out[0] == 15, "trap_prop(100, 7): %ld %" PRIu64, st, out[0]);
	in[1] = 0;
	out[0] = 12345;
	st = run(&l, "trap_prop", in, 2, out, 1);
	CHECK(st == W2B_TRAP_DIV_ZERO, "trap_prop(100, 0): status %ld", st);
	in[0] = 5;
	st = run(&l, "loop_trap", in, 1, out, 1);
	CHECK(st == W2B_TRAP_DIV_ZERO, "loop_trap(5): status %ld", st);
	in[0] = 20;
	st = run(&l, "loop_trap", in, 1, out, 1);
	{
		uint32_t s = 0;

		for (uint32_t i = 0; i < 10; i++)
			s += 100 / (i - 20);
		CHECK(st == 0 && out[0] == s, "loop_trap(20): %ld %" PRIu64 " want %u", st,
		      out[0], s);
	}

	/* the 1M-iteration fuel loop */
	{
		struct bpf_prog_info info;
		struct bpf_line_info lines[4096];
		unsigned outside = 0;

		st = run(&l, "sum", in, 0, out, 1);
		CHECK(st == 0 && out[0] == 499999500000ull, "sum: %ld %" PRIu64, st, out[0]);
		in[0] = 1000;
		st = run(&l, "sum_n", in, 1, out, 1);
		CHECK(st == 0 && out[0] == 499500, "sum_n(1000): %ld %" PRIu64, st, out[0]);
		in[0] = 1000001;	/* one more than the fuel */
		st = run(&l, "sum_n", in, 1, out, 1);
		CHECK(st == W2B_TRAP_LOOP_LIMIT, "sum_n(1000001): status %ld", st);
		CHECK(prog_info(&l, "sum", &info, NULL, 0) == 0, "prog info");
		printf("sum of 0..999999 (%s, O%d): verified_insns %u, xlated %u bytes\n",
		       mcpu, opt, info.verified_insns, info.xlated_prog_len);
		CHECK(info.verified_insns < 5000, "verified_insns %u", info.verified_insns);
		CHECK(prog_info(&l, "sum", &info, lines,
				sizeof(lines) / sizeof(lines[0])) == 0, "line info");
		CHECK(info.nr_line_info > 0, "sum has line info");
		/* line = Wasm offset: every line is one of the function's or
		 * the wrapper's (entry lines are the function offset) */
		for (uint32_t k = 0; k < info.nr_line_info && k < 4096; k++) {
			uint32_t line = lines[k].line_col >> 10;

			if (line < cm.sum_loop_first_off - 0x10 || line >= cm.sum_loop_last_off)
				outside++;
		}
		CHECK(outside == 0, "%u of %u line infos outside the function's offsets",
		      outside, info.nr_line_info);
		if (verbose)
			for (uint32_t k = 0; k < info.nr_line_info && k < 4096; k++)
				printf("  insn %u line %#x col %u\n", lines[k].insn_off,
				       lines[k].line_col >> 10, lines[k].line_col & 0x3ff);
	}

	/* nested iterators left by one branch */
	{
		uint32_t limits[] = { 1, 50, 150, 5000, 9999, 10000, 10001 };
		unsigned bad = 0;

		for (size_t k = 0; k < sizeof(limits) / sizeof(limits[0]); k++) {
			in[0] = limits[k];
			st = run(&l, "nested", in, 1, out, 1);
			if (st != 0 || out[0] != nested_ref(limits[k])) {
				bad++;
				fprintf(stderr, "  nested(%u) = %ld/%#" PRIx64 ", want %#" PRIx64 "\n",
					limits[k], st, out[0], nested_ref(limits[k]));
			}
		}
		CHECK(bad == 0, "nested (%s O%d)", mcpu, opt);
	}

	/* fuel runs out; a plain loop */
	{
		uint64_t before = trap_count(&l, W2B_TRAP_LOOP_LIMIT);

		st = run(&l, "fuel", in, 0, out, 1);
		CHECK(st == W2B_TRAP_LOOP_LIMIT, "fuel: status %ld", st);
		CHECK(trap_count(&l, W2B_TRAP_LOOP_LIMIT) == before + 1, "loop limit counted");
	}
	in[0] = 3;
	st = run(&l, "plain", in, 1, out, 1);
	CHECK(st == 0 && out[0] == 135, "plain(3): %ld %" PRIu64, st, out[0]);

	/* br_table and return inside fuel loops */
	{
		uint32_t ns[] = { 0, 1, 2, 10, 11, 999, 1000, 1001 };
		unsigned bad = 0;

		for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
			/* the header is reached i times for i = 1..n: n <= 1000 */
			long want = ns[k] <= 1000 ? 0 : W2B_TRAP_LOOP_LIMIT;

			in[0] = ns[k];
			st = run(&l, "tbl_loop", in, 1, out, 1);
			if (st != want || (!want && out[0] != tbl_loop_ref(ns[k]))) {
				bad++;
				fprintf(stderr, "  tbl_loop(%u) = %ld/%" PRIu64 ", want %ld/%" PRIu64 "\n",
					ns[k], st, out[0], want, tbl_loop_ref(ns[k]));
			}
			want = ns[k] >= 1 && ns[k] <= 1000 ? 0 : W2B_TRAP_LOOP_LIMIT;
			st = run(&l, "ret_in_loop", in, 1, out, 1);
			if (st != want || (!want && out[0] != 2 * ns[k])) {
				bad++;
				fprintf(stderr, "  ret_in_loop(%u) = %ld/%" PRIu64 ", want %ld\n",
					ns[k], st, out[0], want);
			}
		}
		CHECK(bad == 0, "br_table/return in fuel loops (%s O%d)", mcpu, opt);
	}
out:
	unload(&l);
	arena_free(&t.a);
}

/* --- instance state: memory, data, globals, copy/fill ----------------------- */

/* The CPUs this process may run on (at most two are used). */
static int cpu_list[2], ncpu_list;

static bool pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) == 0;
}

static void tm_memory(struct tmod *t, uint32_t size)
{
	t->m.memory.present = true;
	t->m.memory.pages = (size + 65535) / 65536;
	t->m.memory.size = size;
}

static void tm_data(struct tmod *t, uint32_t off, const uint8_t *bytes, uint32_t size)
{
	struct ir_memory *mem = &t->m.memory;
	struct ir_data *dt;
	uint8_t *copy = arena_alloc(&t->a, size + 1);

	memcpy(copy, bytes, size);
	mem->datas = arena_grow(&t->a, mem->datas, mem->ndatas, mem->ndatas + 1,
				sizeof(*mem->datas));
	dt = &mem->datas[mem->ndatas++];
	dt->offset = off;
	dt->size = size;
	dt->bytes = copy;
}

static uint32_t tm_global(struct tmod *t, enum ir_type ty, bool mut, int64_t init,
			  const char *symbol)
{
	struct ir_global *g;

	t->m.globals = arena_grow(&t->a, t->m.globals, t->m.nglobals, t->m.nglobals + 1,
				  sizeof(*t->m.globals));
	g = &t->m.globals[t->m.nglobals];
	g->type = (uint8_t)ty;
	g->mutable_ = mut;
	g->init = init;
	g->wasm_index = t->m.nglobals;
	g->symbol = symbol ? arena_strdup(&t->a, symbol) : NULL;
	g->name = g->symbol;
	return t->m.nglobals++;
}

static unsigned log2u(unsigned w)
{
	return w == 8 ? 3 : w == 4 ? 2 : w == 2 ? 1 : 0;
}

static uint32_t mload(struct fb *b, struct ir_region *r, enum ir_type t, unsigned width,
		      bool sign, uint32_t addr, uint32_t off, unsigned align)
{
	struct ir_inst *i = add(b, r, IR_LOAD);

	i->type = (uint8_t)t;
	i->dst = ir_new_vreg(&b->t->a, b->f, t);
	i->a = addr;
	i->flags = sign ? IR_F_SIGNED : 0;
	i->u.mem.offset = off;
	i->u.mem.width = (uint8_t)width;
	i->u.mem.align = (uint8_t)align;
	i->u.mem.region = IR_MEM_INSTANCE;
	return i->dst;
}

static void mstore(struct fb *b, struct ir_region *r, unsigned width, uint32_t addr,
		   uint32_t val, uint32_t off, unsigned align)
{
	struct ir_inst *i = add(b, r, IR_STORE);

	i->a = addr;
	i->b = val;
	i->u.mem.offset = off;
	i->u.mem.width = (uint8_t)width;
	i->u.mem.align = (uint8_t)align;
	i->u.mem.region = IR_MEM_INSTANCE;
}

static uint32_t gget(struct fb *b, struct ir_region *r, uint32_t g)
{
	struct ir_inst *i = add(b, r, IR_GLOBAL_GET);

	i->type = b->t->m.globals[g].type;
	i->dst = ir_new_vreg(&b->t->a, b->f, i->type);
	i->u.global = g;
	return i->dst;
}

static void gset(struct fb *b, struct ir_region *r, uint32_t g, uint32_t v)
{
	struct ir_inst *i = add(b, r, IR_GLOBAL_SET);

	i->u.global = g;
	i->a = v;
}

static void mbulk(struct fb *b, struct ir_region *r, enum ir_kind k, uint32_t x, uint32_t y,
		  uint32_t z)
{
	struct ir_inst *i = add(b, r, k);

	i->a = x;
	i->b = y;
	i->c = z;
	i->u.mem.region = IR_MEM_INSTANCE;
}

/* Bit offset of member `name` of BTF struct `st` in the loaded object, or
 * -1. (Also checks that the BTF describes the layout the code uses.) */
static long btf_member(struct loaded *l, const char *st, const char *name)
{
	struct btf *btf = bpf_object__btf(l->obj);
	const struct btf_type *t;
	const struct btf_member *m;
	int id;

	if (!btf || (id = btf__find_by_name_kind(btf, st, BTF_KIND_STRUCT)) < 0)
		return -1;
	t = btf__type_by_id(btf, (uint32_t)id);
	m = btf_members(t);
	for (uint16_t k = 0; k < btf_vlen(t); k++)
		if (!strcmp(btf__name_by_offset(btf, m[k].name_off), name))
			return (long)btf_member_bit_offset(t, k);
	return -1;
}

/* This CPU's copy of the env value (malloc'd), or NULL. */
static uint8_t *env_value(struct loaded *l, int cpu, size_t *size)
{
	struct bpf_map *m = bpf_object__find_map_by_name(l->obj, W2B_ENV_MAP);
	int ncpu = libbpf_num_possible_cpus();
	uint32_t key = 0;
	size_t vs;
	uint8_t *all, *one;

	if (!m || ncpu <= 0 || cpu >= ncpu)
		return NULL;
	vs = (bpf_map__value_size(m) + 7) & ~7u;
	all = calloc((size_t)ncpu, vs);
	one = malloc(vs);
	if (!all || !one || bpf_map_lookup_elem(bpf_map__fd(m), &key, all)) {
		free(all);
		free(one);
		return NULL;
	}
	memcpy(one, all + (size_t)cpu * vs, vs);
	free(all);
	*size = bpf_map__value_size(m);
	return one;
}

/* The instance memory of `cpu` (malloc'd, `size` bytes), wherever it lives:
 * in the env value, or in blocks (docs/abi.md): the hot one in the env
 * value, the others in W2B_MEMORY_MAP (a per-CPU array: a lookup gives
 * every possible CPU's copy of a block). These modules have no wasm-ld
 * layout, so their hot block is block 0, the phase 0, and block k is
 * entry k - 1. */
static uint8_t *instance_memory(struct loaded *l, int cpu, uint32_t size)
{
	struct bpf_map *mm = bpf_object__find_map_by_name(l->obj, W2B_MEMORY_MAP);
	uint8_t *buf = malloc(size ? size : 1), *env;
	long off;
	size_t es;

	if (!buf)
		return NULL;
	if (mm) {
		uint32_t vs = bpf_map__value_size(mm), n = bpf_map__max_entries(mm);
		size_t stride = (vs + 7) & ~7u;
		int ncpus = libbpf_num_possible_cpus();
		uint8_t *all = ncpus > 0 ? malloc(stride * (size_t)ncpus) : NULL;

		if (!all || (uint64_t)vs * (n + 1) < size || cpu >= ncpus) {
			free(all);
			free(buf);
			return NULL;
		}
		off = btf_member(l, "w2b_env_value", "memory");
		env = env_value(l, cpu, &es);
		if (off < 0 || !env || (size_t)off / 8 + vs > es) {
			free(env);
			free(all);
			free(buf);
			return NULL;
		}
		memcpy(buf, env + off / 8, vs < size ? vs : size);
		free(env);
		for (uint32_t k = 1; k <= n && (uint64_t)k * vs < size; k++) {
			uint32_t len = size - k * vs < vs ? size - k * vs : vs, key = k - 1;

			if (bpf_map_lookup_elem(bpf_map__fd(mm), &key, all)) {
				free(all);
				free(buf);
				return NULL;
			}
			memcpy(buf + (size_t)k * vs, all + (size_t)cpu * stride, len);
		}
		free(all);
		return buf;
	}
	off = btf_member(l, "w2b_env_value", "memory");
	env = env_value(l, cpu, &es);
	if (off < 0 || !env || (size_t)off / 8 + size > es) {
		free(env);
		free(buf);
		return NULL;
	}
	memcpy(buf, env + off / 8, size);
	free(env);
	return buf;
}

/* The u64 at member `name` (+ idx) of cpu's env value; UINT64_MAX if none. */
static uint64_t env_word(struct loaded *l, int cpu, const char *name, uint32_t idx)
{
	long off = btf_member(l, "w2b_env_value", name);
	size_t es;
	uint8_t *env = off < 0 ? NULL : env_value(l, cpu, &es);
	uint64_t v = UINT64_MAX;

	if (env && (size_t)off / 8 + 8 * (idx + 1) <= es)
		memcpy(&v, env + off / 8 + 8 * idx, 8);
	free(env);
	return v;
}

/* Loads and stores of every width and sign, at the memory's edges. */
struct lkind { enum ir_type t; unsigned w; bool sign; };
static const struct lkind lkinds[] = {
	{ IR_I32, 1, false }, { IR_I32, 1, true }, { IR_I32, 2, false }, { IR_I32, 2, true },
	{ IR_I32, 4, false }, { IR_I64, 1, false }, { IR_I64, 1, true }, { IR_I64, 2, false },
	{ IR_I64, 2, true }, { IR_I64, 4, false }, { IR_I64, 4, true }, { IR_I64, 8, false },
};
static const struct lkind skinds[] = {
	{ IR_I32, 1, false }, { IR_I32, 2, false }, { IR_I32, 4, false }, { IR_I64, 1, false },
	{ IR_I64, 2, false }, { IR_I64, 4, false }, { IR_I64, 8, false },
};
/* memarg offsets: 0, small, exactly size - width, 0xffffffff */
#define NOFFS 4

static uint32_t off_of(unsigned k, uint32_t size, unsigned w)
{
	switch (k) {
	case 0: return 0;
	case 1: return 3;
	case 2: return size - w;
	}
	return 0xffffffffu;
}

static void kind_name(char *buf, size_t n, const char *pre, const struct lkind *k,
		      unsigned off, bool under)
{
	snprintf(buf, n, "%s_%s_%u%s_o%u%s", pre, k->t == IR_I64 ? "i64" : "i32", k->w * 8,
		 k->w * 8 < (k->t == IR_I64 ? 64u : 32u) ? (k->sign ? "s" : "u") : "", off,
		 under ? "_a0" : "");
}

static void build_access(struct tmod *t, uint32_t size)
{
	char name[64];

	tm_init(t, "tests/access.wasm");
	tm_memory(t, size);
	for (size_t k = 0; k < sizeof(lkinds) / sizeof(lkinds[0]); k++) {
		const struct lkind *lk = &lkinds[k];

		for (unsigned o = 0; o < NOFFS + 1; o++) {
			/* o == NOFFS: offset 0 with alignment 1 promised */
			bool under = o == NOFFS;
			struct fb b;
			uint32_t v;

			if (under && lk->w == 1)
				continue;
			kind_name(name, sizeof(name), "wl", lk, under ? 0 : o, under);
			b = tm_func(t, name, "i", lk->t == IR_I64 ? "I" : "i");
			v = mload(&b, &b.f->body, lk->t, lk->w, lk->sign, get(&b, &b.f->body, 0),
				  under ? 0 : off_of(o, size, lk->w), under ? 0 : log2u(lk->w));
			ret(&b, &b.f->body, 1, v);
			tm_entry(t, name + 1, b.index);
		}
	}
	for (size_t k = 0; k < sizeof(skinds) / sizeof(skinds[0]); k++) {
		const struct lkind *sk = &skinds[k];

		for (unsigned o = 0; o < NOFFS + 1; o++) {
			bool under = o == NOFFS;
			struct fb b;

			if (under && sk->w == 1)
				continue;
			kind_name(name, sizeof(name), "ws", sk, under ? 0 : o, under);
			b = tm_func(t, name, sk->t == IR_I64 ? "iI" : "ii", "");
			mstore(&b, &b.f->body, sk->w, get(&b, &b.f->body, 0), get(&b, &b.f->body, 1),
			       under ? 0 : off_of(o, size, sk->w), under ? 0 : log2u(sk->w));
			tm_entry(t, name + 1, b.index);
		}
	}
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	x ^= x >> 29;
	return x;
}

/* Addresses to try: the first and last 24 bytes, just past the end, and
 * the top of the 32-bit range. */
static size_t edge_addrs(uint32_t size, uint32_t *a)
{
	size_t n = 0;

	for (uint32_t i = 0; i < 24; i++)
		a[n++] = i;
	for (uint32_t i = 24; i > 0; i--)
		a[n++] = size - i;
	a[n++] = size;
	a[n++] = size + 1;
	a[n++] = 0x7fffffff;
	a[n++] = 0xfffffff8;
	a[n++] = 0xfffffffc;
	a[n++] = 0xffffffff;
	return n;
}

static void test_access(const char *mcpu, int opt, uint32_t size, bool want_map)
{
	struct tmod t;
	struct loaded l;
	uint32_t addrs[64];
	size_t na = edge_addrs(size, addrs);
	uint8_t *shadow = calloc(1, size), *mem = NULL;
	unsigned bad = 0, runs = 0;
	char name[64];
	int err;

	build_access(&t, size);
	err = load(&t, mcpu, opt, &l);
	CHECK(err == 0, "access module (%u bytes, %s O%d) loads", size, mcpu, opt);
	if (err || !shadow)
		goto out;
	CHECK((bpf_object__find_map_by_name(l.obj, W2B_MEMORY_MAP) != NULL) == want_map,
	      "%u-byte memory in %s", size, want_map ? "w2b_mem" : "the env value");
	CHECK(btf_member(&l, "w2b_env_value", "memory") >= 0,
	      "env value BTF has a memory member (all of it, or the hot block): %ld",
	      btf_member(&l, "w2b_env_value", "memory"));
	CHECK(!strstr(libbpf_log, "BTF"), "libbpf complained about BTF:\n%s", libbpf_log);

	/* stores, then loads, against a model of the memory */
	for (size_t k = 0; k < sizeof(skinds) / sizeof(skinds[0]); k++) {
		const struct lkind *sk = &skinds[k];

		for (unsigned o = 0; o < NOFFS + 1; o++) {
			bool under = o == NOFFS;
			uint64_t off = under ? 0 : off_of(o, size, sk->w);

			if (under && sk->w == 1)
				continue;
			kind_name(name, sizeof(name), "s", sk, under ? 0 : o, under);
			for (size_t i = 0; i < na; i++) {
				uint64_t in[2] = { addrs[i], mix(addrs[i] * 131 + k * 7 + o) };
				uint64_t ea = addrs[i] + off;
				bool trap = ea + sk->w > size;
				long st;

				if (o == 2 && i % 5)
					continue;	/* the end offset: fewer addresses */
				st = run(&l, name, in, 2, NULL, 0);
				runs++;
				if (st != (trap ? W2B_TRAP_OOB_MEMORY : 0)) {
					if (bad++ < 5)
						fprintf(stderr, "  %s(%#" PRIx64 "): status %ld, want %s\n",
							name, in[0], st, trap ? "trap" : "ok");
					continue;
				}
				if (!trap)
					for (unsigned b = 0; b < sk->w; b++)
						shadow[ea + b] = (uint8_t)(in[1] >> (8 * b));
			}
		}
	}
	for (size_t k = 0; k < sizeof(lkinds) / sizeof(lkinds[0]); k++) {
		const struct lkind *lk = &lkinds[k];

		for (unsigned o = 0; o < NOFFS + 1; o++) {
			bool under = o == NOFFS;
			uint64_t off = under ? 0 : off_of(o, size, lk->w);

			if (under && lk->w == 1)
				continue;
			kind_name(name, sizeof(name), "l", lk, under ? 0 : o, under);
			for (size_t i = 0; i < na; i++) {
				uint64_t in = addrs[i], got = 0, want = 0, ea = addrs[i] + off;
				bool trap = ea + lk->w > size;
				long st;

				if (!trap) {
					for (unsigned b = 0; b < lk->w; b++)
						want |= (uint64_t)shadow[ea + b] << (8 * b);
					if (lk->sign && (want >> (8 * lk->w - 1)) & 1)
						want |= ~0ull << (8 * lk->w);
					if (lk->t == IR_I32)
						want &= 0xffffffffu;
				}
				st = run(&l, name, &in, 1, &got, 1);
				runs++;
				if (st != (trap ? W2B_TRAP_OOB_MEMORY : 0) || (!trap && got != want))
					if (bad++ < 5)
						fprintf(stderr, "  %s(%#" PRIx64 "): status %ld value %#" PRIx64
							", want %s %#" PRIx64 "\n", name, in, st, got,
							trap ? "trap" : "ok", want);
			}
		}
	}
	CHECK(bad == 0, "loads/stores at the edges of a %u-byte memory (%s O%d): %u of %u wrong",
	      size, mcpu, opt, bad, runs);
	/* the memory itself, as the map holds it */
	mem = instance_memory(&l, cpu_list[0], size);
	CHECK(mem && !memcmp(mem, shadow, size), "memory contents match the model (%u bytes)", size);
	free(mem);
	{
		/* exactly size - width + 1 and ea overflow, counted as OOB */
		uint64_t before = trap_count(&l, W2B_TRAP_OOB_MEMORY), in, out;

		in = size - 4 + 1;
		CHECK(run(&l, "l_i32_32_o0", &in, 1, &out, 1) == W2B_TRAP_OOB_MEMORY,
		      "i32.load at size - 3");
		in = size - 4;
		CHECK(run(&l, "l_i32_32_o0", &in, 1, &out, 1) == 0, "i32.load at size - 4");
		in = 0xffffffff;	/* + offset 3: 0x100000002, no wrap to 2 */
		CHECK(run(&l, "l_i64_64_o1", &in, 1, &out, 1) == W2B_TRAP_OOB_MEMORY,
		      "i64.load 0xffffffff+3");
		in = 1;			/* 0xffffffff + 1 */
		CHECK(run(&l, "l_i32_8u_o3", &in, 1, &out, 1) == W2B_TRAP_OOB_MEMORY,
		      "i32.load8_u 1+0xffffffff");
		CHECK(trap_count(&l, W2B_TRAP_OOB_MEMORY) == before + 3, "OOB traps counted");
	}
out:
	free(shadow);
	unload(&l);
	arena_free(&t.a);
}

/* Data segments and globals. */
struct dmod {
	uint8_t *image;			/* the memory as the segments make it */
	uint32_t g_cnt, g_wide, g_zero, k_answer, k_big;
};

static void build_data(struct tmod *t, uint32_t size, struct dmod *dm)
{
	static const uint8_t d[5] = { 0x80, 0x81, 0x82, 0x83, 0x84 };
	uint8_t big[300], ee[10], tail[1000];
	struct fb b;
	struct ir_region *r;
	uint32_t v;

	tm_init(t, "tests/data.wasm");
	tm_memory(t, size);
	dm->image = calloc(1, size);
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7 + 1) | 1;
	memset(ee, 0xee, sizeof(ee));
	memset(tail, 0, sizeof(tail));
	tail[sizeof(tail) - 1] = 0x77;
#define SEG(off, p, n) do { tm_data(t, (off), (p), (n)); memcpy(dm->image + (off), (p), (n)); } while (0)
	SEG(0, (const uint8_t *)"0123456789abcdef", 16);
	SEG(100, big, sizeof(big));	/* copied from .rodata */
	SEG(120, ee, sizeof(ee));	/* overlaps: the later one wins */
	SEG(1000, (const uint8_t *)"Z", 1);
	SEG(2048, tail, sizeof(tail));	/* zeros, then one byte */
	SEG(size - 5, d, sizeof(d));	/* the very end, unaligned */
#undef SEG
	dm->g_cnt = tm_global(t, IR_I32, true, -5, NULL);
	dm->g_wide = tm_global(t, IR_I64, true, 0x1122334455667788, NULL);
	dm->g_zero = tm_global(t, IR_I32, true, 0, NULL);
	dm->k_answer = tm_global(t, IR_I32, false, 42, "answer");
	dm->k_big = tm_global(t, IR_I64, false, -2, "big_k");

	b = tm_func(t, "w_rd1", "i", "i");
	ret(&b, &b.f->body, 1, mload(&b, &b.f->body, IR_I32, 1, false, get(&b, &b.f->body, 0), 0, 0));
	tm_entry(t, "rd1", b.index);
	b = tm_func(t, "w_rd8", "i", "I");
	ret(&b, &b.f->body, 1, mload(&b, &b.f->body, IR_I64, 8, false, get(&b, &b.f->body, 0), 0, 3));
	tm_entry(t, "rd8", b.index);
	b = tm_func(t, "w_wr1", "ii", "");
	mstore(&b, &b.f->body, 1, get(&b, &b.f->body, 0), get(&b, &b.f->body, 1), 0, 0);
	tm_entry(t, "wr1", b.index);
	/* count(): g_cnt += 1; return g_cnt */
	b = tm_func(t, "w_count", "", "i");
	r = &b.f->body;
	b.f->may_trap = false;
	gset(&b, r, dm->g_cnt, op2(&b, r, IR_I32_ADD, gget(&b, r, dm->g_cnt), cst(&b, r, IR_I32, 1)));
	ret(&b, r, 1, gget(&b, r, dm->g_cnt));
	tm_entry(t, "count", b.index);
	b = tm_func(t, "w_wide", "", "I");
	ret(&b, &b.f->body, 1, gget(&b, &b.f->body, dm->g_wide));
	tm_entry(t, "wide", b.index);
	b = tm_func(t, "w_setwide", "I", "");
	gset(&b, &b.f->body, dm->g_wide, get(&b, &b.f->body, 0));
	tm_entry(t, "setwide", b.index);
	b = tm_func(t, "w_zinc", "", "i");
	r = &b.f->body;
	v = op2(&b, r, IR_I32_ADD, gget(&b, r, dm->g_zero), cst(&b, r, IR_I32, 1));
	gset(&b, r, dm->g_zero, v);
	ret(&b, r, 1, v);
	tm_entry(t, "zinc", b.index);
	b = tm_func(t, "w_answer", "", "i");
	ret(&b, &b.f->body, 1, gget(&b, &b.f->body, dm->k_answer));
	tm_entry(t, "answer_get", b.index);
	b = tm_func(t, "w_bigk", "", "I");
	ret(&b, &b.f->body, 1, gget(&b, &b.f->body, dm->k_big));
	tm_entry(t, "bigk", b.index);
}

/* Sets the .rodata variable `name` (a skeleton's rodata->name = v). */
static int32_t answer_override;

static void set_answer(struct bpf_object *obj)
{
	struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *m;
	int id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -1;

	if (id < 0)
		return;
	bpf_object__for_each_map(m, obj) {
		const struct btf_type *ds = btf__type_by_id(btf, (uint32_t)id);
		const struct btf_var_secinfo *vs = btf_var_secinfos(ds);
		size_t sz;
		const void *init;
		uint8_t *data;

		if (!bpf_map__is_internal(m) || !strstr(bpf_map__name(m), ".rodata"))
			continue;
		init = bpf_map__initial_value(m, &sz);
		data = init ? malloc(sz) : NULL;
		if (!data)
			continue;
		memcpy(data, init, sz);
		for (uint16_t k = 0; k < btf_vlen(ds); k++) {
			const struct btf_type *var = btf__type_by_id(btf, vs[k].type);

			if (!strcmp(btf__name_by_offset(btf, var->name_off), "answer") &&
			    vs[k].offset + 4 <= sz)
				memcpy(data + vs[k].offset, &answer_override, 4);
		}
		bpf_map__set_initial_value(m, data, sz);
		free(data);
	}
}

static void test_data(const char *mcpu, int opt, uint32_t size, const char *license)
{
	struct tmod t;
	struct dmod dm;
	struct loaded l;
	uint64_t in[2], out[1];
	unsigned bad = 0;
	long st;
	int err, c0 = cpu_list[0], c1 = ncpu_list > 1 ? cpu_list[1] : -1;

	test_license = license;
	build_data(&t, size, &dm);
	pin_cpu(c0);
	err = load(&t, mcpu, opt, &l);
	CHECK(err == 0, "data module (%u bytes, %s O%d, %s) loads", size, mcpu, opt, license);
	if (err)
		goto out;
	CHECK(!strstr(libbpf_log, "BTF"), "libbpf complained about BTF:\n%s", libbpf_log);
	CHECK(env_word(&l, c0, "initialized", 0) == 0, "not initialized before the first run");

	/* the first run on this CPU already sees the data */
	in[0] = 100;
	st = run(&l, "rd1", in, 1, out, 1);
	CHECK(st == 0 && out[0] == dm.image[100], "first run: rd1(100) = %ld/%#" PRIx64 ", want %#x",
	      st, out[0], dm.image[100]);
	CHECK(env_word(&l, c0, "initialized", 0) == 1, "initialized after the first run");
	if (c1 >= 0)
		CHECK(env_word(&l, c1, "initialized", 0) == 0,
		      "a test run runs on the calling CPU: CPU %d is not initialized", c1);
	for (uint32_t a = 0; a + 8 <= size; a += (a < 4096 || a + 16 >= size) ? 8 : 4096) {
		uint64_t want;

		memcpy(&want, dm.image + a, 8);
		in[0] = a;
		st = run(&l, "rd8", in, 1, out, 1);
		if (st != 0 || out[0] != want)
			if (bad++ < 5)
				fprintf(stderr, "  rd8(%u) = %ld/%#" PRIx64 ", want %#" PRIx64 "\n", a, st,
					out[0], want);
	}
	in[0] = size - 8;
	st = run(&l, "rd8", in, 1, out, 1);
	CHECK(st == 0 && out[0] == 0x8483828180000000ull, "the last 8 bytes: %#" PRIx64, out[0]);
	CHECK(bad == 0, "data segments read back (%u bytes, %s O%d)", size, mcpu, opt);
	{
		uint8_t *mem = instance_memory(&l, c0, size);

		CHECK(mem && !memcmp(mem, dm.image, size), "memory after init is the segments' image");
		free(mem);
	}

	/* globals: initial values, persistence across runs on one CPU */
	CHECK(run(&l, "count", in, 0, out, 1) == 0 && out[0] == (uint32_t)-4, "count 1: %" PRIx64, out[0]);
	CHECK(run(&l, "count", in, 0, out, 1) == 0 && out[0] == (uint32_t)-3, "count 2: %" PRIx64, out[0]);
	CHECK(run(&l, "wide", in, 0, out, 1) == 0 && out[0] == 0x1122334455667788ull,
	      "wide: %#" PRIx64, out[0]);
	in[0] = 0xfedcba9876543210ull;
	CHECK(run(&l, "setwide", in, 1, out, 0) == 0, "setwide");
	CHECK(run(&l, "wide", in, 0, out, 1) == 0 && out[0] == 0xfedcba9876543210ull,
	      "wide after set: %#" PRIx64, out[0]);
	CHECK(run(&l, "zinc", in, 0, out, 1) == 0 && out[0] == 1, "zinc: %" PRIu64, out[0]);
	CHECK(run(&l, "answer_get", in, 0, out, 1) == 0 &&
	      out[0] == (uint32_t)(answer_override ? answer_override : 42),
	      "answer: %" PRIu64, out[0]);
	CHECK(run(&l, "bigk", in, 0, out, 1) == 0 && out[0] == (uint64_t)-2, "bigk: %#" PRIx64, out[0]);
	CHECK(env_word(&l, c0, "globals", 0) == (uint32_t)-3, "globals[0] in the env: %#" PRIx64,
	      env_word(&l, c0, "globals", 0));

	/* another CPU has an instance of its own */
	if (c1 >= 0 && pin_cpu(c1)) {
		in[0] = 100;
		st = run(&l, "rd1", in, 1, out, 1);
		CHECK(st == 0 && out[0] == dm.image[100], "first run on CPU %d sees the data", c1);
		in[0] = size - 1;
		st = run(&l, "rd1", in, 1, out, 1);
		CHECK(st == 0 && out[0] == 0x84, "CPU %d: the last byte", c1);
		CHECK(run(&l, "count", in, 0, out, 1) == 0 && out[0] == (uint32_t)-4,
		      "count on CPU %d starts afresh: %" PRIx64, c1, out[0]);
		in[0] = 100;
		in[1] = 0x99;
		CHECK(run(&l, "wr1", in, 2, out, 0) == 0, "wr1 on CPU %d", c1);
		CHECK(run(&l, "rd1", in, 1, out, 1) == 0 && out[0] == 0x99, "CPU %d sees its store", c1);
		CHECK(env_word(&l, c1, "initialized", 0) == 1, "CPU %d initialized", c1);
		pin_cpu(c0);
		CHECK(run(&l, "rd1", in, 1, out, 1) == 0 && out[0] == dm.image[100],
		      "CPU %d does not see CPU %d's store", c0, c1);
		CHECK(run(&l, "count", in, 0, out, 1) == 0 && out[0] == (uint32_t)-2,
		      "count on CPU %d continues: %" PRIx64, c0, out[0]);
	}
out:
	test_license = "GPL";
	pin_cpu(c0);
	free(dm.image);
	unload(&l);
	arena_free(&t.a);
}

/* memory.copy and memory.fill against a model. */
static void build_bulk(struct tmod *t, uint32_t size)
{
	struct fb b;

	tm_init(t, "tests/bulk.wasm");
	tm_memory(t, size);
	b = tm_func(t, "w_copy", "iii", "");
	mbulk(&b, &b.f->body, IR_MEMORY_COPY, get(&b, &b.f->body, 0), get(&b, &b.f->body, 1),
	      get(&b, &b.f->body, 2));
	tm_entry(t, "copy", b.index);
	b = tm_func(t, "w_fill", "iii", "");
	mbulk(&b, &b.f->body, IR_MEMORY_FILL, get(&b, &b.f->body, 0), get(&b, &b.f->body, 1),
	      get(&b, &b.f->body, 2));
	tm_entry(t, "fill", b.index);
}

static void test_bulk(const char *mcpu, int opt, uint32_t size, const char *license)
{
	static const uint32_t lens[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200 };
	struct tmod t;
	struct loaded l;
	uint8_t *shadow = calloc(1, size), *mem;
	unsigned bad = 0, n = 0;
	uint64_t in[3];
	struct bpf_prog_info info;
	long st;
	int err;

	test_license = license;
	build_bulk(&t, size);
	err = load(&t, mcpu, opt, &l);
	CHECK(err == 0, "bulk module (%u bytes, %s O%d, %s) loads", size, mcpu, opt, license);
	if (err || !shadow)
		goto out;
	/* a pattern to copy around */
	for (uint32_t i = 0; i < 512 && i < size; i++) {
		in[0] = i;
		in[1] = 0xffffff00u | (uint32_t)mix(i);	/* only the low byte counts */
		in[2] = 1;
		st = run(&l, "fill", in, 3, NULL, 0);
		bad += st != 0;
		shadow[i] = (uint8_t)in[1];
	}
	for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
		uint32_t len = lens[li];
		/* overlapping both ways, and apart */
		int64_t deltas[] = { -9, -8, -1, 1, 3, 8, 11, 300 };

		for (size_t di = 0; di < sizeof(deltas) / sizeof(deltas[0]); di++) {
			uint32_t src = 40 + (uint32_t)(li * 13 % 50);
			uint32_t dst = (uint32_t)((int64_t)src + deltas[di]);

			if ((uint64_t)dst + len > size || (uint64_t)src + len > size)
				continue;
			in[0] = dst;
			in[1] = src;
			in[2] = len;
			st = run(&l, "copy", in, 3, NULL, 0);
			memmove(shadow + dst, shadow + src, len);
			n++;
			if (st != 0)
				bad++;
		}
		in[0] = 500 - len / 2;
		in[1] = 0x100 + li;
		in[2] = len;
		if (in[0] + len <= size) {
			st = run(&l, "fill", in, 3, NULL, 0);
			memset(shadow + in[0], (int)(uint8_t)in[1], len);
			n++;
			bad += st != 0;
		}
	}
	/* the end of the memory, and a copy across all of it */
	in[0] = size - 13;
	in[1] = 0xab;
	in[2] = 13;
	bad += run(&l, "fill", in, 3, NULL, 0) != 0;
	memset(shadow + size - 13, 0xab, 13);
	in[0] = size / 2 + 1;
	in[1] = 0;
	in[2] = size / 2 - 1;
	bad += run(&l, "copy", in, 3, NULL, 0) != 0;
	memmove(shadow + size / 2 + 1, shadow, size / 2 - 1);
	in[0] = 3;
	in[1] = 5;
	in[2] = size - 5;
	bad += run(&l, "copy", in, 3, NULL, 0) != 0;
	memmove(shadow + 3, shadow + 5, size - 5);
	mem = instance_memory(&l, cpu_list[0], size);
	CHECK(bad == 0 && mem && !memcmp(mem, shadow, size),
	      "%u copies and fills (%u bytes, %s O%d, %s): %u failed, contents %s", n, size, mcpu,
	      opt, license, bad, mem && !memcmp(mem, shadow, size) ? "match" : "differ");
	if (mem && memcmp(mem, shadow, size))
		for (uint32_t i = 0, shown = 0; i < size && shown < 5; i++)
			if (mem[i] != shadow[i]) {
				fprintf(stderr, "  byte %u: %#x, want %#x\n", i, mem[i], shadow[i]);
				shown++;
			}
	free(mem);

	/* out of bounds: trap before touching anything */
	{
		const struct { const char *p; uint64_t a, b, c; long want; } cases[] = {
			{ "copy", size - 3, 0, 4, W2B_TRAP_OOB_MEMORY },
			{ "copy", 0, size - 3, 4, W2B_TRAP_OOB_MEMORY },
			{ "copy", size, 0, 0, 0 },
			{ "copy", 0, size, 0, 0 },
			{ "copy", size + 1, 0, 0, W2B_TRAP_OOB_MEMORY },
			{ "copy", 0, 0xffffffff, 2, W2B_TRAP_OOB_MEMORY },
			{ "copy", 1, 0, 0xffffffff, W2B_TRAP_OOB_MEMORY },
			{ "fill", size, 7, 0, 0 },
			{ "fill", size - 1, 7, 2, W2B_TRAP_OOB_MEMORY },
			{ "fill", 0xffffffff, 7, 2, W2B_TRAP_OOB_MEMORY },
			{ "fill", size + 1, 7, 0, W2B_TRAP_OOB_MEMORY },
		};
		unsigned wrong = 0;

		for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
			in[0] = cases[k].a;
			in[1] = cases[k].b;
			in[2] = cases[k].c;
			st = run(&l, cases[k].p, in, 3, NULL, 0);
			if (st != cases[k].want && wrong++ < 5)
				fprintf(stderr, "  %s(%#" PRIx64 ", %#" PRIx64 ", %#" PRIx64 "): status %ld\n",
					cases[k].p, in[0], in[1], in[2], st);
		}
		mem = instance_memory(&l, cpu_list[0], size);
		CHECK(wrong == 0 && mem && !memcmp(mem, shadow, size),
		      "copy/fill bounds (%u bytes, %s): %u wrong, memory %s", size, mcpu, wrong,
		      mem && !memcmp(mem, shadow, size) ? "untouched" : "changed");
		free(mem);
	}
	CHECK(prog_info(&l, "copy", &info, NULL, 0) == 0, "prog info");
	printf("memory.copy (%u-byte memory, %s O%d, %s): verified_insns %u\n", size, mcpu, opt,
	       license, info.verified_insns);
	CHECK(info.verified_insns < 2000, "copy verified_insns %u", info.verified_insns);
out:
	test_license = "GPL";
	free(shadow);
	unload(&l);
	arena_free(&t.a);
}

/* A 1 MiB memory (w2b_mem) whose 64 KiB data segment is copied in on a
 * CPU's first run: the verifier's cost must not grow with the data. */
static void test_big_data(const char *mcpu, const char *license)
{
	struct tmod t;
	struct loaded l;
	uint32_t size = 1u << 20, seg = 65536, at = 100003;
	uint8_t *bytes = malloc(seg), *mem;
	struct bpf_prog_info info;
	uint64_t in, out = 0, want;
	unsigned bad = 0;
	struct fb b;
	int err;

	for (uint32_t i = 0; i < seg; i++)
		bytes[i] = (uint8_t)(mix(i) | 1);
	tm_init(&t, "tests/bigdata.wasm");
	tm_memory(&t, size);
	tm_data(&t, at, bytes, seg);
	b = tm_func(&t, "w_rd8", "i", "I");
	ret(&b, &b.f->body, 1, mload(&b, &b.f->body, IR_I64, 8, false, get(&b, &b.f->body, 0), 0, 3));
	tm_entry(&t, "rd8", b.index);
	test_license = license;
	err = load(&t, mcpu, 2, &l);
	CHECK(err == 0, "1 MiB module (%s, %s) loads", mcpu, license);
	CHECK(declared_mem_entries == 63, "w2b_mem has 63 blocks of 16 KiB (and w2b_env one): %u",
	      declared_mem_entries);
	if (err)
		goto out;
	for (uint32_t a = at - 8; a < at + seg + 8; a += a < at + 64 || a > at + seg - 64 ? 1 : 997) {
		uint8_t w[8];

		for (unsigned k = 0; k < 8; k++)
			w[k] = a + k >= at && a + k < at + seg ? bytes[a + k - at] : 0;
		memcpy(&want, w, 8);
		in = a;
		if (run(&l, "rd8", &in, 1, &out, 1) != 0 || out != want)
			if (bad++ < 5)
				fprintf(stderr, "  rd8(%u) = %#" PRIx64 ", want %#" PRIx64 "\n", a, out, want);
	}
	CHECK(bad == 0, "64 KiB data segment read back (%s, %s)", mcpu, license);
	mem = instance_memory(&l, cpu_list[0], size);
	CHECK(mem && !memcmp(mem + at, bytes, seg), "the segment is in this CPU's w2b_mem");
	free(mem);
	CHECK(prog_info(&l, "rd8", &info, NULL, 0) == 0, "prog info");
	printf("1 MiB memory, 64 KiB data segment (%s, %s): verified_insns %u, xlated %u insns\n",
	       mcpu, license, info.verified_insns, info.xlated_prog_len / 8);
	CHECK(info.verified_insns < 2000, "verified_insns %u", info.verified_insns);
	CHECK(memmem(l.elf, l.size, "w2b_data", 8) != NULL, "the data is the .rodata w2b_data");
out:
	test_license = "GPL";
	free(bytes);
	unload(&l);
	arena_free(&t.a);
}

/* Instance state the backend must refuse, and a module without any. */
static void test_memory_errors(void)
{
	struct tmod t;
	void *a = NULL;
	size_t na = 0;
	int err;

	/* an access nobody classified */
	tm_init(&t, "tests/bad.wasm");
	tm_memory(&t, 1024);
	{
		struct fb f = tm_func(&t, "w_bad", "i", "i");
		uint32_t v = mload(&f, &f.f->body, IR_I32, 4, false, get(&f, &f.f->body, 0), 0, 2);

		f.f->body.insts[f.f->body.n - 1]->u.mem.region = IR_MEM_UNDECIDED;
		ret(&f, &f.f->body, 1, v);
		tm_entry(&t, "bad", f.index);
	}
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "internal compiler error") &&
	      strstr(diag_text, "undecided region"), "undecided region: %s", diag_text);
	arena_free(&t.a);

	/* a load in a module without memory */
	tm_init(&t, "tests/bad.wasm");
	{
		struct fb f = tm_func(&t, "w_bad", "i", "i");

		ret(&f, &f.f->body, 1, mload(&f, &f.f->body, IR_I32, 4, false,
					     get(&f, &f.f->body, 0), 0, 2));
		tm_entry(&t, "bad", f.index);
	}
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "without memory"), "no memory: %s",
	      diag_text);
	arena_free(&t.a);

	/* global.set of an immutable global */
	tm_init(&t, "tests/bad.wasm");
	{
		uint32_t g = tm_global(&t, IR_I32, false, 1, "k");
		struct fb f = tm_func(&t, "w_bad", "i", "");

		gset(&f, &f.f->body, g, get(&f, &f.f->body, 0));
		tm_entry(&t, "bad", f.index);
	}
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "global.set of immutable"),
	      "set immutable: %s", diag_text);
	arena_free(&t.a);

	/* a 0-byte memory: every access traps, copy/fill of nothing is fine */
	tm_init(&t, "tests/empty.wasm");
	tm_memory(&t, 0);
	{
		struct fb f = tm_func(&t, "w_ld", "i", "i");
		struct loaded l;
		uint64_t in[3] = { 0, 0, 0 }, out;

		ret(&f, &f.f->body, 1, mload(&f, &f.f->body, IR_I32, 1, false,
					     get(&f, &f.f->body, 0), 0, 0));
		tm_entry(&t, "ld", f.index);
		f = tm_func(&t, "w_fill", "iii", "");
		mbulk(&f, &f.f->body, IR_MEMORY_FILL, get(&f, &f.f->body, 0),
		      get(&f, &f.f->body, 1), get(&f, &f.f->body, 2));
		tm_entry(&t, "fill", f.index);
		err = load(&t, "v3", 2, &l);
		CHECK(err == 0, "0-byte memory module loads");
		if (!err) {
			CHECK(run(&l, "ld", in, 1, &out, 1) == W2B_TRAP_OOB_MEMORY, "load from 0 bytes");
			CHECK(run(&l, "fill", in, 3, NULL, 0) == 0, "fill of 0 at 0");
			in[2] = 1;
			CHECK(run(&l, "fill", in, 3, NULL, 0) == W2B_TRAP_OOB_MEMORY, "fill of 1 at 0");
			CHECK(!bpf_object__find_map_by_name(l.obj, W2B_MEMORY_MAP), "no w2b_mem");
		}
		unload(&l);
	}
	arena_free(&t.a);

	/* no instance state: the env value is what it always was (trap,
	 * trap_at, 2 results, 3 scratch), the run's loop fuel and the loop
	 * states last (the module has loops) */
	{
		struct cf_mod cm;
		struct loaded l;
		uint32_t vs;

		build_control(&t, &cm);
		err = load(&t, "v3", 2, &l);
		vs = err ? 0 : bpf_map__value_size(bpf_object__find_map_by_name(l.obj, W2B_ENV_MAP));
		CHECK(err == 0 && !bpf_object__find_map_by_name(l.obj, W2B_MEMORY_MAP) &&
		      btf_member(&l, "w2b_env_value", "loops") == 64 * (2 + 2 + 3 + 1) &&
		      vs > 8 * (2 + 2 + 3 + 1) && vs % 8 == 0 &&
		      btf_member(&l, "w2b_env_value", "initialized") < 0 &&
		      btf_member(&l, "w2b_env_value", "fuel") >= 0 &&
		      !memmem(l.elf, l.size, ".rodata", 7),
		      "a module without instance state has no memory map, init word or .rodata");
		unload(&l);
		arena_free(&t.a);
	}
}

/* --- packets and kernel helpers ------------------------------------------- */

/* An entry of program kind `kind`, in its section. */
static void tm_pentry(struct tmod *t, const char *symbol, uint32_t func, enum ir_prog_kind kind)
{
	tm_entry(t, symbol, func);
	t->m.entries[t->m.nentries - 1].kind = (uint8_t)kind;
	t->m.entries[t->m.nentries - 1].section = ir_prog_info[kind].section;
}

/* A load or store (mload/mstore) whose region is rg. */
static uint32_t pload(struct fb *b, struct ir_region *r, enum ir_type t, unsigned width, bool sign,
		      uint32_t addr, uint32_t off, unsigned align, enum ir_mem_region rg)
{
	uint32_t v = mload(b, r, t, width, sign, addr, off, align);

	r->insts[r->n - 1]->u.mem.region = (uint8_t)rg;
	return v;
}

static void pstore(struct fb *b, struct ir_region *r, unsigned width, uint32_t addr, uint32_t val,
		   uint32_t off, unsigned align, enum ir_mem_region rg)
{
	mstore(b, r, width, addr, val, off, align);
	r->insts[r->n - 1]->u.mem.region = (uint8_t)rg;
}

static uint32_t helper(struct fb *b, struct ir_region *r, uint32_t id, enum ir_type rt,
		       uint32_t nargs, const uint32_t *args)
{
	struct ir_inst *i = add(b, r, IR_HELPER_CALL);

	/* by BPF id: the index of that helper in ir_helpers[] */
	for (i->u.call.func = 0; i->u.call.func < ir_nhelpers; i->u.call.func++)
		if (ir_helpers[i->u.call.func].id == id)
			break;
	i->u.call.map = IR_NOVAL;
	i->u.call.site = IR_NOVAL;
	i->u.call.nargs = nargs;
	i->u.call.args = arena_array(&b->t->a, nargs + 1, sizeof(uint32_t));
	if (nargs)
		memcpy(i->u.call.args, args, nargs * sizeof(uint32_t));
	if (rt != IR_VOID) {
		i->type = (uint8_t)rt;
		i->dst = ir_new_vreg(&b->t->a, b->f, rt);
		i->u.call.nresults = 1;
		i->u.call.results = arena_array(&b->t->a, 1, sizeof(uint32_t));
		i->u.call.results[0] = i->dst;
	}
	return i->dst;
}

/* An i64 folded into the i32 a packet program returns: low ^ high. */
static uint32_t fold64(struct fb *b, struct ir_region *r, uint32_t v)
{
	uint32_t hi = op2(b, r, IR_I64_SHR_U, v, cst(b, r, IR_I64, 32));

	return op2(b, r, IR_I32_XOR, op1(b, r, IR_I32_WRAP_I64, v), op1(b, r, IR_I32_WRAP_I64, hi));
}

static uint64_t fold64_ref(uint64_t v)
{
	return (uint32_t)v ^ (uint32_t)(v >> 32);
}

/* The address pkt + len - back (params 0 and 1 of a packet entry). */
static uint32_t tail_addr(struct fb *b, struct ir_region *r, uint32_t back)
{
	uint32_t end = op2(b, r, IR_I32_ADD, get(b, r, 0), get(b, r, 1));

	return op2(b, r, IR_I32_SUB, end, cst(b, r, IR_I32, back));
}

/* pkt + (the u32 in the packet's last 4 bytes): a dynamic offset. */
static uint32_t dyn_addr(struct fb *b, struct ir_region *r)
{
	uint32_t o = pload(b, r, IR_I32, 4, false, tail_addr(b, r, 4), 0, 0, IR_MEM_PACKET);

	return op2(b, r, IR_I32_ADD, get(b, r, 0), o);
}

/* A packet entry's function: (i32 pkt, i32 len) -> i32, with the packet. */
static struct fb pfunc(struct tmod *t, const char *symbol)
{
	struct fb b = tm_func(t, symbol, "ii", "i");

	b.f->packet = true;
	return b;
}

/* The packet test module's offsets read: kinds (lkinds) at memarg 0, and
 * two at memarg 7. */
struct pk_peek { unsigned kind; uint32_t off; };
static const struct pk_peek pk_peeks[] = {
	{ 0, 0 }, { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 }, { 5, 0 }, { 6, 0 }, { 7, 0 },
	{ 8, 0 }, { 9, 0 }, { 10, 0 }, { 11, 0 }, { 0, 7 }, { 4, 7 },
};
#define PK_NPEEK (sizeof(pk_peeks) / sizeof(pk_peeks[0]))
/* the u32 peek at memarg 0, which the other program kinds run too */
#define PK_PEEK32 4

struct pk_mod {
	uint32_t peek[PK_NPEEK];
};

static void build_packet(struct tmod *t, struct pk_mod *pm)
{
	static const enum ir_prog_kind tc_kinds[] = {
		IR_PROG_TC, IR_PROG_TC_CLASSIFIER, IR_PROG_TCX_INGRESS, IR_PROG_TCX_EGRESS,
	};
	static const char *const tc_names[] = { "tc", "cls", "tcxi", "tcxe" };
	struct fb b, get2, mid, sum5, plain;
	struct ir_region *r;
	uint32_t v, w, args[4];
	char name[64];

	tm_init(t, "tests/packet.wasm");
	/* a Wasm module that loads has a memory, even if only the packet is read */
	tm_memory(t, 0);

	for (size_t k = 0; k < PK_NPEEK; k++) {
		const struct lkind *lk = &lkinds[pk_peeks[k].kind];

		kind_name(name, sizeof(name), "w_peek", lk, pk_peeks[k].off, false);
		b = pfunc(t, name);
		r = &b.f->body;
		/* an align-1 hint on one of them: byte accesses, still checked */
		v = pload(&b, r, lk->t, lk->w, lk->sign, dyn_addr(&b, r), pk_peeks[k].off,
			  k == 9 ? 0 : log2u(lk->w), IR_MEM_PACKET);
		ret(&b, r, 1, lk->t == IR_I64 ? fold64(&b, r, v) : v);
		pm->peek[k] = b.index;
		kind_name(name, sizeof(name), "x_peek", lk, pk_peeks[k].off, false);
		tm_pentry(t, name, b.index, IR_PROG_XDP);
	}
	for (size_t k = 0; k < 4; k++) {
		snprintf(name, sizeof(name), "%s_peek32", tc_names[k]);
		tm_pentry(t, name, pm->peek[PK_PEEK32], tc_kinds[k]);
	}

	b = pfunc(t, "w_len");
	ret(&b, &b.f->body, 1, get(&b, &b.f->body, 1));
	tm_pentry(t, "x_len", b.index, IR_PROG_XDP);
	tm_pentry(t, "tc_len", b.index, IR_PROG_TC);

	/* fixed offsets: the IPv4 protocol, as pkt + 23 and as memarg 23 */
	b = pfunc(t, "w_proto");
	r = &b.f->body;
	ret(&b, r, 1, pload(&b, r, IR_I32, 1, false, op2(&b, r, IR_I32_ADD, get(&b, r, 0),
							  cst(&b, r, IR_I32, 23)), 0, 0, IR_MEM_PACKET));
	tm_pentry(t, "x_proto", b.index, IR_PROG_XDP);
	b = pfunc(t, "w_proto_m");
	r = &b.f->body;
	ret(&b, r, 1, pload(&b, r, IR_I32, 1, false, get(&b, r, 0), 23, 0, IR_MEM_PACKET));
	tm_pentry(t, "x_proto_m", b.index, IR_PROG_XDP);
	/* the Ethernet type, a u16 */
	b = pfunc(t, "w_eth");
	r = &b.f->body;
	ret(&b, r, 1, pload(&b, r, IR_I32, 2, false, get(&b, r, 0), 12, 1, IR_MEM_PACKET));
	tm_pentry(t, "x_eth", b.index, IR_PROG_XDP);
	/* UDP over IPv4: XDP_DROP, else XDP_PASS */
	b = pfunc(t, "w_drop_udp");
	r = &b.f->body;
	v = op2(&b, r, IR_I32_EQ, pload(&b, r, IR_I32, 2, false, get(&b, r, 0), 12, 1, IR_MEM_PACKET),
		cst(&b, r, IR_I32, 0x0008));
	w = op2(&b, r, IR_I32_EQ, pload(&b, r, IR_I32, 1, false, get(&b, r, 0), 23, 0, IR_MEM_PACKET),
		cst(&b, r, IR_I32, 17));
	ret(&b, r, 1, sel(&b, r, op2(&b, r, IR_I32_AND, v, w), cst(&b, r, IR_I32, 1),
			  cst(&b, r, IR_I32, 2)));
	tm_pentry(t, "x_drop_udp", b.index, IR_PROG_XDP);

	/* stores: the u32 (u64) before the offset, at the offset; read back */
	b = pfunc(t, "w_poke32");
	r = &b.f->body;
	v = pload(&b, r, IR_I32, 4, false, tail_addr(&b, r, 8), 0, 0, IR_MEM_PACKET);
	w = dyn_addr(&b, r);
	pstore(&b, r, 4, w, v, 0, 2, IR_MEM_PACKET);
	ret(&b, r, 1, pload(&b, r, IR_I32, 4, false, w, 0, 2, IR_MEM_PACKET));
	tm_pentry(t, "x_poke32", b.index, IR_PROG_XDP);
	tm_pentry(t, "tc_poke32", b.index, IR_PROG_TC);
	b = pfunc(t, "w_poke64");
	r = &b.f->body;
	v = pload(&b, r, IR_I64, 8, false, tail_addr(&b, r, 12), 0, 0, IR_MEM_PACKET);
	w = dyn_addr(&b, r);
	pstore(&b, r, 8, w, v, 0, 3, IR_MEM_PACKET);
	ret(&b, r, 1, fold64(&b, r, pload(&b, r, IR_I64, 8, false, w, 0, 3, IR_MEM_PACKET)));
	tm_pentry(t, "x_poke64", b.index, IR_PROG_XDP);

	/* packet functions down a call chain: entry -> mid -> get2 (and a
	 * plain function in between), and one with 5 params, which with
	 * env and pkt spills */
	plain = tm_func(t, "w_plain", "ii", "i");
	r = &plain.f->body;
	ret(&plain, r, 1, op2(&plain, r, IR_I32_ADD, get(&plain, r, 0), get(&plain, r, 1)));
	get2 = tm_func(t, "w_get2", "ii", "i");
	get2.f->packet = true;
	r = &get2.f->body;
	v = op2(&get2, r, IR_I32_ADD, get(&get2, r, 0), get(&get2, r, 1));
	ret(&get2, r, 1, pload(&get2, r, IR_I32, 2, false, v, 0, 1, IR_MEM_PACKET));
	mid = tm_func(t, "w_mid", "ii", "i");
	mid.f->packet = true;
	r = &mid.f->body;
	v = call(&mid, r, get2.index, NULL, 2, get(&mid, r, 0), get(&mid, r, 1));
	w = call(&mid, r, get2.index, NULL, 2, get(&mid, r, 0),
		 op2(&mid, r, IR_I32_ADD, get(&mid, r, 1), cst(&mid, r, IR_I32, 2)));
	ret(&mid, r, 1, call(&mid, r, plain.index, NULL, 2, v,
			     op2(&mid, r, IR_I32_SHL, w, cst(&mid, r, IR_I32, 16))));
	b = pfunc(t, "w_chain");
	r = &b.f->body;
	v = pload(&b, r, IR_I32, 4, false, tail_addr(&b, r, 4), 0, 0, IR_MEM_PACKET);
	ret(&b, r, 1, call(&b, r, mid.index, NULL, 2, get(&b, r, 0), v));
	tm_pentry(t, "x_chain", b.index, IR_PROG_XDP);
	tm_pentry(t, "tc_chain", b.index, IR_PROG_TC);

	sum5 = tm_func(t, "w_sum5", "iiiii", "i");
	sum5.f->packet = true;
	r = &sum5.f->body;
	v = cst(&sum5, r, IR_I32, 0);
	for (uint32_t k = 1; k <= 4; k++) {
		w = pload(&sum5, r, IR_I32, 1, false,
			  op2(&sum5, r, IR_I32_ADD, get(&sum5, r, 0), get(&sum5, r, k)), 0, 0,
			  IR_MEM_PACKET);
		v = op2(&sum5, r, IR_I32_OR, v, op2(&sum5, r, IR_I32_SHL, w,
						    cst(&sum5, r, IR_I32, 8 * (k - 1))));
	}
	ret(&sum5, r, 1, v);
	b = pfunc(t, "w_sum5_entry");
	r = &b.f->body;
	for (uint32_t k = 0; k < 4; k++)
		args[k] = pload(&b, r, IR_I32, 1, false, tail_addr(&b, r, 4 - k), 0, 0, IR_MEM_PACKET);
	ret(&b, r, 1, call(&b, r, sum5.index, NULL, 5, get(&b, r, 0), args[0], args[1], args[2],
			   args[3]));
	tm_pentry(t, "x_sum5", b.index, IR_PROG_XDP);

	/* helpers in a packet program: XDP_PASS if the clocks run
	 * (ktime_get_ns, ktime_get_coarse_ns) */
	b = pfunc(t, "w_clock");
	r = &b.f->body;
	v = helper(&b, r, 5, IR_I64, 0, NULL);
	w = helper(&b, r, 160, IR_I64, 0, NULL);
	helper(&b, r, 7, IR_I32, 0, NULL);
	v = op2(&b, r, IR_I32_AND, op2(&b, r, IR_I64_NE, v, cst(&b, r, IR_I64, 0)),
		op2(&b, r, IR_I64_NE, w, cst(&b, r, IR_I64, 0)));
	ret(&b, r, 1, sel(&b, r, v, cst(&b, r, IR_I32, 2), cst(&b, r, IR_I32, 0)));
	tm_pentry(t, "x_clock", b.index, IR_PROG_XDP);

	/* for counting instructions per read: 1 and 4 byte reads, XORed,
	 * at fixed offsets and at the 4 offsets in the last 4 bytes */
	for (unsigned n = 1; n <= 4; n += 3)
		for (int dyn = 0; dyn < 2; dyn++) {
			snprintf(name, sizeof(name), "w_%s%u", dyn ? "dyn" : "fix", n);
			b = pfunc(t, name);
			r = &b.f->body;
			v = cst(&b, r, IR_I32, 0);
			for (unsigned k = 0; k < n; k++) {
				w = dyn ? op2(&b, r, IR_I32_ADD, get(&b, r, 0),
					      pload(&b, r, IR_I32, 1, false, tail_addr(&b, r, 4 - k),
						    0, 0, IR_MEM_PACKET)) : get(&b, r, 0);
				w = pload(&b, r, IR_I32, 1, false, w, dyn ? 0 : 14 + 3 * k, 0,
					  IR_MEM_PACKET);
				v = op2(&b, r, IR_I32_XOR, v, w);
			}
			ret(&b, r, 1, v);
			name[0] = 'x';	/* "x_fix1": the entry */
			tm_pentry(t, name, b.index, IR_PROG_XDP);
		}

	/* cgroup_skb: the packet is read-only; any non-zero result allows */
	b = pfunc(t, "w_cg_byte");
	r = &b.f->body;
	ret(&b, r, 1, pload(&b, r, IR_I32, 1, false, dyn_addr(&b, r), 0, 0, IR_MEM_PACKET));
	tm_pentry(t, "cgi_byte", b.index, IR_PROG_CGROUP_SKB_INGRESS);
	tm_pentry(t, "cge_byte", b.index, IR_PROG_CGROUP_SKB_EGRESS);
	tm_pentry(t, "x_byte", b.index, IR_PROG_XDP);
	b = pfunc(t, "w_cg_len");
	r = &b.f->body;
	ret(&b, r, 1, get(&b, r, 1));
	tm_pentry(t, "cgi_len", b.index, IR_PROG_CGROUP_SKB_INGRESS);
}

/* libbpf 1.1 predates tcx: its programs open without a type. */
static void set_tcx_types(struct bpf_object *obj)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		if (!strncmp(bpf_program__section_name(p), "tcx/", 4) &&
		    bpf_program__type(p) == BPF_PROG_TYPE_UNSPEC)
			bpf_program__set_type(p, BPF_PROG_TYPE_SCHED_CLS);
}

/* Runs packet program `name` on data[0, n); out (if non-NULL) receives
 * the packet afterwards. Returns the program's return value, or -1. */
static long run_pkt(struct loaded *l, const char *name, const uint8_t *data, size_t n,
		    uint8_t *out)
{
	uint8_t sink[512];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = (uint32_t)n,
		    .data_out = out ? out : sink, .data_size_out = sizeof(sink));
	int fd = prog_fd(l, name);

	if (fd < 0) {
		fprintf(stderr, "no program '%s'\n", name);
		return -1;
	}
	if (bpf_prog_test_run_opts(fd, &o)) {
		fprintf(stderr, "test run of '%s': %s\n", name, strerror(errno));
		return -1;
	}
	return (long)o.retval;
}

#define PK_LEN 64

/* Ethernet, IPv4 (UDP), UDP, then a payload of non-zero bytes; the last
 * four bytes are the dynamic offset the programs read. */
static void test_packet_bytes(uint8_t *p, uint32_t dyn)
{
	static const uint8_t hdr[42] = {
		0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00,
		0x45, 0, 0, 50, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
		0x30, 0x39, 0x00, 0x35, 0, 30, 0, 0,
	};

	memcpy(p, hdr, sizeof(hdr));
	for (uint32_t i = sizeof(hdr); i < PK_LEN; i++)
		p[i] = (uint8_t)(mix(i) | 0x81);
	memcpy(p + PK_LEN - 4, &dyn, 4);
}

/* What load kind lk at packet offset ea of p (n bytes) gives, as the
 * programs return it; false if it is out of the packet (a trap). */
static bool peek_ref(const struct lkind *lk, const uint8_t *p, uint32_t n, uint64_t ea,
		     uint32_t *want)
{
	uint64_t v = 0;

	if (ea + lk->w > n)
		return false;
	for (unsigned b = 0; b < lk->w; b++)
		v |= (uint64_t)p[ea + b] << (8 * b);
	if (lk->sign && (v >> (8 * lk->w - 1)) & 1)
		v |= ~0ull << (8 * lk->w);
	*want = lk->t == IR_I64 ? (uint32_t)fold64_ref(v) : (uint32_t)v;
	return true;
}

/* The packet offset that Wasm address IR_PACKET_BASE + o (32-bit, it
 * wraps) with memarg offset off reaches; false if the address is below
 * IR_PACKET_BASE (not a packet address: the access traps). */
static bool pk_ea(uint32_t o, uint32_t off, uint64_t *ea)
{
	uint32_t a = IR_PACKET_BASE + o;

	*ea = (uint64_t)(uint32_t)(a - IR_PACKET_BASE) + off;
	return a >= IR_PACKET_BASE;
}

/* Dynamic offsets around the packet's edges and past anything valid. */
static const uint32_t pk_offs[] = {
	0, 1, 2, 7, 12, 13, 23, 31, 40, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65,
	100, 0xfff0, 0xfffb, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff9, 0xffffffff,
};
#define PK_NOFFS (sizeof(pk_offs) / sizeof(pk_offs[0]))

static void print_insns(struct loaded *l, const char *name, const char *what)
{
	struct bpf_prog_info info;

	if (prog_info(l, name, &info, NULL, 0) == 0)
		printf("%s: verified_insns %u, xlated %u insns\n", what, info.verified_insns,
		       info.xlated_prog_len / 8);
}

static uint32_t xlated(struct loaded *l, const char *name)
{
	struct bpf_prog_info info;

	return prog_info(l, name, &info, NULL, 0) == 0 ? info.xlated_prog_len / 8 : 0;
}

static void test_packet(const char *mcpu, int opt)
{
	struct tmod t;
	struct pk_mod pm;
	struct loaded l;
	uint8_t pkt[PK_LEN], out[512];
	uint64_t oob;
	unsigned bad = 0, runs = 0, traps = 0;
	char name[64];
	long rv;
	int err;

	build_packet(&t, &pm);
	load_hook = set_tcx_types;
	err = load(&t, mcpu, opt, &l);
	load_hook = NULL;
	CHECK(err == 0, "packet module (%s O%d) loads", mcpu, opt);
	if (err)
		goto out;
	if (getenv("W2B_TEST_PKT_OBJ")) {
		FILE *f = fopen(getenv("W2B_TEST_PKT_OBJ"), "wb");

		if (f) {
			fwrite(l.elf, 1, l.size, f);
			fclose(f);
		}
	}
	CHECK(!strstr(libbpf_log, "BTF"), "libbpf complained about BTF:\n%s", libbpf_log);
	oob = trap_count(&l, W2B_TRAP_OOB_MEMORY);

	test_packet_bytes(pkt, 0);
	CHECK(run_pkt(&l, "x_len", pkt, PK_LEN, NULL) == PK_LEN, "xdp len");
	CHECK(run_pkt(&l, "tc_len", pkt, PK_LEN, NULL) == PK_LEN, "tc len");
	CHECK(run_pkt(&l, "x_proto", pkt, PK_LEN, NULL) == 17, "xdp: IP protocol at pkt + 23");
	CHECK(run_pkt(&l, "x_proto_m", pkt, PK_LEN, NULL) == 17, "xdp: IP protocol at memarg 23");
	CHECK(run_pkt(&l, "x_eth", pkt, PK_LEN, NULL) == 0x0008, "xdp: Ethernet type");
	CHECK(run_pkt(&l, "x_drop_udp", pkt, PK_LEN, NULL) == 1, "xdp: UDP dropped");
	pkt[23] = 6;
	CHECK(run_pkt(&l, "x_drop_udp", pkt, PK_LEN, NULL) == 2, "xdp: TCP passed");
	CHECK(run_pkt(&l, "x_proto", pkt, 23, NULL) == 0, "xdp: protocol of a 23-byte packet traps");
	CHECK(run_pkt(&l, "x_clock", pkt, PK_LEN, NULL) == 2, "xdp: ktime_get_(coarse_)ns() != 0");
	CHECK(trap_count(&l, W2B_TRAP_OOB_MEMORY) == oob + 1, "the trap was counted");
	oob++;

	/* every load kind at every dynamic offset, XDP; the u32 also TC */
	for (size_t k = 0; k < PK_NPEEK; k++) {
		const struct lkind *lk = &lkinds[pk_peeks[k].kind];

		kind_name(name, sizeof(name), "x_peek", lk, pk_peeks[k].off, false);
		for (size_t i = 0; i < PK_NOFFS; i++) {
			uint32_t want = 0;
			uint64_t ea;
			bool ok;

			test_packet_bytes(pkt, pk_offs[i]);
			ok = pk_ea(pk_offs[i], pk_peeks[k].off, &ea) &&
			     peek_ref(lk, pkt, PK_LEN, ea, &want);
			rv = run_pkt(&l, name, pkt, PK_LEN, NULL);
			runs++;
			traps += !ok;
			if (rv != (ok ? (long)want : 0))
				if (bad++ < 5)
					fprintf(stderr, "  %s(%#x) = %#lx, want %s %#x\n", name,
						pk_offs[i], rv, ok ? "ok" : "trap", want);
		}
	}
	CHECK(bad == 0, "xdp loads at dynamic offsets (%s O%d): %u of %u wrong", mcpu, opt, bad, runs);
	CHECK(trap_count(&l, W2B_TRAP_OOB_MEMORY) == oob + traps,
	      "every out-of-packet load counted: %" PRIu64 " of %u",
	      trap_count(&l, W2B_TRAP_OOB_MEMORY) - oob, traps);
	bad = runs = 0;
	{
		static const char *const names[] = { "tc_peek32", "cls_peek32", "tcxi_peek32",
						     "tcxe_peek32" };

		for (size_t k = 0; k < 4; k++)
			for (size_t i = 0; i < PK_NOFFS; i++) {
				uint32_t want = 0;
				bool ok;

				test_packet_bytes(pkt, pk_offs[i]);
				ok = pk_offs[i] < 0x80000000u &&
				     peek_ref(&lkinds[pk_peeks[PK_PEEK32].kind], pkt, PK_LEN,
					      pk_offs[i], &want);
				rv = run_pkt(&l, names[k], pkt, PK_LEN, NULL);
				runs++;
				if (rv != (ok ? (long)want : 2))
					if (bad++ < 5)
						fprintf(stderr, "  %s(%#x) = %#lx, want %s %#x\n",
							names[k], pk_offs[i], rv, ok ? "ok" : "trap",
							want);
			}
	}
	CHECK(bad == 0, "tc/classifier/tcx loads, TC_ACT_SHOT on a trap (%s O%d): %u of %u wrong",
	      mcpu, opt, bad, runs);

	/* stores, seen in the packet the test run hands back */
	bad = runs = 0;
	for (int tc = 0; tc < 2; tc++)
		for (size_t i = 0; i < PK_NOFFS; i++) {
			uint8_t want[PK_LEN];
			uint32_t o = pk_offs[i], v;
			bool ok = o < 0x80000000u && (uint64_t)o + 4 <= PK_LEN;

			test_packet_bytes(pkt, o);
			memcpy(want, pkt, PK_LEN);
			memcpy(&v, pkt + PK_LEN - 8, 4);
			if (ok)
				memcpy(want + o, &v, 4);
			memset(out, 0, sizeof(out));
			rv = run_pkt(&l, tc ? "tc_poke32" : "x_poke32", pkt, PK_LEN, out);
			runs++;
			if (ok) {
				memcpy(&v, want + o, 4);
				if (rv != (long)v || memcmp(out, want, PK_LEN))
					if (bad++ < 5)
						fprintf(stderr, "  poke32(%#x) = %#lx\n", o, rv);
			} else if (rv != (tc ? 2 : 0)) {
				if (bad++ < 5)
					fprintf(stderr, "  poke32(%#x) = %#lx, want a trap\n", o, rv);
			}
		}
	for (size_t i = 0; i < PK_NOFFS; i++) {
		uint8_t want[PK_LEN];
		uint32_t o = pk_offs[i];
		uint64_t v;
		bool ok = o < 0x80000000u && (uint64_t)o + 8 <= PK_LEN;

		test_packet_bytes(pkt, o);
		memcpy(want, pkt, PK_LEN);
		memcpy(&v, pkt + PK_LEN - 12, 8);
		if (ok)
			memcpy(want + o, &v, 8);
		rv = run_pkt(&l, "x_poke64", pkt, PK_LEN, out);
		runs++;
		if (ok) {
			memcpy(&v, want + o, 8);
			if (rv != (long)fold64_ref(v) || memcmp(out, want, PK_LEN))
				if (bad++ < 5)
					fprintf(stderr, "  poke64(%#x) = %#lx\n", o, rv);
		} else if (rv != 0 && bad++ < 5) {
			fprintf(stderr, "  poke64(%#x) = %#lx, want a trap\n", o, rv);
		}
	}
	CHECK(bad == 0, "packet stores (xdp, tc; %s O%d): %u of %u wrong", mcpu, opt, bad, runs);

	/* the packet passed down calls */
	bad = runs = 0;
	for (size_t i = 0; i < PK_NOFFS; i++) {
		uint32_t o = pk_offs[i], want = 0;
		bool ok = o < 0x80000000u && (uint64_t)o + 4 <= PK_LEN;

		test_packet_bytes(pkt, o);
		if (ok)
			want = (uint32_t)(pkt[o] | pkt[o + 1] << 8) +
			       ((uint32_t)(pkt[o + 2] | pkt[o + 3] << 8) << 16);
		for (int tc = 0; tc < 2; tc++) {
			rv = run_pkt(&l, tc ? "tc_chain" : "x_chain", pkt, PK_LEN, NULL);
			runs++;
			if (rv != (ok ? (long)want : tc ? 2 : 0) && bad++ < 5)
				fprintf(stderr, "  %s(%#x) = %#lx, want %#x\n", tc ? "tc_chain" : "x_chain",
					o, rv, ok ? want : 0);
		}
	}
	for (uint32_t i = 0; i < 200; i++) {
		uint32_t offs = (uint32_t)mix(i * 977 + 5), want = 0;
		bool ok = true;

		/* four byte offsets; some past the end */
		if (i % 3)
			offs &= 0x3f3f3f3f;
		test_packet_bytes(pkt, offs);
		for (unsigned k = 0; k < 4; k++) {
			uint8_t o = (uint8_t)(offs >> (8 * k));

			if (o >= PK_LEN)
				ok = false;
			else
				want |= (uint32_t)pkt[o] << (8 * k);
		}
		rv = run_pkt(&l, "x_sum5", pkt, PK_LEN, NULL);
		runs++;
		if (rv != (ok ? (long)want : 0) && bad++ < 5)
			fprintf(stderr, "  x_sum5(%#x) = %#lx, want %#x\n", offs, rv, ok ? want : 0);
	}
	CHECK(bad == 0, "packet functions down calls, 5 params spilled (%s O%d): %u of %u wrong",
	      mcpu, opt, bad, runs);

	/* cgroup_skb: the packet starts at the network header */
	test_packet_bytes(pkt, 0);
	CHECK(run_pkt(&l, "cgi_len", pkt, PK_LEN, NULL) == 1, "cgroup_skb len != 0");
	bad = runs = 0;
	for (size_t i = 0; i < PK_NOFFS; i++) {
		uint32_t o = pk_offs[i];
		bool ok = o < 0x80000000u && (uint64_t)o + 1 <= PK_LEN - 14;
		uint64_t before = trap_count(&l, W2B_TRAP_OOB_MEMORY);

		test_packet_bytes(pkt, o);
		for (int eg = 0; eg < 2; eg++) {
			rv = run_pkt(&l, eg ? "cge_byte" : "cgi_byte", pkt, PK_LEN, NULL);
			runs++;
			if (rv != (ok && pkt[14 + o] ? 1 : 0) && bad++ < 5)
				fprintf(stderr, "  cg_byte(%#x) = %ld\n", o, rv);
		}
		if (trap_count(&l, W2B_TRAP_OOB_MEMORY) != before + (ok ? 0 : 2) && bad++ < 5)
			fprintf(stderr, "  cg_byte(%#x): trap count %" PRIu64 "\n", o,
				trap_count(&l, W2B_TRAP_OOB_MEMORY) - before);
	}
	/* a zero byte: dropped without a trap */
	test_packet_bytes(pkt, 5);
	pkt[14 + 5] = 0;
	rv = run_pkt(&l, "cgi_byte", pkt, PK_LEN, NULL);
	CHECK(bad == 0 && rv == 0, "cgroup_skb reads, drop on a trap (%s O%d): %u of %u wrong",
	      mcpu, opt, bad, runs);

	/* the 4-read programs, against the model */
	bad = 0;
	for (size_t i = 0; i < PK_NOFFS; i++) {
		uint32_t o = pk_offs[i], fix = 0, dyn = 0;
		bool ok = true;

		test_packet_bytes(pkt, o);
		for (unsigned k = 0; k < 4; k++) {
			uint8_t ok8 = (uint8_t)(o >> (8 * k));

			fix ^= pkt[14 + 3 * k];
			if (ok8 >= PK_LEN)
				ok = false;
			else
				dyn ^= pkt[ok8];
		}
		if (run_pkt(&l, "x_fix4", pkt, PK_LEN, NULL) != fix ||
		    run_pkt(&l, "x_dyn4", pkt, PK_LEN, NULL) != (ok ? dyn : 0))
			bad++;
	}
	CHECK(bad == 0, "4 reads at fixed and dynamic offsets (%s O%d)", mcpu, opt);

	printf("packet programs (%s O%d):\n", mcpu, opt);
	print_insns(&l, "x_proto", "  xdp IP protocol, 1 fixed-offset read");
	print_insns(&l, "x_drop_udp", "  xdp drop UDP, 2 fixed-offset reads");
	print_insns(&l, "x_peek_i32_32_o0", "  xdp u32 at a dynamic offset (2 reads)");
	print_insns(&l, "x_sum5", "  xdp 4 + 4 byte reads through a 5-param call");
	print_insns(&l, "x_chain", "  xdp 1 + 2 reads through 2 calls");
	print_insns(&l, "x_fix4", "  xdp 4 fixed-offset byte reads");
	print_insns(&l, "x_dyn4", "  xdp 4 + 4 dynamic-offset byte reads");
	printf("  xlated per byte read, with its xor (%s O%d): fixed offset %.1f, "
	       "dynamic offset %.1f (the read of the offset byte included)\n", mcpu, opt,
	       ((int)xlated(&l, "x_fix4") - (int)xlated(&l, "x_fix1")) / 3.0,
	       ((int)xlated(&l, "x_dyn4") - (int)xlated(&l, "x_dyn1")) / 3.0);
out:
	unload(&l);
	arena_free(&t.a);
}

/* DISPATCH: one function reading (writing) the packet or the instance
 * memory, whichever its address points into. */
static void build_dispatch(struct tmod *t, uint32_t size, uint8_t *image)
{
	struct fb b, rd, rd32, wr;
	struct ir_region *r;
	uint32_t o, mode, v, addr, x;

	tm_init(t, "tests/dispatch.wasm");
	tm_memory(t, size);
	for (uint32_t i = 0; i < size; i++)
		image[i] = 0;
	for (uint32_t i = 0; i < 64 && i < size; i++)
		image[i] = (uint8_t)(mix(i + 1000) | 1);
	for (uint32_t i = size - 8; i < size; i++)
		image[i] = (uint8_t)(0xe0 + i % 8);
	tm_data(t, 0, image, size < 64 ? size : 64);
	tm_data(t, size - 8, image + size - 8, 8);

	rd = tm_func(t, "w_d_rd", "i", "i");
	rd.f->packet = true;
	r = &rd.f->body;
	ret(&rd, r, 1, pload(&rd, r, IR_I32, 1, false, get(&rd, r, 0), 0, 0, IR_MEM_DISPATCH));
	rd32 = tm_func(t, "w_d_rd32", "i", "i");
	rd32.f->packet = true;
	r = &rd32.f->body;
	ret(&rd32, r, 1, pload(&rd32, r, IR_I32, 4, false, get(&rd32, r, 0), 3, 0, IR_MEM_DISPATCH));
	wr = tm_func(t, "w_d_wr", "ii", "");
	wr.f->packet = true;
	r = &wr.f->body;
	pstore(&wr, r, 2, get(&wr, r, 0), get(&wr, r, 1), 3, 1, IR_MEM_DISPATCH);

	/* the address: mode != 0 ? pkt + o : o, o and mode from the tail */
	for (int k = 0; k < 4; k++) {
		static const char *const names[] = { "x_disp", "x_disp32", "x_dispw", "x_both" };

		b = pfunc(t, names[k] + 1);
		r = &b.f->body;
		o = pload(&b, r, IR_I32, 4, false, tail_addr(&b, r, 4), 0, 0, IR_MEM_PACKET);
		mode = pload(&b, r, IR_I32, 1, false, tail_addr(&b, r, 5), 0, 0, IR_MEM_PACKET);
		addr = sel(&b, r, mode, op2(&b, r, IR_I32_ADD, get(&b, r, 0), o), o);
		switch (k) {
		case 0:
			v = call(&b, r, rd.index, NULL, 1, addr);
			break;
		case 1:
			v = call(&b, r, rd32.index, NULL, 1, addr);
			break;
		case 2:
			x = pload(&b, r, IR_I32, 2, false, tail_addr(&b, r, 7), 0, 0, IR_MEM_PACKET);
			call(&b, r, wr.index, NULL, 2, addr, x);
			v = call(&b, r, rd32.index, NULL, 1, addr);
			break;
		default:
			/* both regions in one run */
			v = call(&b, r, rd.index, NULL, 1, op2(&b, r, IR_I32_ADD, get(&b, r, 0), o));
			x = call(&b, r, rd.index, NULL, 1, o);
			v = op2(&b, r, IR_I32_XOR, v, op2(&b, r, IR_I32_SHL, x, cst(&b, r, IR_I32, 8)));
			break;
		}
		ret(&b, r, 1, v);
		tm_pentry(t, names[k], b.index, IR_PROG_XDP);
	}
}

/* Wasm address a, memarg offset off, w bytes: a pointer into pkt (its
 * bytes, n of them) or into mem (size bytes); NULL if it traps. */
static uint8_t *dispatch_ref(uint32_t a, uint32_t off, unsigned w, uint8_t *pkt, uint32_t n,
			     uint8_t *mem, uint32_t size)
{
	uint64_t ea;

	if (a >= IR_PACKET_BASE) {
		ea = (uint64_t)(a - IR_PACKET_BASE) + off;
		return ea + w <= n ? pkt + ea : NULL;
	}
	ea = (uint64_t)a + off;
	return ea + w <= size ? mem + ea : NULL;
}

static void test_dispatch(const char *mcpu, int opt, uint32_t size)
{
	static const uint32_t offs[] = {
		0, 1, 2, 3, 40, 57, 58, 59, 60, 61, 62, 63, 64, 65, 100, 0xfffb, 0xffff, 0x10000,
		0x7ffffff0, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffc, 0xffffffff,
		0, 0, 0, 0, 0, 0,	/* size - 8 .. size - 3, set below */
	};
	struct tmod t;
	struct loaded l;
	uint8_t *model = malloc(size), *mem, pkt[PK_LEN], out[512];
	uint32_t off[sizeof(offs) / sizeof(offs[0])];
	unsigned bad = 0, runs = 0;
	int err;

	memcpy(off, offs, sizeof(offs));
	for (unsigned k = 0; k < 6; k++)
		off[sizeof(offs) / sizeof(offs[0]) - 6 + k] = size - 8 + k;
	build_dispatch(&t, size, model);
	err = load(&t, mcpu, opt, &l);
	CHECK(err == 0, "dispatch module (%u-byte memory, %s O%d) loads", size, mcpu, opt);
	if (err)
		goto out;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		for (uint8_t mode = 0; mode < 2; mode++)
			for (int k = 0; k < 4; k++) {
				static const char *const names[] = { "x_disp", "x_disp32", "x_dispw",
								     "x_both" };
				uint32_t a = mode ? IR_PACKET_BASE + off[i] : off[i], want = 0;
				uint64_t before = trap_count(&l, W2B_TRAP_OOB_MEMORY);
				uint8_t *p, *q = NULL, want_pkt[PK_LEN];
				bool ok = true;
				uint16_t v16;
				long rv;

				test_packet_bytes(pkt, off[i]);
				pkt[PK_LEN - 5] = mode;
				memcpy(want_pkt, pkt, PK_LEN);
				switch (k) {
				case 0:
					p = dispatch_ref(a, 0, 1, want_pkt, PK_LEN, model, size);
					ok = p != NULL;
					want = ok ? *p : 0;
					break;
				case 1:
				case 2:
					p = dispatch_ref(a, 3, k == 2 ? 2 : 4, want_pkt, PK_LEN, model,
							 size);
					if (k == 2 && p) {
						memcpy(&v16, pkt + PK_LEN - 7, 2);
						memcpy(p, &v16, 2);
						p = dispatch_ref(a, 3, 4, want_pkt, PK_LEN, model, size);
					}
					ok = p != NULL;
					if (ok)
						memcpy(&want, p, 4);
					break;
				default:
					p = dispatch_ref(IR_PACKET_BASE + off[i], 0, 1, want_pkt, PK_LEN,
							 model, size);
					q = dispatch_ref(off[i], 0, 1, want_pkt, PK_LEN, model, size);
					ok = p && q;
					want = ok ? (uint32_t)(*p ^ (*q << 8)) : 0;
					break;
				}
				rv = run_pkt(&l, names[k], pkt, PK_LEN, out);
				runs++;
				if (rv != (long)want ||
				    trap_count(&l, W2B_TRAP_OOB_MEMORY) != before + !ok ||
				    (ok && memcmp(out, want_pkt, PK_LEN)))
					if (bad++ < 5)
						fprintf(stderr, "  %s(%s %#x) = %#lx, want %s %#x\n",
							names[k], mode ? "pkt +" : "mem", off[i], rv,
							ok ? "ok" : "trap", want);
			}
	CHECK(bad == 0, "dispatched accesses, %u-byte memory (%s O%d): %u of %u wrong", size, mcpu,
	      opt, bad, runs);
	mem = instance_memory(&l, cpu_list[0], size);
	CHECK(mem && !memcmp(mem, model, size), "memory matches the model after dispatched stores");
	free(mem);
	if (size == 256) {
		printf("dispatch (%s O%d, %u-byte memory):\n", mcpu, opt, size);
		print_insns(&l, "x_disp", "  xdp 1 dispatched u8 read");
		print_insns(&l, "x_both", "  xdp 2 dispatched u8 reads");
	}
out:
	free(model);
	unload(&l);
	arena_free(&t.a);
}

/* Kernel helpers called from a syscall program. */
static void test_helpers(const char *mcpu, int opt)
{
	struct tmod t;
	struct loaded l;
	struct fb b;
	struct ir_region *r;
	uint64_t out[2], t1, t2, rnd[8];
	bool differ = false;
	int err;

	tm_init(&t, "tests/helpers.wasm");
	b = tm_func(&t, "w_now", "", "II");
	r = &b.f->body;
	t1 = helper(&b, r, 5, IR_I64, 0, NULL);
	ret(&b, r, 2, (uint32_t)t1, helper(&b, r, 5, IR_I64, 0, NULL));
	tm_entry(&t, "h_now", b.index);
	b = tm_func(&t, "w_rand", "", "i");
	ret(&b, &b.f->body, 1, helper(&b, &b.f->body, 7, IR_I32, 0, NULL));
	tm_entry(&t, "h_rand", b.index);
	b = tm_func(&t, "w_cpu", "", "i");
	ret(&b, &b.f->body, 1, helper(&b, &b.f->body, 8, IR_I32, 0, NULL));
	tm_entry(&t, "h_cpu", b.index);
	b = tm_func(&t, "w_clocks", "", "I");
	r = &b.f->body;
	/* jiffies, boot and TAI clocks: all non-zero, or 0. (Not
	 * ktime_get_coarse_ns: syscall programs may not call it, see x_clock) */
	{
		uint32_t v = cst(&b, r, IR_I64, 1);
		static const uint32_t ids[] = { 118, 125, 208 };

		for (unsigned k = 0; k < 3; k++)
			v = sel(&b, r, op2(&b, r, IR_I64_NE, helper(&b, r, ids[k], IR_I64, 0, NULL),
					   cst(&b, r, IR_I64, 0)), v, cst(&b, r, IR_I64, 0));
		helper(&b, r, 42, IR_I32, 0, NULL);	/* numa node: result unused */
		ret(&b, r, 1, v);
	}
	tm_entry(&t, "h_clocks", b.index);
	/* a helper whose result is dropped */
	b = tm_func(&t, "w_drop", "", "");
	helper(&b, &b.f->body, 5, IR_I64, 0, NULL);
	tm_entry(&t, "h_drop", b.index);

	err = load(&t, mcpu, opt, &l);
	CHECK(err == 0, "helper module (%s O%d) loads", mcpu, opt);
	if (err)
		goto out;
	CHECK(run(&l, "h_now", NULL, 0, out, 2) == 0 && out[0] != 0 && out[1] >= out[0],
	      "ktime_get_ns twice: %" PRIu64 " then %" PRIu64, out[0], out[1]);
	t1 = out[0];
	t2 = out[1];
	CHECK(run(&l, "h_now", NULL, 0, out, 2) == 0 && out[0] > t2 && out[1] > t1,
	      "ktime_get_ns increases across runs: %" PRIu64 " after %" PRIu64, out[0], t2);
	for (int k = 0; k < 8; k++) {
		CHECK(run(&l, "h_rand", NULL, 0, &rnd[k], 1) == 0 && rnd[k] <= UINT32_MAX,
		      "get_prandom_u32: %#" PRIx64, rnd[k]);
		differ |= rnd[k] != rnd[0];
	}
	CHECK(differ, "get_prandom_u32 varies");
	CHECK(run(&l, "h_cpu", NULL, 0, out, 1) == 0 && out[0] == (uint64_t)cpu_list[0],
	      "get_smp_processor_id = %" PRIu64 ", pinned to %d", out[0], cpu_list[0]);
	CHECK(run(&l, "h_clocks", NULL, 0, out, 1) == 0 && out[0] == 1, "the other clocks run");
	CHECK(run(&l, "h_drop", NULL, 0, NULL, 0) == 0, "helper result dropped");
out:
	unload(&l);
	arena_free(&t.a);
}

/* What the backend must refuse about packets and helpers. */
static void test_packet_errors(void)
{
	struct tmod t;
	struct fb b;
	void *a = NULL;
	size_t na = 0;
	int err;

	/* (a store to a read-only packet is refused by ir_lower_memory():
	 * tests/reject/packet-store-read-only.c) */

	/* a packet access in a function not marked `packet` */
	tm_init(&t, "tests/bad.wasm");
	tm_memory(&t, 0);
	b = pfunc(&t, "w_x");
	b.f->packet = false;
	ret(&b, &b.f->body, 1, pload(&b, &b.f->body, IR_I32, 1, false, get(&b, &b.f->body, 0), 0, 0,
				     IR_MEM_PACKET));
	tm_pentry(&t, "x", b.index, IR_PROG_XDP);
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "without the packet"),
	      "packet access without the packet: %s", diag_text);
	arena_free(&t.a);

	/* a syscall entry whose function takes the packet struct for the
	 * context alone (ir_lower_memory() refuses packet accesses there):
	 * the entry passes a struct with the context */
	tm_init(&t, "tests/ctx.wasm");
	tm_memory(&t, 0);
	b = pfunc(&t, "w_x");
	b.f->ctx = true;
	ret(&b, &b.f->body, 1, get(&b, &b.f->body, 0));
	tm_entry(&t, "x", b.index);
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == 0 && a, "syscall entry with the context struct: %s", diag_text);
	free(a);
	arena_free(&t.a);

	/* a packet entry of the wrong type */
	tm_init(&t, "tests/bad.wasm");
	b = tm_func(&t, "w_x", "i", "i");
	ret(&b, &b.f->body, 1, get(&b, &b.f->body, 0));
	tm_pentry(&t, "x", b.index, IR_PROG_TC);
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "(i32 pkt, i32 len) -> i32"),
	      "packet entry of the wrong type: %s", diag_text);
	arena_free(&t.a);

	/* ktime_get_ns into an i32 */
	tm_init(&t, "tests/bad.wasm");
	b = tm_func(&t, "w_x", "", "i");
	ret(&b, &b.f->body, 1, helper(&b, &b.f->body, 5, IR_I32, 0, NULL));
	tm_entry(&t, "x", b.index);
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "helper ktime_get_ns") && strstr(diag_text, ":I"),
	      "helper of the wrong type: %s", diag_text);
	arena_free(&t.a);

	/* objects without packet functions carry no trace of them */
	{
		struct cf_mod cm;

		build_control(&t, &cm);
		err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
		CHECK(err == 0 && a && !memmem(a, na, "w2b_packet", 10), "no w2b_packet BTF");
		free(a);
		a = NULL;
		arena_free(&t.a);
	}
}

/* --- output forms and internal errors --------------------------------------- */

static void test_outputs(void)
{
	struct tmod t;
	struct cf_mod cm;
	void *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int err;

	build_control(&t, &cm);
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == 0, "emit obj");
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &b, &nb);
	CHECK(err == 0 && na == nb && a && b && !memcmp(a, b, na), "deterministic object");
	if (getenv("W2B_TEST_OBJ") && a) {
		FILE *f = fopen(getenv("W2B_TEST_OBJ"), "wb");

		if (f) {
			fwrite(a, 1, na, f);
			fclose(f);
		}
	}
	free(a);
	free(b);
	a = NULL;
	err = emit(&t, "v4", 2, BE_EMIT_ASM, &a, &na);
	CHECK(err == 0 && a && strstr(a, "bpf_iter_num_next") && strlen(a) == na, "asm output");
	free(a);
	a = NULL;
	err = emit(&t, "v3", 0, BE_EMIT_LL, &a, &na);
	CHECK(err == 0 && a && strstr(a, "define internal") && strstr(a, "section \"syscall\""),
	      "ll output");
	free(a);
	a = NULL;
	err = emit(&t, "v5", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "v5"), "bad cpu refused: %s", diag_text);
	arena_free(&t.a);

	/* an unguarded division is an internal error */
	tm_init(&t, "tests/bad.wasm");
	{
		struct fb f = tm_func(&t, "w_bad", "ii", "i");
		struct ir_region *r = &f.f->body;
		uint32_t v = op2(&f, r, IR_I32_DIV_S, get(&f, r, 0), get(&f, r, 1));

		r->insts[r->n - 1]->flags = 0;
		ret(&f, r, 1, v);
		tm_entry(&t, "bad", f.index);
	}
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "internal compiler error") &&
	      strstr(diag_text, "i32.div_s"), "unguarded division: %s", diag_text);
	arena_free(&t.a);

	/* so is a loop nobody bounded */
	tm_init(&t, "tests/bad.wasm");
	{
		struct fb f = tm_func(&t, "w_bad", "", "");
		struct ir_inst *loop = scope(&f, &f.f->body, IR_LOOP, IR_NOVAL);

		br(&f, &loop->u.scope.body, loop);
		tm_entry(&t, "bad", f.index);
	}
	err = emit(&t, "v3", 2, BE_EMIT_OBJ, &a, &na);
	CHECK(err == -EINVAL && !a && strstr(diag_text, "loop without a lowering"),
	      "unlowered loop: %s", diag_text);
	arena_free(&t.a);
}

int main(int argc, char **argv)
{
	cpu_set_t saved;

	verbose = argc > 1 && !strcmp(argv[1], "-v");
	libbpf_set_print(on_libbpf_print);
	/* Instance state is per CPU and a syscall program's test run runs on
	 * the calling CPU: the tests pin themselves (to two CPUs in turn). */
	if (sched_getaffinity(0, sizeof(saved), &saved) == 0)
		for (int c = 0; c < CPU_SETSIZE && ncpu_list < 2; c++)
			if (CPU_ISSET(c, &saved))
				cpu_list[ncpu_list++] = c;
	if (!ncpu_list || !pin_cpu(cpu_list[0])) {
		fprintf(stderr, "cannot pin to a CPU\n");
		return 1;
	}
	if (ncpu_list < 2)
		printf("only one CPU: the per-CPU instance tests use one\n");

	test_outputs();
	for (int opt = 0; opt <= 3; opt++)
		test_numeric("v3", opt);
	test_numeric("v4", 0);
	test_numeric("v4", 2);
	test_control("v3", 2);
	test_control("v4", 2);
	test_control("v3", 0);
	test_control("v4", 0);

	test_memory_errors();
	test_packet_errors();
	test_helpers("v3", 2);
	test_helpers("v4", 0);
	for (int v = 0; v < 2; v++)
		for (int opt = 0; opt <= 2; opt += 2) {
			const char *cpu = v ? "v4" : "v3";

			test_packet(cpu, opt);
			test_dispatch(cpu, opt, 256);
			test_dispatch(cpu, opt, 65536);
		}
	for (int v = 0; v < 2; v++) {
		const char *cpu = v ? "v4" : "v3";

		test_access(cpu, 2, 256, false);
		test_access(cpu, 2, 65536, true);
		test_data(cpu, 2, 4096, "GPL");
		test_data(cpu, 2, 131072, "GPL");
		test_data(cpu, 2, 4096, "MIT");
		test_bulk(cpu, 2, 512, "GPL");
		test_bulk(cpu, 2, 65536, "GPL");
		test_bulk(cpu, 2, 512, "Dual BSD/GPL");
		test_bulk(cpu, 2, 65536, "MIT");
		test_big_data(cpu, "GPL");
		test_big_data(cpu, "MIT");
	}
	test_access("v3", 0, 256, false);
	test_access("v4", 0, 65536, true);
	test_data("v3", 0, 131072, "GPL");
	test_bulk("v3", 0, 512, "GPL");
	/* a loader sets an exported immutable global before load */
	answer_override = 1234;
	load_hook = set_answer;
	test_data("v3", 2, 4096, "GPL");
	load_hook = NULL;
	answer_override = 0;

	sched_setaffinity(0, sizeof(saved), &saved);

	printf("backend: %u passed, %u failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
