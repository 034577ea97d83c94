/*
 * ir.h — wasm2bpf's intermediate representation.
 *
 * The IR keeps Wasm's structured control flow (block, loop, if, br with
 * label) but drops the operand stack: every value is a virtual register
 * (vreg) defined by exactly one instruction, and instructions run in the
 * order they are listed, exactly as the Wasm instructions did. Because the
 * control flow is structured, a vreg's definition dominates every use; a
 * value that flows out of a block, a loop or an if (Wasm block results and
 * block parameters) goes through a local instead, so blocks carry no values.
 * Locals are mutable variables (params first); the backend gives them stack
 * slots and LLVM's mem2reg turns them into SSA.
 *
 * Only i32 and i64 exist: anything else was refused by the frontend.
 *
 * What the passes add is explicit in the IR, never implied:
 *   - ir_insert_traps(): trap_if guards before divisions; IR_F_GUARDED.
 *   - ir_bound_loops(): every loop's bound (how it is kept finite for the
 *     verifier) and the locals whose values the verifier must not track.
 *   - ir_bound_recursion(): cycles of calls become nested copies of their
 *     functions, the deepest trapping "call stack exhausted".
 *   - ir_analyze_calls(): reachability from the entries, may_trap, and the
 *     refusal of unsupported functions an entry reaches.
 *   - ir_lower_imports(): each helper call's map and lookup site, context
 *     fields' offsets, and the helper x program type refusals.
 *   - ir_lower_memory(): each access's region (instance memory, packet,
 *     map value, or a run-time dispatch) and how functions read the packet.
 * and one analysis the backend asks, adding nothing: ir_u32_range()
 * (value_range.c), what an address is known to be from how it was
 * computed, so that a provably in-bounds access goes unchecked.
 *
 * Ownership: an ir_module and everything it points to lives in the arena it
 * was built in (m->arena); nothing is freed on its own. (m->source, the
 * source lines, is the pipeline's: common/source_map.h.)
 */
#ifndef W2B_IR_IR_H
#define W2B_IR_IR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "common/arena.h"
#include "common/trap_kinds.h"

struct diag_sink;

enum ir_type {
	IR_VOID = 0,
	IR_I32,
	IR_I64,
};

enum ir_numop {
#define X(id, text, nops, rtype, otype, address) IR_##id,
#include "ir_ops.def"
#undef X
	IR_NUMOP_COUNT
};

struct ir_numop_info {
	const char *text;
	uint8_t nops;
	uint8_t result;		/* enum ir_type */
	uint8_t operand;	/* enum ir_type of the operands */
	bool carries_address;	/* ir_ops.def's address column: CARRY */
};
extern const struct ir_numop_info ir_numop_info[IR_NUMOP_COUNT];

enum ir_kind {
	IR_CONST,	/* dst = imm */
	IR_NUM,		/* dst = numop(a[, b]) */
	IR_SELECT,	/* dst = a ? b : c        (a is i32) */
	IR_LOCAL_GET,	/* dst = local */
	IR_LOCAL_SET,	/* local = a */
	IR_CALL,	/* results... = call func(args...) */
	IR_BLOCK,	/* label: body; a br to label continues after the block */
	IR_LOOP,	/* label: body; a br to label starts the next iteration */
	IR_IF,		/* if a then body else else_body; br to label leaves the if */
	IR_BR,		/* jump to label */
	IR_BR_IF,	/* if a != 0 jump to label */
	IR_BR_TABLE,	/* jump to targets[a], or dflt if a >= ntargets */
	IR_RETURN,	/* return vals... */
	IR_TRAP,	/* trap with kind */
	IR_TRAP_IF,	/* if a != 0 trap with kind */
	IR_LOAD,	/* dst = load u.mem.width bytes at a + u.mem.offset */
	IR_STORE,	/* store the low u.mem.width bytes of b at a + u.mem.offset */
	IR_GLOBAL_GET,	/* dst = globals[u.global] */
	IR_GLOBAL_SET,	/* globals[u.global] = a */
	IR_MEMORY_COPY,	/* copy c bytes from b to a (memmove: may overlap) */
	IR_MEMORY_FILL,	/* set c bytes at a to the low byte of b */
	IR_HELPER_CALL,	/* dst = kernel helper ir_helpers[u.call.func](args...) */
	IR_ATOMIC_RMW,	/* dst = old value at a + u.mem.offset; stores op(old, b)
			 * there (u.mem.rmw), atomically */
	IR_ATOMIC_CMPXCHG, /* dst = old value at a + off; stores c if old == b */
	IR_CTX_GET,	/* dst = the context's u32 field u.ctx (i32) */
	IR_CTX_SET,	/* the context's u32 field u.ctx = a */
	IR_CORE,	/* dst = a kernel field through CO-RE: u.core (from the
			 * kernel pointer a for a read, else no operand) */
};

/*
 * A kernel field an import from module "core" names (frontend/core_access.c
 * resolves it against the kernel's BTF; backend-bpf/emit_core.c emits the
 * CO-RE access, whose offsets libbpf patches for the kernel that loads it).
 *
 *   read TYPE PATH     (i64 ptr) -> i32|i64: the field at PATH of the struct
 *                      TYPE at ptr; PATH is member names joined by "." (a
 *                      member of the member) and "->" (through a pointer:
 *                      a read of its own)
 *   exists TYPE PATH   () -> i32: 1 if the loading kernel has the field
 *   size TYPE PATH     () -> i32: its size in bytes there
 *   enum TYPE NAME     () -> i64: the value of enumerator NAME of enum TYPE
 *                      in the loading kernel
 */
enum ir_core_op { IR_CORE_READ, IR_CORE_EXISTS, IR_CORE_SIZE, IR_CORE_ENUM };

/* What the field is, as libbpf compares a local field with the kernel's
 * (kinds must agree: an integer, a pointer, an enum or a struct or union
 * of the same name, an array of such). */
enum ir_core_leaf { IR_CORE_LEAF_INT, IR_CORE_LEAF_PTR, IR_CORE_LEAF_ENUM,
		    IR_CORE_LEAF_STRUCT, IR_CORE_LEAF_UNION, IR_CORE_LEAF_ARRAY };

/* A member on the way to the field: of a struct or union (its container),
 * at a byte offset in it (in the BTF it was resolved against: libbpf
 * patches it). An anonymous container is one the kernel's type nests
 * without a name (an anonymous union in task_struct). */
struct ir_core_member {
	const char *name;		/* "" for an anonymous member */
	const char *container;		/* the container's name, "" if anonymous */
	bool container_union;
	uint32_t offset;		/* bytes into the container */
	uint32_t size;			/* the member's bytes */
};

/* The members from one struct down to a value: the root's, then
 * each member's inside the previous one (anonymous ones included). */
struct ir_core_step {
	uint32_t nmembers;
	struct ir_core_member *members;
};

struct ir_core_access {
	uint8_t op;			/* enum ir_core_op */
	const char *text;		/* the import's name, for messages */
	uint32_t nsteps;		/* 1 + the "->" in the path */
	struct ir_core_step *steps;
	uint32_t width;			/* read: the field's bytes (1, 2, 4, 8) */
	bool is_signed;			/* read: a signed integer, sign-extended */
	uint8_t leaf;			/* enum ir_core_leaf: the field's kind */
	const char *leaf_name;		/* an enum's, struct's or union's name */
	uint32_t leaf_size;		/* its bytes (an array: all of it) */
	uint32_t leaf_elem_size;	/* an array's element bytes (integers) */
	/* IR_CORE_ENUM: the enum (leaf_name, leaf_size), its enumerator and
	 * value in the BTF it was resolved against (nsteps 0) */
	const char *enumerator;
	int64_t enum_value;
};

/* IR_ATOMIC_RMW's operation. */
enum ir_rmw_op { IR_RMW_ADD, IR_RMW_SUB, IR_RMW_AND, IR_RMW_OR, IR_RMW_XOR, IR_RMW_XCHG };

/* Where a memory access goes (ir_lower_memory()). */
enum ir_mem_region {
	IR_MEM_UNDECIDED = 0,	/* not yet classified: the backend refuses it */
	IR_MEM_INSTANCE,	/* the instance's linear memory [0, memory.size) */
	IR_MEM_PACKET,		/* the packet: address - IR_PACKET_BASE is the offset */
	IR_MEM_DISPATCH,	/* decided at run time: at or above IR_PACKET_BASE is
				 * the packet, below it instance memory */
	IR_MEM_MAP_VALUE,	/* a map value a lookup returned: u.mem.sites says
				 * which lookup sites the address may come from */
	IR_MEM_ANY,		/* decided at run time: a map value of u.mem.sites
				 * in [IR_MAP_VALUE_BASE, IR_PACKET_BASE), the
				 * packet at or above IR_PACKET_BASE (in a function
				 * with the packet), instance memory below */
	IR_MEM_FRAME,		/* the function's promoted shadow-stack frame
				 * (ir_promote_frames()): the address is the
				 * offset in it, a constant inside ir_func.frame_size */
};

/* The largest shadow-stack frame ir_promote_frames() moves to the BPF
 * stack: the kernel's 512 bytes are shared with LLVM's spills, the loop
 * state and the frames of the calls below. */
#define IR_MAX_PROMOTED_FRAME 128

/* A packet entry's `pkt` parameter: the Wasm address of the packet's
 * first byte. Packet addresses are [IR_PACKET_BASE, IR_PACKET_BASE + len),
 * above any instance memory (at most 64 MiB), so a Wasm pointer says by its
 * value which region it points into. */
#define IR_PACKET_BASE 0x80000000u

/* A map value that map_lookup_elem returned at lookup site s of a function
 * is addressed, in Wasm, as IR_MAP_VALUE_BASE + s * IR_MAP_VALUE_STRIDE +
 * offset (0 if the lookup found nothing); the value itself stays where
 * the kernel keeps it, and the backend holds its kernel pointer per site.
 * So a map value is read and written in place, and an address says by
 * its value which lookup it came from. */
#define IR_MAP_VALUE_BASE 0x40000000u
#define IR_MAP_VALUE_STRIDE 0x10000u
#define IR_MAX_LOOKUP_SITES 64	/* per function: a site set is a u64 */
#define IR_MAX_INPLACE_VALUE 0xffffu	/* value sizes a lookup may return */

#define IR_NOVAL UINT32_MAX

/* Instruction flags. */
#define IR_F_GUARDED 0x1	/* division: operands proven in its defined domain */
#define IR_F_SIGNED 0x2		/* IR_LOAD narrower than its type: sign-extend */

struct ir_inst;

/* A sequence of instructions. */
struct ir_region {
	struct ir_inst **insts;
	uint32_t n, cap;
};

enum ir_label_kind { IR_LABEL_BLOCK, IR_LABEL_LOOP, IR_LABEL_IF };

struct ir_label {
	uint32_t id;		/* unique in the function; printed as @N */
	uint8_t kind;		/* enum ir_label_kind */
	struct ir_inst *owner;	/* the block, loop or if */
};

/* How a loop is kept finite for the verifier (ir_bound_loops()). */
enum ir_loop_lowering {
	IR_LOOP_UNLOWERED = 0,	/* not yet decided: the backend refuses it */
	IR_LOOP_PLAIN,		/* nothing branches back: it runs once */
	IR_LOOP_COUNTED,	/* an ordinary loop with a counter the verifier
				 * tracks exactly: it walks every iteration, so
				 * max_iters is chosen to fit its budget (kernels
				 * without bpf_loop) */
	IR_LOOP_CALLBACK,	/* the body is a bpf_loop() callback (5.17+) */
	IR_LOOP_ITER,		/* bpf_iter_num kfuncs (6.4+) */
	IR_LOOP_GLOBAL,		/* the body is a global BPF function the
				 * verifier checks once on its own, called
				 * from a counted loop (kernels without
				 * bpf_loop: 5.6+) */
};

struct ir_loop_info {
	uint8_t lowering;	/* enum ir_loop_lowering */
	uint32_t max_iters;	/* times the loop head may be reached per entry of
				 * the loop: PLAIN 1; COUNTED what fits the
				 * verifier; CALLBACK, ITER the run's whole fuel
				 * (which they also count down, across loops) */
	/* COUNTED: the locals it carries (written inside, read before they
	 * are written). Their values at the loop head are made opaque to the
	 * verifier, so that the paths through the body meet there in one
	 * state per iteration. */
	uint32_t nlaundered;
	uint32_t *laundered;
	/* CALLBACK, GLOBAL, ITER: the locals the loop and the loops nested
	 * in it carry from one iteration to the next or out of the loop (the
	 * function's loop state holds them: emit_loops.c), ascending. */
	uint32_t nused;
	uint32_t *used;
};

struct ir_inst {
	uint8_t kind;		/* enum ir_kind */
	uint8_t type;		/* enum ir_type of dst; IR_VOID if none */
	uint16_t flags;		/* IR_F_* */
	uint32_t dst;		/* vreg defined, or IR_NOVAL */
	uint32_t offset;	/* Wasm byte offset this came from (line info) */
	uint32_t a, b, c;	/* operand vregs, IR_NOVAL where unused */
	union {
		int64_t imm;			/* IR_CONST (i32: sign-extended) */
		uint32_t numop;			/* IR_NUM: enum ir_numop */
		uint32_t local;			/* IR_LOCAL_GET, IR_LOCAL_SET */
		uint32_t trap;			/* IR_TRAP, IR_TRAP_IF: enum w2b_trap_kind */
		struct {
			uint32_t func;		/* index into ir_module.funcs; IR_HELPER_CALL: helper id */
			uint32_t nargs, nresults;
			uint32_t *args;		/* vregs */
			uint32_t *results;	/* vregs defined by the call */
			uint32_t map;		/* helpers with a map: index into
						 * ir_module.maps (ir_lower_imports) */
			uint32_t site;		/* map_lookup_elem: its lookup site */
			uint8_t frame_args;	/* IR_HELPER_CALL: bit k, argument k is
						 * an offset in the promoted frame
						 * (ir_promote_frames()) */
		} call;
		struct {
			struct ir_label *label;
			struct ir_region body;
			struct ir_region else_body;	/* IR_IF only */
			struct ir_loop_info loop;	/* IR_LOOP only */
		} scope;			/* IR_BLOCK, IR_LOOP, IR_IF */
		struct ir_label *target;	/* IR_BR, IR_BR_IF */
		struct {
			uint32_t ntargets;
			struct ir_label **targets;
			struct ir_label *dflt;
		} table;			/* IR_BR_TABLE */
		struct {
			uint32_t offset;	/* Wasm memarg offset, added to a */
			uint8_t width;		/* 1, 2, 4 or 8 bytes */
			uint8_t align;		/* log2 of the alignment the module promises */
			uint8_t region;		/* enum ir_mem_region */
			uint8_t rmw;		/* IR_ATOMIC_RMW: enum ir_rmw_op */
			uint64_t sites;		/* IR_MEM_MAP_VALUE: bit s = site s */
		} mem;				/* IR_LOAD, IR_STORE, IR_ATOMIC_* (a: the
						 * i32 address); COPY/FILL use only region */
		uint32_t global;		/* IR_GLOBAL_GET/SET: index into ir_module.globals */
		struct {
			uint32_t field;		/* a row of ir_ctx_fields[] with the name */
			uint32_t offset;	/* in the entry's context struct, or
						 * IR_NOVAL until ir_lower_imports() */
		} ctx;				/* IR_CTX_GET, IR_CTX_SET */
		const struct ir_core_access *core;	/* IR_CORE */
		struct {
			uint32_t nvals;
			uint32_t *vals;
		} ret;				/* IR_RETURN */
	} u;
};

struct ir_func {
	const char *name;	/* Wasm name (name section or export), or NULL */
	const char *symbol;	/* ELF/BTF symbol name: a C identifier, unique */
	uint32_t wasm_index;	/* index in the Wasm function index space */
	uint32_t offset;	/* byte offset of the body in the module */
	uint32_t nparams, nresults;
	uint8_t *results;	/* enum ir_type */
	uint32_t nlocals;	/* including params (the first nparams) */
	uint8_t *local_types;	/* enum ir_type */
	uint32_t nvregs;
	uint8_t *vreg_types;	/* enum ir_type */
	uint32_t nlabels;
	struct ir_region body;

	/* Set by ir_lower_memory(). */
	bool packet;		/* accesses the packet, or calls what does */
	bool load_bytes;	/* ... reached from a socket filter: reads it
				 * with bpf_skb_load_bytes (ir_prog_info) */
	bool beyond_linear;	/* ... reached from cgroup_skb: reads past the
				 * skb's linear part are bpf_skb_load_bytes copies */
	bool ctx;		/* reads or writes context fields or passes the
				 * context to a helper, or calls what does (then
				 * also `packet`: the context travels in the
				 * packet's struct, which a program without a
				 * packet passes with the context alone) */
	bool changes_packet;	/* calls a helper that may move the packet's
				 * data (helpers.def's EFFECT), or calls what
				 * does: data and data_end are reloaded after it */

	/* Set by ir_promote_frames(): the bytes of its shadow-stack frame
	 * that live on the BPF stack instead (IR_MEM_FRAME), or 0. */
	uint32_t frame_size;

	/* Set by ir_lower_imports(): map_lookup_elem calls, numbered in order
	 * (u.call.site), with the map each looks up. */
	uint32_t nsites;
	uint32_t *site_map;

	/* Set by ir_bound_loops() on targets whose loops may be GLOBAL: the
	 * program type (enum ir_prog_kind) of every entry that reaches it, or
	 * IR_PROG_COUNT if entries of several types do (or the start
	 * function): a global function's argument is the context of one
	 * program type. */
	uint8_t entry_kind;

	/* Set by ir_analyze_calls(). */
	bool reachable;		/* from some entry */
	bool may_trap;		/* it or a callee can trap */
	uint32_t call_depth;	/* frames it needs, itself included */

	/* Set by the frontend when the function is outside the subset: the
	 * first reason, with its offset. Such a function has no body and is
	 * an error only if an entry reaches it. */
	const char *refusal;
	uint32_t refusal_offset;
};

/* How a program section behaves: common/program_types.def. */
enum ir_prog_kind {
#define X(id, section, packet, params, trap_action, kernel, what) IR_PROG_##id,
#include "common/program_types.def"
#undef X
	IR_PROG_COUNT
};

/* How an entry's parameters and results travel (program_types.def), in
 * the order of wasm2bpf.h's enum w2b_entry_abi. */
enum ir_prog_params { IR_PARAMS_SLOTS, IR_PARAMS_PACKET, IR_PARAMS_ARGS, IR_PARAMS_ARGS0,
		      IR_PARAMS_REGS, IR_PARAMS_CTX, IR_PARAMS_RET, IR_PARAMS_VERDICT };

struct ir_prog_info {
	const char *section;	/* ending in '/': a prefix, the attach target follows */
	bool packet;		/* entry gets (pkt, len) */
	bool read_only;		/* its packet may not be written */
	bool load_bytes;	/* no direct packet access: reads are copies
				 * (bpf_skb_load_bytes), not in place */
	bool beyond_linear;	/* reads past the linear part are copies */
	uint8_t params;		/* enum ir_prog_params */
	int trap_action;	/* the program's return value on a trap */
	uint32_t min_kernel;	/* the first kernel with it (common/kernel.h) */
};
extern const struct ir_prog_info ir_prog_info[IR_PROG_COUNT];

struct ir_entry {
	const char *export_name;	/* the Wasm export */
	const char *symbol;		/* the program's ELF symbol (C identifier) */
	const char *section;		/* ELF section, libbpf SEC() name */
	uint8_t kind;			/* enum ir_prog_kind */
	uint32_t func;			/* index into ir_module.funcs */
};

/* A Wasm global that the IR reads at run time: mutable ones are per-CPU
 * instance state; exported immutable ones live in .rodata, so a loader can
 * set them before load (libbpf skeleton). Other immutable globals are
 * folded into constants by the frontend and never appear here. */
struct ir_global {
	uint8_t type;			/* enum ir_type */
	bool mutable_;
	int64_t init;			/* initial value */
	uint32_t wasm_index;
	const char *name;		/* Wasm name, or NULL */
	const char *symbol;		/* exported: a C identifier, the name of its
					 * .rodata variable (immutable) or of its
					 * member of the env value's `globals` (mutable) */
};

/* An active data segment: initial contents of the instance memory. */
struct ir_data {
	uint32_t offset;		/* where in the memory */
	uint32_t size;
	const uint8_t *bytes;
};

/* The instance's linear memory, if the module has one. */
struct ir_memory {
	bool present;
	uint32_t pages;			/* what memory.size answers (declared minimum) */
	uint32_t offset;		/* its declaration's byte offset (diagnostics) */
	uint32_t size;			/* bytes the instance has; accesses at or past it trap */
	uint32_t hot;			/* where its hot bytes start: the initial
					 * stack pointer less 16 KiB (wasm-ld),
					 * else 0; emit_memory.c */
	uint32_t layout_end;		/* a wasm-ld module's static layout ends
					 * here (data, stack, __heap_base), if
					 * below the size; else 0 */
	uint32_t ndatas;
	struct ir_data *datas;
};

/* A C type's layout, from the module's DWARF (frontend/dwarf_types.c),
 * for the object's BTF: what a map's key and value, or a ring buffer's
 * events, are made of. Pointers are the module's 4-byte addresses
 * (IR_DT_INT "w2b_addr"); typedefs and qualifiers are looked through;
 * an enum keeps its enumerators (members with values). */
enum ir_dtype_kind { IR_DT_INT, IR_DT_FLOAT, IR_DT_STRUCT, IR_DT_UNION, IR_DT_ARRAY, IR_DT_ENUM };
struct ir_dmember;
struct ir_dtype {
	uint8_t kind;			/* enum ir_dtype_kind */
	const char *name;		/* INT/FLOAT: its C name; STRUCT/UNION: the
					 * tag, or NULL */
	uint32_t size;			/* bytes */
	bool is_signed, is_char, is_bool;	/* INT */
	const struct ir_dtype *elem;	/* ARRAY: the element type */
	uint32_t count;			/* ARRAY: elements */
	uint32_t nmembers;		/* STRUCT, UNION; ENUM: enumerators */
	const struct ir_dmember *members;
};
struct ir_dmember {
	const char *name;
	uint32_t offset;		/* bytes from the start */
	const struct ir_dtype *type;	/* NULL for an enumerator */
	int64_t value;			/* an enumerator's */
};

/* A map the module declares (the SDK's W2B_MAP: frontend/sdk_metadata.c). */
struct ir_map {
	const char *name;		/* C identifier: ELF symbol, BTF, pin name */
	uint32_t addr;			/* its handle: the definition's Wasm address */
	uint32_t type;			/* BPF_MAP_TYPE_* */
	uint32_t key_size, value_size, max_entries, map_flags, pinning;
	uint32_t offset;		/* of its record, for diagnostics */
	/* Set by fe_read_map_types() when the module has DWARF for them:
	 * the key's and value's C types (NULL: described by size); for a
	 * ring buffer value_type is its events' type. */
	const struct ir_dtype *key_type, *value_type;
};

/* The map types a module may declare (common/map_types.def). */
enum ir_map_class { IR_MAPS_NONE, IR_MAPS_DATA, IR_MAPS_RINGBUF, IR_MAPS_REDIRECT, IR_MAPS_PERF,
		    IR_MAPS_STACK, IR_MAPS_PROGS };
struct ir_map_type {
	uint32_t type;			/* BPF_MAP_TYPE_* */
	const char *name;
	uint8_t cls;			/* enum ir_map_class */
	uint32_t key_size;		/* 0: any nonzero */
	uint32_t value_min, value_max, value_step;
	bool zero_entries_ok;		/* max entries may be 0 */
};
extern const struct ir_map_type ir_map_types[];
extern const uint32_t ir_nmap_types;
/* The row of map type `type`, or NULL. */
const struct ir_map_type *ir_map_type_of(uint32_t type);
/* "hash", "devmap, cpumap, xskmap, devmap_hash": the types of a class. */
const char *ir_map_class_types(enum ir_map_class cls, char *buf, size_t size);

/* The kernel helpers a module may import (common/helpers.def). */
enum ir_helper_ret { IR_HRET_NUM, IR_HRET_MAP_VALUE };
enum ir_helper_effect { IR_HEFFECT_NONE, IR_HEFFECT_PACKET, IR_HEFFECT_TAIL };
struct ir_helper_info {
	const char *name;		/* import name: libbpf's without "bpf_" */
	uint32_t id;			/* BPF_FUNC_* */
	const char *type;		/* Wasm type "PARAMS:RESULTS", i i32, I i64 */
	const char *args;		/* per kernel argument: helpers.def's kinds */
	uint8_t ret;			/* enum ir_helper_ret */
	bool gpl_only;
	uint32_t progs;			/* program types, bits of enum ir_prog_kind
					 * (common/prog_classes.h) */
	uint8_t maps;			/* enum ir_map_class of its map argument */
	uint8_t effect;			/* enum ir_helper_effect */
	uint32_t min_kernel;		/* the first kernel with it (common/kernel.h) */
	const char *instead;		/* what to use where it is not allowed */
};
extern const struct ir_helper_info ir_helpers[];
extern const uint32_t ir_nhelpers;
/* Context fields a module may read or write (common/ctx_fields.def). */
enum ir_ctx_class { IR_CTX_SKB, IR_CTX_XDP };
enum ir_ctx_write { IR_CTX_WRITE_NONE, IR_CTX_WRITE_TC, IR_CTX_WRITE_TC_CGROUP };
struct ir_ctx_field {
	const char *name;
	uint8_t cls;			/* enum ir_ctx_class */
	uint32_t offset;
	uint8_t write;			/* enum ir_ctx_write */
};
extern const struct ir_ctx_field ir_ctx_fields[];
extern const uint32_t ir_nctx_fields;

/* The helper imported as `name` (helpers.def), or NULL. */
const struct ir_helper_info *ir_helper_named(const char *name);
/* The argument kinds of h's Wasm params: its args without the context,
 * which the compiler passes itself. */
static inline const char *ir_helper_params(const struct ir_helper_info *h)
{
	return h->args + (h->args[0] == 'c');
}
/* May an entry of program kind `kind` call h? */
bool ir_helper_allowed(const struct ir_helper_info *h, enum ir_prog_kind kind);

/* A load-time setting the SDK's W2B_CONFIG declared: a constant in
 * linear memory whose reads at its address become reads of a .rodata
 * variable named `name`, which a loader may set before load
 * (frontend/sdk_metadata.c records it, ir_lower_imports() rewrites the
 * reads). */
struct ir_config {
	const char *name;		/* C identifier: the .rodata variable */
	uint32_t addr;			/* its Wasm address */
	uint32_t offset;		/* of its record, for diagnostics */
	uint32_t global;		/* the global made for it, once read;
					 * IR_NOVAL before */
};

struct ir_module {
	struct arena *arena;
	const char *file;		/* input path, for debug info */
	/* The source lines of a module built with -g (common/source_map.h),
	 * or NULL: debug locations, diagnostics and trap messages name them. */
	const struct source_map *source;
	struct ir_memory memory;
	uint32_t nglobals;
	struct ir_global *globals;
	uint32_t stack_pointer;		/* wasm-ld's __stack_pointer: the IR global
					 * (fe_layout_memory()), or IR_NOVAL */
	uint32_t nfuncs;
	struct ir_func *funcs;		/* defined functions, in Wasm order */
	uint32_t nentries;
	struct ir_entry *entries;
	uint32_t nmaps;
	struct ir_map *maps;
	uint32_t nconfigs;
	struct ir_config *configs;
	/* The start function (a defined one): each instance runs it once,
	 * after its data segments and globals are set up and before the
	 * first entry runs on that CPU (emit_entry.c). */
	bool has_start;
	bool start_imported;		/* an import (refused when compiling) */
	uint32_t start;			/* index into funcs; if imported, the
					 * Wasm function index */
	uint32_t start_offset;		/* of the start section */
};

/* --- building (ir.c) -------------------------------------------------- */

struct ir_inst *ir_new_inst(struct arena *a, enum ir_kind kind, uint32_t offset);
void ir_region_append(struct arena *a, struct ir_region *r, struct ir_inst *inst);
uint32_t ir_new_vreg(struct arena *a, struct ir_func *f, enum ir_type type);
uint32_t ir_new_local(struct arena *a, struct ir_func *f, enum ir_type type);
struct ir_label *ir_new_label(struct arena *a, struct ir_func *f,
			      enum ir_label_kind kind, struct ir_inst *owner);
const char *ir_type_name(enum ir_type t);

/* Visit every region under root (root first; order among the others is
 * unspecified). fn may rewrite the region it is given; the walk then goes
 * into the scopes of the rewritten region. No recursion. */
typedef void (*ir_region_fn)(struct ir_region *r, void *user);
void ir_walk_regions(struct ir_region *root, ir_region_fn fn, void *user);
/* Visit every instruction under root (each region in order). */
typedef void (*ir_inst_fn)(struct ir_inst *i, void *user);
void ir_walk_insts(struct ir_region *root, ir_inst_fn fn, void *user);

/* The function whose ELF symbol is name[0, n) (a function's, or an
 * entry's program), or NULL. */
const struct ir_func *ir_func_by_symbol(const struct ir_module *m, const char *name, size_t n);
/* Is sym an ELF symbol the module already gives out: an entry's, an
 * exported global's (.rodata) or a map's name? */
bool ir_symbol_taken(const struct ir_module *m, const char *sym);
/* The initial value of the `width` (at most 8) bytes at addr in memory,
 * little-endian, from the active data segments (bytes none covers are
 * zero). */
uint64_t ir_memory_initial(const struct ir_memory *mem, uint32_t addr, unsigned width);

/* "func[3] 'a' -> func[4] 'b'": the functions funcs[0..n) (indices into
 * m->funcs) as diagnostics name a chain of calls. malloc'd. */
char *ir_chain_text(const struct ir_module *m, const uint32_t *funcs, uint32_t n);
/* Does instruction i itself read or write the instance's linear memory
 * (an access that may go there, memory.copy/fill, a helper call, whose
 * pointer arguments are into it)? Calls are the callee's business. */
bool ir_inst_uses_memory(const struct ir_inst *i);
/* The instructions under root, nested ones included. */
uint64_t ir_count_insts(struct ir_region *root);
/* Calls fn once for every function the calls from function `root` reach,
 * root included (root first, then depth-first), and the module's start
 * function and what it reaches (an entry runs it). No recursion. */
typedef void (*ir_func_fn)(struct ir_func *f, void *user);
void ir_walk_reached(struct ir_module *m, uint32_t root, ir_func_fn fn, void *user);

/* --- bounding recursion (bound_recursion.c) ---------------------------- */

/* Every cycle of calls an entry reaches becomes nested copies of its
 * functions, at most max_depth (fewer where the copies would grow too
 * big), the deepest trapping CALL_STACK_EXHAUSTED where it would call
 * into the cycle again; a note per cycle says the depth (and, if
 * `reduced`, that max_depth is less than asked for the kernel's sake).
 * Returns the deepest cycle's depth, 0 if there is none. Run after the
 * entries are chosen, before ir_analyze_calls(). */
uint32_t ir_bound_recursion(struct ir_module *m, uint32_t max_depth, bool reduced,
			    struct diag_sink *d);

/* --- budgets (budgets.c) ----------------------------------------------- */

/* The largest function, in IR instructions, and the deepest nest of
 * `if`s (else arms included) a function may have. */
#define IR_MAX_FUNC_INSTS 100000u
#define IR_MAX_IF_NESTING 1024u
/* The deepest nest of scopes of any kind a module may have. */
#define IR_MAX_NESTING 10000u
/* Marks each function over a budget as outside the subset (its refusal
 * says which, located): an error if an entry reaches it. Run before the
 * call graph is analysed. */
void ir_refuse_over_budget(struct ir_module *m);
/* Refuses (located) a module with scopes nested deeper than
 * IR_MAX_NESTING anywhere, reachable or not: run before the second
 * validator, which would overflow its stack. 0 or -EINVAL. */
int ir_check_nesting(const struct ir_module *m, struct diag_sink *d);

/* --- printing (ir_print.c) -------------------------------------------- */

void ir_print_module(FILE *out, const struct ir_module *m);
void ir_print_func(FILE *out, const struct ir_module *m, const struct ir_func *f);

/* --- passes, in pipeline order ----------------------------------------- */

/* require: entries set. Marks reachable functions and computes call
 * depth; refuses (located error) a reachable function that the frontend
 * refused, and recursion (printing the cycle). Returns 0 or -EINVAL. */
int ir_analyze_calls(struct ir_module *m, struct diag_sink *d, bool *entry_ok);
/* entry_ok, if non-NULL, receives per entry whether it passed (all entries
 * are checked and reported either way). */

/* require: reachable set. For every helper call: resolves its map (the
 * constant handle), checks its constant sizes and the map's kind, numbers
 * the lookup sites, and refuses (located) a helper the entry's program
 * type may not call, a GPL-only one without a GPL-compatible license, and
 * one the target kernel (common/kernel.h) does not have; refuses an entry
 * whose program type the target kernel does not have.
 * 0, or -EINVAL (reported). */
int ir_lower_imports(struct ir_module *m, bool gpl, uint32_t kernel, bool kernel_rules_warn,
		     struct diag_sink *d);

/* require: reachable set. Classifies every load, store, copy and fill by
 * the region it reaches (lower_memory.c) and marks the functions that
 * need the packet. 0, or -EINVAL (reported) for what cannot be made
 * verifiable. */
int ir_lower_memory(struct ir_module *m, struct diag_sink *d);
/* Marks the callers of functions that need the packet (or the context)
 * as needing it too, to a fixed point. */
void ir_propagate_packet(struct ir_module *m);

/* require: reachable set. Guards every division and remainder with the
 * trap_if the Wasm semantics demand, and makes rem_s by -1 defined.
 * (Memory bounds checks are emitted with each access by the backend, next
 * to the pointer arithmetic the verifier must see them on.) */
void ir_insert_traps(struct ir_module *m);

/* The lowering a loop with a back edge gets on target kernel `kernel`
 * (common/kernel.h) under a license that may (gpl) or may not call
 * kfuncs: ITER, CALLBACK or GLOBAL (bound_loops.c; a loop the GLOBAL
 * form cannot take is COUNTED). */
enum ir_loop_lowering ir_loop_lowering_for(uint32_t kernel, bool gpl);

struct ir_loop_opts {
	uint32_t max_loop_iters;	/* loop iterations per program run */
	bool kfuncs_allowed;		/* the license lets the program call kfuncs */
	uint32_t kernel;		/* the target kernel (common/kernel.h) */
	/* --no-precheck: loops nested deeper than the kernel's frames are a
	 * warning, compiled as written for the kernel to judge */
	bool kernel_limits_warn;
};
/* require: reachable set, may_trap, packet. Decides every loop's lowering
 * for the target kernel (bound_loops.c says how) and its laundered and
 * used locals; on a kernel without bpf_loop, gives each loop the
 * iterations the verifier's budget allows, noting them, and refuses
 * (located) a loop nest that cannot fit; functions with GLOBAL loops (and
 * their callers) get the context. Returns 0 or -EINVAL (reported). */
int ir_bound_loops(struct ir_module *m, const struct ir_loop_opts *opts, struct diag_sink *d);

/* value_range.c: each vreg's defining instruction (malloc'd, NULL if
 * out of memory), and the unsigned range [lo, hi] an i32 vreg is known
 * to lie in from how it was computed (operations the kernel's verifier
 * bounds as exactly); false when nothing is known (the whole u32). */
const struct ir_inst **ir_vreg_defs(const struct ir_func *f);
bool ir_u32_range(const struct ir_func *f, const struct ir_inst *const *defs, uint32_t v,
		  uint32_t *lo, uint32_t *hi);

/* require: ir_bound_loops(). Moves the shadow-stack frames whose address
 * never escapes to the BPF stack, where no other access could see their
 * bytes in the memory (promote_frames.c says when); returns how many. */
uint32_t ir_promote_frames(struct ir_module *m);

/* require: all passes above. Sets may_trap on every reachable function
 * that can trap itself or calls one that can. */
void ir_compute_may_trap(struct ir_module *m);

#endif
