/*
 * wasm_module.h — a WebAssembly module as decoded from its bytes.
 *
 * fe_decode() (wasm_decode.c) fills this from a binary: every section, every
 * function body decoded into an instruction array, every element carrying the
 * byte offset it came from, so that every later diagnostic can say
 * "FILE:0xOFFSET". Decoding checks well-formedness (the binary format: magic,
 * version, section order and sizes, LEB128 encodings, opcodes, immediates,
 * UTF-8 names, counts that agree). It does not type-check: that is
 * validation, done while building the IR (build_ir.c) and by binaryen
 * (binaryen_check.c).
 *
 * Everything here is allocated in the arena passed to fe_decode() and lives
 * as long as it.
 */
#ifndef W2B_FRONTEND_WASM_MODULE_H
#define W2B_FRONTEND_WASM_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value types, by their binary encoding. */
enum fe_valtype {
	FE_I32 = 0x7f,
	FE_I64 = 0x7e,
	FE_F32 = 0x7d,
	FE_F64 = 0x7c,
	FE_V128 = 0x7b,
	FE_FUNCREF = 0x70,
	FE_EXTERNREF = 0x6f,
};

/* Instruction ids, from opcodes.def. */
enum fe_op {
#define X(id, name, prefix, code, imm, support, type) FE_OP_##id,
#include "opcodes.def"
#undef X
	FE_OP_COUNT
};

/* Immediate kinds, the fifth column of opcodes.def. */
enum fe_imm {
	FE_IMM_NONE,
	FE_IMM_BLOCKTYPE,	/* blocktype: u.block */
	FE_IMM_LABEL,		/* label depth: u.index */
	FE_IMM_BR_TABLE,	/* u.br_table */
	FE_IMM_FUNC,		/* function index: u.index */
	FE_IMM_CALL_INDIRECT,	/* u.call_indirect */
	FE_IMM_LOCAL,		/* u.index */
	FE_IMM_GLOBAL,		/* u.index */
	FE_IMM_TABLE,		/* u.index */
	FE_IMM_MEMARG,		/* u.mem */
	FE_IMM_MEMIDX,		/* one memory index (must be 0): u.index */
	FE_IMM_I32,		/* u.i64 (sign-extended from the s32) */
	FE_IMM_I64,		/* u.i64 */
	FE_IMM_F32,		/* u.bits (the 4 bytes, little endian) */
	FE_IMM_F64,		/* u.bits */
	FE_IMM_SELECT_T,	/* u.select_t */
	FE_IMM_REFTYPE,		/* u.index = the reftype byte */
	FE_IMM_MEMORY_INIT,	/* u.pair: a = data index, b = memory index */
	FE_IMM_DATA,		/* data index: u.index */
	FE_IMM_MEMORY_COPY,	/* u.pair: a = dst memory, b = src memory */
	FE_IMM_TABLE_INIT,	/* u.pair: a = elem index, b = table index */
	FE_IMM_ELEM,		/* elem index: u.index */
	FE_IMM_TABLE_COPY,	/* u.pair: a = dst table, b = src table */
};

/* Why an instruction class is or is not in the subset: the last column of
 * opcodes.def. fe_support_reason() gives the text the subset check prints. */
enum fe_support {
	FE_SUPPORT_OK,
	FE_SUPPORT_MULTIMEM,	/* a memarg offset past 32 bits (memory64) */
	FE_SUPPORT_FLOAT,
	FE_SUPPORT_TABLE,
	FE_SUPPORT_TAIL,
	FE_SUPPORT_REF,
	FE_SUPPORT_PASSIVE,	/* passive data segments */
	FE_SUPPORT_SIMD,
	FE_SUPPORT_ATOMIC,
};

struct fe_opinfo {
	const char *name;
	uint8_t prefix;		/* 0 or 0xfc */
	uint32_t code;
	enum fe_imm imm;
	enum fe_support support;
	const char *type;	/* "PARAMS:RESULTS" or "*" (see opcodes.def) */
};

extern const struct fe_opinfo fe_opinfo[FE_OP_COUNT];
/* Why a class is refused ("eBPF has no floating point"). */
const char *fe_support_reason(enum fe_support s);
/* What the reader calls a whole refused prefix ("SIMD (0xfd) instructions"). */
const char *fe_support_family(enum fe_support s);

/* A block type: no value, one value type, or a type index (multi-value). */
enum fe_blocktype_kind { FE_BT_EMPTY, FE_BT_VALTYPE, FE_BT_TYPEIDX };

struct fe_instr {
	uint32_t offset;	/* byte offset of the opcode in the module */
	uint16_t op;		/* enum fe_op */
	union {
		uint32_t index;
		int64_t i64;
		uint64_t bits;
		struct {
			uint32_t align;		/* log2, as encoded */
			uint32_t offset;
		} mem;
		struct {
			uint8_t kind;		/* enum fe_blocktype_kind */
			uint8_t valtype;	/* FE_BT_VALTYPE */
			uint32_t typeidx;	/* FE_BT_TYPEIDX */
		} block;
		struct {
			uint32_t count;		/* number of targets, without the default */
			uint32_t *targets;	/* label depths */
			uint32_t dflt;
		} br_table;
		struct {
			uint32_t typeidx;
			uint32_t table;
		} call_indirect;
		struct {
			uint32_t count;
			uint8_t *types;
		} select_t;
		struct {
			uint32_t a, b;
		} pair;
	} u;
};

struct fe_functype {
	uint32_t offset;
	uint32_t nparams, nresults;
	uint8_t *params, *results;	/* enum fe_valtype */
};

struct fe_limits {
	uint64_t min, max;
	bool has_max;
	bool shared;
	bool is64;
};

struct fe_globaltype {
	uint8_t valtype;
	bool mutable_;
};

/* A constant expression (global init, segment offsets): the decoded
 * instructions without the final `end`. */
struct fe_constexpr {
	uint32_t offset;
	uint32_t ninstrs;
	struct fe_instr *instrs;
};

enum fe_extern_kind { FE_EXT_FUNC = 0, FE_EXT_TABLE = 1, FE_EXT_MEMORY = 2, FE_EXT_GLOBAL = 3 };

struct fe_import {
	uint32_t offset;
	char *module, *name;		/* NUL-terminated copies (UTF-8 checked) */
	uint8_t kind;			/* enum fe_extern_kind */
	uint32_t type_index;		/* FE_EXT_FUNC */
	struct fe_limits limits;	/* FE_EXT_TABLE, FE_EXT_MEMORY */
	uint8_t reftype;		/* FE_EXT_TABLE */
	struct fe_globaltype global;	/* FE_EXT_GLOBAL */
};

struct fe_func {
	uint32_t type_index;
	bool imported;
	uint32_t import_index;		/* into fe_module.imports, if imported */
	const char *name;		/* from the name section, else the first export, else NULL */
	/* Defined functions only: */
	uint32_t decl_offset;		/* offset of its entry in the function section */
	uint32_t body_offset;		/* offset of the body's size field in the code section */
	uint32_t body_start, body_end;	/* [start, end): locals declarations .. final `end` inclusive */
	uint32_t nlocals;		/* declared locals, not counting params */
	uint8_t *local_types;		/* nlocals value types */
	uint32_t ninstrs;
	struct fe_instr *instrs;	/* the body, including the final `end` */
	/* A body that uses a whole instruction family the reader does not
	 * decode (SIMD 0xfd, threads 0xfe) is cut short at that instruction:
	 * refused is its class, refused_offset where it is, instrs ends before
	 * it. The subset check refuses the function if an entry reaches it. */
	uint8_t refused;		/* enum fe_support; FE_SUPPORT_OK if not cut */
	uint32_t refused_offset;
};

struct fe_table {
	uint32_t offset;
	uint8_t reftype;
	struct fe_limits limits;
	bool imported;
};

struct fe_memory {
	uint32_t offset;
	struct fe_limits limits;	/* in 64 KiB pages */
	bool imported;
};

struct fe_global {
	uint32_t offset;
	struct fe_globaltype type;
	bool imported;
	uint32_t import_index;
	struct fe_constexpr init;	/* defined globals only */
};

struct fe_export {
	uint32_t offset;
	char *name;
	uint8_t kind;			/* enum fe_extern_kind */
	uint32_t index;
};

enum fe_segment_mode { FE_SEG_ACTIVE, FE_SEG_PASSIVE, FE_SEG_DECLARATIVE };

struct fe_elem {
	uint32_t offset;
	uint8_t mode;			/* enum fe_segment_mode */
	uint32_t table;
	struct fe_constexpr table_offset;	/* active only */
	uint8_t reftype;
	uint32_t count;
	/* Either function indices (the func-index encodings) or expressions. */
	uint32_t *func_indices;
	struct fe_constexpr *exprs;
};

struct fe_data {
	uint32_t offset;
	uint8_t mode;			/* FE_SEG_ACTIVE or FE_SEG_PASSIVE */
	uint32_t memory;
	struct fe_constexpr mem_offset;	/* active only */
	uint32_t data_offset;		/* offset of the bytes in the module */
	uint32_t size;
	const uint8_t *bytes;		/* points into the input buffer */
};

struct fe_custom {
	uint32_t offset;		/* of the section id byte */
	char *name;
	uint32_t payload_offset;
	uint32_t size;
	const uint8_t *payload;		/* points into the input buffer */
};

struct fe_module {
	const uint8_t *bytes;		/* the input; must outlive the module */
	size_t size;

	uint32_t ntypes;
	struct fe_functype *types;
	uint32_t nimports;
	struct fe_import *imports;
	/* Index spaces, imports first, as Wasm numbers them. */
	uint32_t nfuncs, nimported_funcs;
	struct fe_func *funcs;
	uint32_t ntables;
	struct fe_table *tables;
	uint32_t nmemories;
	struct fe_memory *memories;
	uint32_t nglobals, nimported_globals;
	struct fe_global *globals;
	uint32_t nexports;
	struct fe_export *exports;
	bool has_start;
	uint32_t start;
	uint32_t start_offset;
	uint32_t nelems;
	struct fe_elem *elems;
	bool has_datacount;
	uint32_t datacount;
	uint32_t ndatas;
	struct fe_data *datas;
	uint32_t ncustoms;
	struct fe_custom *customs;
	/* The code section's payload (its function count first): where DWARF
	 * addresses count from (dwarf_lines.c). Both 0 without one. */
	uint32_t code_offset, code_size;
};

struct arena;
struct diag_sink;

/*
 * Decode a binary module. On malformed input, reports one located error
 * ("FILE:0xOFFSET: error: MESSAGE", the message in the spirit of the spec's
 * assert_malformed texts: "unexpected end", "integer representation too
 * long", "section size mismatch", "illegal opcode 0x..", ...) and returns
 * NULL. Never reads outside [bytes, bytes+size), never aborts, never
 * recurses on input nesting.
 */
struct fe_module *fe_decode(const uint8_t *bytes, size_t size,
			    struct arena *arena, struct diag_sink *diag);

#endif
