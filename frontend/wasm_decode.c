/*
 * wasm_decode.c — the strict WebAssembly binary reader (see wasm_module.h).
 *
 * The module is read front to back once. Every section is read through a
 * reader bounded to that section, and every function body through one
 * bounded to that body, so a length that lies can make a read fail but
 * never make it leave the buffer or take bytes from the next section (a
 * LEB128 is the one thing looked at past a bound, to judge its form first,
 * as the reference interpreter does). Every count read from the input is
 * checked against the bytes left before anything is allocated for it: each
 * element needs at least one byte, so a count larger than what is left
 * cannot be honest, and a 3-byte file cannot ask for a 4 GiB array.
 *
 * The first problem found is reported once, located at the byte that is
 * wrong (the first byte of a LEB128 or of a length field, the section id,
 * the opcode), and decoding stops with NULL. The messages are the texts of
 * the spec's assert_malformed tests ("unexpected end", "integer too large",
 * "section size mismatch", ...): spec test runners match them by prefix,
 * and they are the words a Wasm user has seen before. Where the reference
 * interpreter's wording depends on how it happens to read past a boundary,
 * or on the order of its checks, the choice is explained at that spot.
 *
 * Function bodies become flat instruction arrays. Block structure is only
 * checked, with an explicit stack of open block kinds (block/loop, if,
 * else), never by recursion, so a body of a million nested blocks costs a
 * million bytes of stack array, not a million C frames. Types are not
 * checked here: that is validation (build_ir.c, binaryen).
 *
 * SIMD (0xfd) instructions are not decoded at all: their immediates differ
 * per opcode and eBPF cannot run them, so a body that uses one is cut at
 * that instruction and marked refused; the
 * body size lets the reader skip the rest. A memory instruction with an
 * offset beyond 32 bits (memory64's) is cut the same way, so every
 * instruction a later stage sees fits fe_instr. A module can hold such
 * code as long as no entry point reaches it; `check` refuses it, since the
 * rest of that body is never validated (fe_validate()). A memory index
 * other than 0 (multi-memory) is malformed, as in the 2.0 format.
 *
 * Custom sections are kept as they are. The "name" section's function
 * names are read last, by a reader that reports nothing: the spec says a
 * malformed custom section is ignored, so a broken name section costs the
 * names, not the compile.
 */
#include "wasm_module.h"

#include <stdarg.h>
#include <string.h>

#include "common/arena.h"
#include "common/diag.h"

/* Locals per function. The spec allows 2^32-1; engines stop far earlier
 * (V8 and JavaScriptCore refuse more than 50000, binaryen warns beyond it),
 * and here each local may become a slot of a 512-byte eBPF stack. */
#define MAX_LOCALS 50000

#define NO_OP 0xffff
#define FC_CODES 32		/* 0xfc sub-codes we can look up */
#define FE_CODES 0x4f		/* 0xfe (threads) sub-codes */

/* Section ids, and their required order (datacount sits before code). */
enum {
	SEC_CUSTOM, SEC_TYPE, SEC_IMPORT, SEC_FUNCTION, SEC_TABLE, SEC_MEMORY,
	SEC_GLOBAL, SEC_EXPORT, SEC_START, SEC_ELEMENT, SEC_CODE, SEC_DATA,
	SEC_DATACOUNT, SEC_COUNT
};
/* Exception handling (Wasm 3.0) is outside what the reader decodes; its
 * section id and import/export kind get a message that says so. */
#define SEC_TAG 13
#define EXT_TAG 4
static const uint8_t section_rank[SEC_COUNT] = {
	[SEC_TYPE] = 1, [SEC_IMPORT] = 2, [SEC_FUNCTION] = 3, [SEC_TABLE] = 4,
	[SEC_MEMORY] = 5, [SEC_GLOBAL] = 6, [SEC_EXPORT] = 7, [SEC_START] = 8,
	[SEC_ELEMENT] = 9, [SEC_DATACOUNT] = 10, [SEC_CODE] = 11, [SEC_DATA] = 12,
};

/* Kinds of open blocks, for the else/end checks. */
enum { BLK_PLAIN, BLK_IF, BLK_ELSE };

/* A bounded cursor. diag == NULL makes it quiet (the name section). */
struct rd {
	const uint8_t *buf;
	size_t pos, end;	/* reads stay below end */
	size_t file_size;
	bool in_section;	/* which "unexpected end" wording */
	struct diag_sink *diag;
};

struct dec {
	struct fe_module *m;
	struct arena *a;

	uint16_t op_byte[256];		/* one-byte opcode -> enum fe_op */
	uint16_t op_fc[FC_CODES];	/* 0xfc sub-code -> enum fe_op */
	uint16_t op_fe[FE_CODES];	/* 0xfe sub-code -> enum fe_op */

	/* Scratch reused by every expression: the instructions decoded so
	 * far (copied out at the end) and the stack of open blocks. */
	ARENA_VEC(struct fe_instr) instrs;
	ARENA_VEC(uint8_t) blocks;

	bool funcs_built, tables_built, memories_built, globals_built;
	uint32_t ndecl;			/* functions the function section declares */
	bool have_code, have_data;
	/* Counts that disagree are reported after the last section, as the
	 * reference interpreter does (an out-of-order section wins). */
	size_t code_count_off, data_count_off;	/* 0: they agree */

	ARENA_VEC(struct fe_custom) customs;
	const struct fe_custom *names;	/* the first "name" section */
};

/* --- errors ------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static bool fail(const struct rd *r, size_t off, const char *fmt, ...)
{
	struct diag_loc loc = { .offset = (uint32_t)off, .func = DIAG_NO_FUNC };
	va_list ap;

	if (!r->diag)
		return false;
	va_start(ap, fmt);
	diag_vreport(r->diag, DIAG_ERROR, &loc, fmt, ap);
	va_end(ap);
	return false;
}

/* The spec interpreter says "unexpected end of section or function" for
 * every read past the end; before the first section there is neither, and
 * the short form is a prefix of the long one, so both match the tests. */
static bool fail_eof(const struct rd *r, size_t off)
{
	return fail(r, off, r->in_section ? "unexpected end of section or function"
					  : "unexpected end");
}

/* --- primitive reads ---------------------------------------------------- */

static size_t left(const struct rd *r)
{
	return r->end - r->pos;
}

/* The read primitives set their outputs even when they fail, so that no
 * caller (nor gcc's flow analysis) can see an uninitialized value. */

static bool rd_byte(struct rd *r, uint8_t *b)
{
	*b = 0;
	if (r->pos >= r->end)
		return fail_eof(r, r->pos);
	*b = r->buf[r->pos++];
	return true;
}

/*
 * LEB128s are read the way the reference interpreter reads them: byte by
 * byte up to the end of the file, not of the section, so that a number cut
 * by a lying section size is first judged for its form ("integer
 * representation too long", "integer too large") and only then for running
 * past its section. The reads stay inside the buffer either way.
 */

/* Unsigned LEB128 of at most `bits` bits: ceil(bits/7) bytes, and the bits
 * of the last byte beyond `bits` must be zero. */
static bool rd_uleb_raw(struct rd *r, int bits, uint64_t *out)
{
	size_t start = r->pos;
	uint64_t v = 0;
	unsigned shift = 0;

	*out = 0;
	for (int n = bits;; n -= 7, shift += 7) {
		uint8_t b;

		if (n <= 0)
			return fail(r, start, "integer representation too long");
		if (r->pos >= r->file_size)
			return fail_eof(r, start);
		b = r->buf[r->pos++];
		if (n < 7 && (b & 0x7f) >= (1u << n))
			return fail(r, start, "integer too large");
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	*out = v;
	return true;
}

static bool rd_uleb(struct rd *r, int bits, uint64_t *out)
{
	size_t start = r->pos;

	if (!rd_uleb_raw(r, bits, out))
		return false;
	if (r->pos > r->end)
		return fail_eof(r, start);
	return true;
}

/* Signed LEB128 of at most `bits` bits: the unused bits of the last byte
 * must all repeat the sign bit. */
static bool rd_sleb(struct rd *r, int bits, int64_t *out)
{
	size_t start = r->pos;
	uint64_t v = 0;
	unsigned shift = 0;

	*out = 0;
	for (int n = bits;; n -= 7) {
		uint8_t b;

		if (n <= 0)
			return fail(r, start, "integer representation too long");
		if (r->pos >= r->file_size)
			return fail_eof(r, start);
		b = r->buf[r->pos++];
		if (n < 7) {
			uint8_t mask = (uint8_t)((0x7fu << (n - 1)) & 0x7f);

			if ((b & mask) != 0 && (b & mask) != mask)
				return fail(r, start, "integer too large");
		}
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (shift < 64 && (b & 0x40))
				v |= ~(uint64_t)0 << shift;
			break;
		}
	}
	if (r->pos > r->end)
		return fail_eof(r, start);
	*out = (int64_t)v;
	return true;
}

static bool rd_u32(struct rd *r, uint32_t *out)
{
	uint64_t v;
	bool ok = rd_uleb(r, 32, &v);

	*out = (uint32_t)v;
	return ok;
}

/* A length or count. Like the reference interpreter, it is "out of bounds"
 * if it exceeds the bytes left in the file counted from the length field
 * itself; one within that bound that its section cannot hold fails later
 * as an "unexpected end". The spec tests expect exactly that split, and
 * either way nothing larger than the input is allocated from a length. */
static bool rd_len(struct rd *r, uint32_t *n)
{
	size_t start = r->pos;
	uint64_t v;
	bool ok = rd_uleb_raw(r, 32, &v);

	*n = (uint32_t)v;
	if (!ok)
		return false;
	if (*n > r->file_size - start)
		return fail(r, start, "length out of bounds");
	if (r->pos > r->end)
		return fail_eof(r, start);
	return true;
}

/* The number of elements of a vector. Each takes at least one byte, so a
 * count larger than what is left of the section cannot be honest: it fails
 * here, before anything is allocated for it, rather than after reading
 * what is there. */
static bool rd_count(struct rd *r, uint32_t *n)
{
	size_t start = r->pos;

	if (!rd_len(r, n))
		return false;
	if (*n > left(r))
		return fail_eof(r, start);
	return true;
}

/* n raw bytes, after a length read at `start`. */
static bool rd_skip(struct rd *r, size_t start, uint32_t n, const uint8_t **p)
{
	if (p)
		*p = r->buf + r->pos;
	if (n > left(r))
		return fail_eof(r, start);
	r->pos += n;
	return true;
}

static bool utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i++];
		uint8_t lo = 0x80, hi = 0xbf;
		unsigned more;

		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			if (c == 0xe0)
				lo = 0xa0;	/* overlong */
			else if (c == 0xed)
				hi = 0x9f;	/* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			if (c == 0xf0)
				lo = 0x90;	/* overlong */
			else if (c == 0xf4)
				hi = 0x8f;	/* above U+10FFFF */
		} else {
			return false;
		}
		if (n - i < more || s[i] < lo || s[i] > hi)
			return false;
		for (unsigned k = 1; k < more; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += more;
	}
	return true;
}

/* A name: length, UTF-8 bytes; returned as a NUL-terminated copy. */
static bool rd_name(struct dec *d, struct rd *r, char **out)
{
	size_t start = r->pos;
	const uint8_t *p;
	uint32_t n;

	if (!rd_len(r, &n) || !rd_skip(r, start, n, &p))
		return false;
	if (!utf8_valid(p, n))
		return fail(r, start, "malformed UTF-8 encoding");
	*out = arena_strndup(d->a, (const char *)p, n);
	return true;
}

/* --- types -------------------------------------------------------------- */

static bool is_valtype(uint8_t b)
{
	switch (b) {
	case FE_I32: case FE_I64: case FE_F32: case FE_F64: case FE_V128:
	case FE_FUNCREF: case FE_EXTERNREF:
		return true;
	}
	return false;
}

/* Type bytes are s7 LEB128s in the spec: one byte with the continuation bit
 * set is an over-long encoding before it is a wrong type. */
static bool rd_typebyte(struct rd *r, uint8_t *t)
{
	size_t start = r->pos;

	if (!rd_byte(r, t))
		return false;
	if (*t & 0x80)
		return fail(r, start, "integer representation too long");
	return true;
}

static bool rd_valtype(struct rd *r, uint8_t *t)
{
	size_t start = r->pos;

	if (!rd_typebyte(r, t))
		return false;
	if (!is_valtype(*t))
		return fail(r, start, "malformed value type");
	return true;
}

static bool rd_reftype(struct rd *r, uint8_t *t)
{
	size_t start = r->pos;

	if (!rd_typebyte(r, t))
		return false;
	if (*t != FE_FUNCREF && *t != FE_EXTERNREF)
		return fail(r, start, "malformed reference type");
	return true;
}

/* Limits. The flags are one byte, not a LEB128 (the spec tests "\81\00").
 * Bit 0: has a maximum; bit 1: shared (threads, memories only); bit 2:
 * 64-bit (memory64; table64 for tables). Since memory64 the bounds are u64
 * LEB128s whatever the flags; that they fit a 32-bit memory or table is a
 * validation matter. */
static bool rd_limits(struct rd *r, bool memory, struct fe_limits *l)
{
	size_t start = r->pos;
	uint8_t flags;
	uint64_t v;

	if (!rd_byte(r, &flags))
		return false;
	if (flags > 7 || (!memory && (flags & 2)))
		return fail(r, start, "malformed limits flags");
	l->has_max = flags & 1;
	l->shared = flags & 2;
	l->is64 = flags & 4;
	if (!rd_uleb(r, 64, &v))
		return false;
	l->min = v;
	if (l->has_max) {
		if (!rd_uleb(r, 64, &v))
			return false;
		l->max = v;
	}
	return true;
}

static bool rd_globaltype(struct rd *r, struct fe_globaltype *g)
{
	size_t start;
	uint8_t mut;

	if (!rd_valtype(r, &g->valtype))
		return false;
	start = r->pos;
	if (!rd_byte(r, &mut))
		return false;
	if (mut > 1)
		return fail(r, start, "malformed mutability");
	g->mutable_ = mut;
	return true;
}

/* --- instructions ------------------------------------------------------- */

static void build_op_tables(struct dec *d)
{
	for (unsigned k = 0; k < 256; k++)
		d->op_byte[k] = NO_OP;
	for (unsigned k = 0; k < FC_CODES; k++)
		d->op_fc[k] = NO_OP;
	for (unsigned k = 0; k < FE_CODES; k++)
		d->op_fe[k] = NO_OP;
	for (unsigned op = 0; op < FE_OP_COUNT; op++) {
		const struct fe_opinfo *info = &fe_opinfo[op];

		if (info->prefix == 0 && info->code < 256)
			d->op_byte[info->code] = (uint16_t)op;
		else if (info->prefix == 0xfc && info->code < FC_CODES)
			d->op_fc[info->code] = (uint16_t)op;
		else if (info->prefix == 0xfe && info->code < FE_CODES)
			d->op_fe[info->code] = (uint16_t)op;
	}
}

/* Block type: 0x40 (empty), a one-byte value type, or a type index as a
 * positive s33. A one-byte negative s33 that is not a value type is
 * malformed, as is any negative multi-byte one. */
static bool rd_blocktype(struct rd *r, struct fe_instr *in)
{
	size_t start = r->pos;
	int64_t v;

	if (r->pos < r->end && r->buf[r->pos] == 0x40) {
		r->pos++;
		in->u.block.kind = FE_BT_EMPTY;
		return true;
	}
	if (r->pos < r->end && (r->buf[r->pos] & 0xc0) == 0x40) {
		in->u.block.kind = FE_BT_VALTYPE;
		return rd_valtype(r, &in->u.block.valtype);
	}
	if (!rd_sleb(r, 33, &v))
		return false;
	if (v < 0)
		return fail(r, start, "malformed value type");
	in->u.block.kind = FE_BT_TYPEIDX;
	in->u.block.typeidx = (uint32_t)v;
	return true;
}

/* The memory argument. Flags below 64 are the alignment (bit 6, a memory
 * index following, is multi-memory's: malformed here). The offset is a
 * u64 LEB128 since memory64, whatever the memory; whether it fits is
 * validation. An offset that does not fit fe_instr is something the
 * compiler cannot express: *refuse is set and the caller cuts the body
 * there, as for SIMD. */
static bool rd_memarg(struct rd *r, struct fe_instr *in, bool *refuse)
{
	size_t start = r->pos;
	uint32_t flags;
	uint64_t off;

	if (!rd_u32(r, &flags))
		return false;
	/* bit 6 (a memory index follows) is multi-memory's, which neither
	 * the 2.0 binary format nor the reference tools (wabt 1.0.32, V8 in
	 * node 18) accept: malformed, like the bits above it */
	if (flags >= 64)
		return fail(r, start, "malformed memop flags");
	if (!rd_uleb(r, 64, &off))
		return false;
	in->u.mem.align = flags & 0x3f;
	in->u.mem.offset = (uint32_t)off;
	if (off > UINT32_MAX)
		*refuse = true;
	return true;
}

/* A reserved byte of the 2.0 format, where multi-memory has a memory
 * index: one byte, 0x00. It is a byte, not a LEB128, so "80 00" (a zero
 * spelled long) is as malformed as "01", as in the 2.0 spec's binary.wast
 * and wabt 1.0.32; with multi-memory it would be an index, and that is
 * not accepted. */
static bool rd_zero_byte(struct rd *r)
{
	size_t start = r->pos;
	uint8_t b;

	if (!rd_byte(r, &b))
		return false;
	if (b != 0)
		return fail(r, start, "zero byte expected");
	return true;
}

static bool rd_pair(struct rd *r, struct fe_instr *in)
{
	return rd_u32(r, &in->u.pair.a) && rd_u32(r, &in->u.pair.b);
}

/* Immediates of one instruction, per its kind in opcodes.def. A reserved
 * byte other than 0x00 (multi-memory's memory index) is malformed, as in
 * the 2.0 binary format ("zero byte expected"): later stages rely on every
 * memory instruction naming memory 0. A memarg offset past 32 bits (memory64)
 * sets *refuse. */
static bool rd_immediates(struct dec *d, struct rd *r, struct fe_instr *in, bool *refuse)
{
	size_t start;
	uint32_t n;
	int64_t v;

	switch (fe_opinfo[in->op].imm) {
	case FE_IMM_NONE:
		return true;
	case FE_IMM_BLOCKTYPE:
		return rd_blocktype(r, in);
	case FE_IMM_LABEL: case FE_IMM_FUNC: case FE_IMM_LOCAL: case FE_IMM_GLOBAL:
	case FE_IMM_TABLE: case FE_IMM_DATA: case FE_IMM_ELEM:
		return rd_u32(r, &in->u.index);
	case FE_IMM_MEMIDX:
		/* memory.size/grow/fill: the 2.0 format's reserved zero byte
		 * (a memory index only with multi-memory) */
		in->u.index = 0;
		return rd_zero_byte(r);
	case FE_IMM_BR_TABLE:
		if (!rd_count(r, &n))
			return false;
		in->u.br_table.count = n;
		in->u.br_table.targets = arena_array(d->a, n ? n : 1, sizeof(uint32_t));
		for (uint32_t k = 0; k < n; k++)
			if (!rd_u32(r, &in->u.br_table.targets[k]))
				return false;
		return rd_u32(r, &in->u.br_table.dflt);
	case FE_IMM_CALL_INDIRECT:
		return rd_u32(r, &in->u.call_indirect.typeidx) &&
		       rd_u32(r, &in->u.call_indirect.table);
	case FE_IMM_MEMARG:
		return rd_memarg(r, in, refuse);
	case FE_IMM_I32:
		if (!rd_sleb(r, 32, &v))
			return false;
		in->u.i64 = v;
		return true;
	case FE_IMM_I64:
		if (!rd_sleb(r, 64, &v))
			return false;
		in->u.i64 = v;
		return true;
	case FE_IMM_F32: case FE_IMM_F64: {
		unsigned len = fe_opinfo[in->op].imm == FE_IMM_F32 ? 4 : 8;
		const uint8_t *p;

		start = r->pos;
		if (!rd_skip(r, start, len, &p))
			return false;
		in->u.bits = 0;
		for (unsigned k = 0; k < len; k++)
			in->u.bits |= (uint64_t)p[k] << (8 * k);
		return true;
	}
	case FE_IMM_SELECT_T:
		if (!rd_count(r, &n))
			return false;
		in->u.select_t.count = n;
		in->u.select_t.types = arena_alloc(d->a, n ? n : 1);
		for (uint32_t k = 0; k < n; k++)
			if (!rd_valtype(r, &in->u.select_t.types[k]))
				return false;
		return true;
	case FE_IMM_REFTYPE: {
		uint8_t t;

		if (!rd_reftype(r, &t))
			return false;
		in->u.index = t;
		return true;
	}
	case FE_IMM_MEMORY_INIT:
		/* data index, then the reserved zero byte */
		in->u.pair.b = 0;
		return rd_u32(r, &in->u.pair.a) && rd_zero_byte(r);
	case FE_IMM_MEMORY_COPY:
		/* two reserved zero bytes */
		in->u.pair.a = in->u.pair.b = 0;
		return rd_zero_byte(r) && rd_zero_byte(r);
	case FE_IMM_TABLE_INIT: case FE_IMM_TABLE_COPY:
		return rd_pair(r, in);
	}
	return fail(r, in->offset, "illegal opcode");	/* a kind opcodes.def lacks */
}

/*
 * Decodes instructions until the `end` that closes the expression, into
 * d->instrs. For a function body (f != NULL) that end is kept, and a SIMD,
 * threads or unrepresentable memory instruction cuts the body: f->refused
 * is set and the rest of the body skipped. For a constant expression the
 * end is left out; v128.const, the only SIMD instruction a valid constant
 * expression can hold, is skipped (it can only initialize a v128 global,
 * which the subset check refuses by its type).
 */
static bool decode_expr(struct dec *d, struct rd *r, struct fe_func *f)
{
	d->instrs.n = 0;
	d->blocks.n = 0;
	for (;;) {
		struct fe_instr in;
		size_t off = r->pos;
		bool refuse = false;
		uint8_t b;

		if (r->pos >= r->end) {
			/* A body that runs out before its final end. The
			 * reference interpreter reads on past the body's size,
			 * and its message depends on the byte it finds there:
			 * an end that closes the body (then the body was longer
			 * than its size), anything else (not the end it wants),
			 * or the end of the file. Say what it says. */
			if (f && r->end < r->file_size) {
				if (r->buf[r->end] == 0x0b && d->blocks.n == 0)
					return fail(r, r->end, "section size mismatch");
				return fail(r, r->end, "END opcode expected");
			}
			return fail(r, r->end, "unexpected end of section or function");
		}
		memset(&in, 0, sizeof(in));
		in.offset = (uint32_t)off;
		b = r->buf[r->pos++];
		if (b == 0xfd) {
			uint32_t sub;

			if (f) {
				f->refused = FE_SUPPORT_SIMD;
				f->refused_offset = (uint32_t)off;
				r->pos = r->end;
				return true;
			}
			if (!rd_u32(r, &sub))
				return false;
			if (b == 0xfd && sub == 0x0c) {
				if (!rd_skip(r, off, 16, NULL))
					return false;
				continue;
			}
			return fail(r, off, "constant expression required");
		}
		if (b == 0xfc) {
			uint32_t sub;

			if (!rd_u32(r, &sub))
				return false;
			in.op = sub < FC_CODES ? d->op_fc[sub] : NO_OP;
			if (in.op == NO_OP)
				return fail(r, off, "illegal opcode fc %x", sub);
		} else if (b == 0xfe) {
			uint32_t sub;

			if (!rd_u32(r, &sub))
				return false;
			in.op = sub < FE_CODES ? d->op_fe[sub] : NO_OP;
			if (in.op == NO_OP)
				return fail(r, off, "illegal opcode fe %x", sub);
			if (!f)
				return fail(r, off, "constant expression required");
		} else {
			in.op = d->op_byte[b];
			if (in.op == NO_OP)
				return fail(r, off, "illegal opcode %02x", b);
		}
		if (!rd_immediates(d, r, &in, &refuse))
			return false;
		if (refuse) {
			if (!f)
				return fail(r, off, "constant expression required");
			f->refused = FE_SUPPORT_MULTIMEM;
			f->refused_offset = (uint32_t)off;
			r->pos = r->end;
			return true;
		}

		switch (in.op) {
		case FE_OP_BLOCK: case FE_OP_LOOP: case FE_OP_IF:
			ARENA_VEC_PUSH(d->a, d->blocks, in.op == FE_OP_IF ? BLK_IF : BLK_PLAIN);
			break;
		case FE_OP_ELSE:
			/* The spec reads an else as the end of the instruction
			 * sequence before it, then wants an end unless that
			 * sequence was an if's first arm. */
			if (d->blocks.n == 0 || d->blocks.v[d->blocks.n - 1] != BLK_IF)
				return fail(r, off, "END opcode expected");
			d->blocks.v[d->blocks.n - 1] = BLK_ELSE;
			break;
		case FE_OP_END:
			if (d->blocks.n == 0) {
				if (f)
					ARENA_VEC_PUSH(d->a, d->instrs, in);
				return true;
			}
			d->blocks.n--;
			break;
		case FE_OP_MEMORY_INIT: case FE_OP_DATA_DROP:
			/* Binary format, not validation: the data count section
			 * lets a one-pass reader check data indices in code. */
			if (!d->m->has_datacount)
				return fail(r, off, "data count section required");
			break;
		}
		ARENA_VEC_PUSH(d->a, d->instrs, in);
	}
}

static struct fe_instr *copy_instrs(struct dec *d)
{
	struct fe_instr *v = arena_array(d->a, d->instrs.n ? d->instrs.n : 1, sizeof(*v));

	if (d->instrs.n)
		memcpy(v, d->instrs.v, d->instrs.n * sizeof(*v));
	return v;
}

static bool rd_constexpr(struct dec *d, struct rd *r, struct fe_constexpr *e)
{
	e->offset = (uint32_t)r->pos;
	if (!decode_expr(d, r, NULL))
		return false;
	e->ninstrs = (uint32_t)d->instrs.n;
	e->instrs = copy_instrs(d);
	return true;
}

/* --- index spaces ------------------------------------------------------- */

/* Each index space is imports first, then definitions; the definitions'
 * section builds it (they come in order after the import section), or the
 * end of the module does if that section is absent. */

static void build_funcs(struct dec *d, uint32_t ndefined)
{
	struct fe_module *m = d->m;
	uint32_t k = 0;

	m->nfuncs = m->nimported_funcs + ndefined;
	m->funcs = arena_array(d->a, m->nfuncs ? m->nfuncs : 1, sizeof(*m->funcs));
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == FE_EXT_FUNC) {
			m->funcs[k].imported = true;
			m->funcs[k].import_index = i;
			m->funcs[k].type_index = m->imports[i].type_index;
			k++;
		}
	d->funcs_built = true;
}

static void build_tables(struct dec *d, uint32_t ndefined)
{
	struct fe_module *m = d->m;
	uint32_t k = 0;

	for (uint32_t i = 0; i < m->nimports; i++)
		k += m->imports[i].kind == FE_EXT_TABLE;
	m->ntables = k + ndefined;
	m->tables = arena_array(d->a, m->ntables ? m->ntables : 1, sizeof(*m->tables));
	k = 0;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == FE_EXT_TABLE) {
			m->tables[k].offset = m->imports[i].offset;
			m->tables[k].reftype = m->imports[i].reftype;
			m->tables[k].limits = m->imports[i].limits;
			m->tables[k].imported = true;
			k++;
		}
	d->tables_built = true;
}

static void build_memories(struct dec *d, uint32_t ndefined)
{
	struct fe_module *m = d->m;
	uint32_t k = 0;

	for (uint32_t i = 0; i < m->nimports; i++)
		k += m->imports[i].kind == FE_EXT_MEMORY;
	m->nmemories = k + ndefined;
	m->memories = arena_array(d->a, m->nmemories ? m->nmemories : 1, sizeof(*m->memories));
	k = 0;
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == FE_EXT_MEMORY) {
			m->memories[k].offset = m->imports[i].offset;
			m->memories[k].limits = m->imports[i].limits;
			m->memories[k].imported = true;
			k++;
		}
	d->memories_built = true;
}

static void build_globals(struct dec *d, uint32_t ndefined)
{
	struct fe_module *m = d->m;
	uint32_t k = 0;

	m->nglobals = m->nimported_globals + ndefined;
	m->globals = arena_array(d->a, m->nglobals ? m->nglobals : 1, sizeof(*m->globals));
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].kind == FE_EXT_GLOBAL) {
			m->globals[k].offset = m->imports[i].offset;
			m->globals[k].type = m->imports[i].global;
			m->globals[k].imported = true;
			m->globals[k].import_index = i;
			k++;
		}
	d->globals_built = true;
}

/* Builds, without definitions, the index spaces whose section should have
 * come before a section of rank `rank` and did not. Later sections (the
 * code section's memory accesses, for one) can then rely on them. */
static void build_missing(struct dec *d, int rank)
{
	if (rank > section_rank[SEC_FUNCTION] && !d->funcs_built)
		build_funcs(d, 0);
	if (rank > section_rank[SEC_TABLE] && !d->tables_built)
		build_tables(d, 0);
	if (rank > section_rank[SEC_MEMORY] && !d->memories_built)
		build_memories(d, 0);
	if (rank > section_rank[SEC_GLOBAL] && !d->globals_built)
		build_globals(d, 0);
}

/* --- sections ----------------------------------------------------------- */

static bool sec_type(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	uint32_t n;

	if (!rd_count(r, &n))
		return false;
	m->ntypes = n;
	m->types = arena_array(d->a, n ? n : 1, sizeof(*m->types));
	for (uint32_t i = 0; i < n; i++) {
		struct fe_functype *t = &m->types[i];
		size_t start = r->pos;
		uint8_t form;

		t->offset = (uint32_t)start;
		if (!rd_typebyte(r, &form))
			return false;
		if (form != 0x60)
			return fail(r, start, "malformed function type");
		if (!rd_count(r, &t->nparams))
			return false;
		t->params = arena_alloc(d->a, t->nparams ? t->nparams : 1);
		for (uint32_t k = 0; k < t->nparams; k++)
			if (!rd_valtype(r, &t->params[k]))
				return false;
		if (!rd_count(r, &t->nresults))
			return false;
		t->results = arena_alloc(d->a, t->nresults ? t->nresults : 1);
		for (uint32_t k = 0; k < t->nresults; k++)
			if (!rd_valtype(r, &t->results[k]))
				return false;
	}
	return true;
}

static bool sec_import(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	uint32_t n;

	if (!rd_count(r, &n))
		return false;
	m->nimports = n;
	m->imports = arena_array(d->a, n ? n : 1, sizeof(*m->imports));
	for (uint32_t i = 0; i < n; i++) {
		struct fe_import *im = &m->imports[i];
		size_t kind_off;

		im->offset = (uint32_t)r->pos;
		if (!rd_name(d, r, &im->module) || !rd_name(d, r, &im->name))
			return false;
		kind_off = r->pos;
		if (!rd_byte(r, &im->kind))
			return false;
		switch (im->kind) {
		case FE_EXT_FUNC:
			if (!rd_u32(r, &im->type_index))
				return false;
			m->nimported_funcs++;
			break;
		case FE_EXT_TABLE:
			if (!rd_reftype(r, &im->reftype) || !rd_limits(r, false, &im->limits))
				return false;
			break;
		case FE_EXT_MEMORY:
			if (!rd_limits(r, true, &im->limits))
				return false;
			break;
		case FE_EXT_GLOBAL:
			if (!rd_globaltype(r, &im->global))
				return false;
			m->nimported_globals++;
			break;
		case EXT_TAG:
			return fail(r, kind_off, "tag import is not supported (exception handling)");
		default:
			return fail(r, kind_off, "malformed import kind");
		}
	}
	return true;
}

static bool sec_function(struct dec *d, struct rd *r)
{
	uint32_t n;

	if (!rd_count(r, &n))
		return false;
	d->ndecl = n;
	build_funcs(d, n);
	for (uint32_t i = 0; i < n; i++) {
		struct fe_func *f = &d->m->funcs[d->m->nimported_funcs + i];

		f->decl_offset = (uint32_t)r->pos;
		if (!rd_u32(r, &f->type_index))
			return false;
	}
	return true;
}

static bool sec_table(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	uint32_t n, base;

	if (!rd_count(r, &n))
		return false;
	build_tables(d, n);
	base = m->ntables - n;
	for (uint32_t i = 0; i < n; i++) {
		struct fe_table *t = &m->tables[base + i];

		t->offset = (uint32_t)r->pos;
		if (!rd_reftype(r, &t->reftype) || !rd_limits(r, false, &t->limits))
			return false;
	}
	return true;
}

static bool sec_memory(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	uint32_t n, base;

	if (!rd_count(r, &n))
		return false;
	build_memories(d, n);
	base = m->nmemories - n;
	for (uint32_t i = 0; i < n; i++) {
		struct fe_memory *mem = &m->memories[base + i];

		mem->offset = (uint32_t)r->pos;
		if (!rd_limits(r, true, &mem->limits))
			return false;
	}
	return true;
}

static bool sec_global(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	uint32_t n;

	if (!rd_count(r, &n))
		return false;
	build_globals(d, n);
	for (uint32_t i = 0; i < n; i++) {
		struct fe_global *g = &m->globals[m->nimported_globals + i];

		g->offset = (uint32_t)r->pos;
		if (!rd_globaltype(r, &g->type) || !rd_constexpr(d, r, &g->init))
			return false;
	}
	return true;
}

static bool sec_export(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	uint32_t n;

	if (!rd_count(r, &n))
		return false;
	m->nexports = n;
	m->exports = arena_array(d->a, n ? n : 1, sizeof(*m->exports));
	for (uint32_t i = 0; i < n; i++) {
		struct fe_export *e = &m->exports[i];
		size_t kind_off;

		e->offset = (uint32_t)r->pos;
		if (!rd_name(d, r, &e->name))
			return false;
		kind_off = r->pos;
		if (!rd_byte(r, &e->kind))
			return false;
		if (e->kind == EXT_TAG)
			return fail(r, kind_off, "tag export is not supported (exception handling)");
		if (e->kind > FE_EXT_GLOBAL)
			return fail(r, kind_off, "malformed export kind");
		if (!rd_u32(r, &e->index))
			return false;
	}
	return true;
}

static bool sec_start(struct dec *d, struct rd *r)
{
	d->m->has_start = true;
	d->m->start_offset = (uint32_t)r->pos;
	return rd_u32(r, &d->m->start);
}

/* The element kind byte of the func-index encodings: 0x00 is funcref. */
static bool rd_elemkind(struct rd *r, uint8_t *reftype)
{
	size_t start = r->pos;
	uint8_t k;

	if (!rd_byte(r, &k))
		return false;
	if (k != 0)
		return fail(r, start, "malformed element kind");
	*reftype = FE_FUNCREF;
	return true;
}

/*
 * Element segments. The flags' three bits: bit 0 passive-or-declarative
 * (bit 1 then picks declarative) versus active (bit 1 then means an explicit
 * table index); bit 2 expressions instead of function indices, with a
 * reference type instead of an element kind when bits 0-1 are not zero.
 */
static bool sec_element(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	uint32_t n;

	if (!rd_count(r, &n))
		return false;
	m->nelems = n;
	m->elems = arena_array(d->a, n ? n : 1, sizeof(*m->elems));
	for (uint32_t i = 0; i < n; i++) {
		struct fe_elem *e = &m->elems[i];
		size_t start = r->pos;
		uint32_t flags;
		bool exprs;

		e->offset = (uint32_t)start;
		if (!rd_u32(r, &flags))
			return false;
		if (flags > 7)
			return fail(r, start, "malformed elements segment kind");
		exprs = flags & 4;
		if (flags & 1) {
			e->mode = flags & 2 ? FE_SEG_DECLARATIVE : FE_SEG_PASSIVE;
		} else {
			e->mode = FE_SEG_ACTIVE;
			if ((flags & 2) && !rd_u32(r, &e->table))
				return false;
			if (!rd_constexpr(d, r, &e->table_offset))
				return false;
		}
		e->reftype = FE_FUNCREF;
		if (flags & 3) {
			if (exprs ? !rd_reftype(r, &e->reftype) : !rd_elemkind(r, &e->reftype))
				return false;
		}
		if (!rd_count(r, &e->count))
			return false;
		if (exprs) {
			e->exprs = arena_array(d->a, e->count ? e->count : 1, sizeof(*e->exprs));
			for (uint32_t k = 0; k < e->count; k++)
				if (!rd_constexpr(d, r, &e->exprs[k]))
					return false;
		} else {
			e->func_indices = arena_array(d->a, e->count ? e->count : 1, sizeof(uint32_t));
			for (uint32_t k = 0; k < e->count; k++)
				if (!rd_u32(r, &e->func_indices[k]))
					return false;
		}
	}
	return true;
}

static bool sec_datacount(struct dec *d, struct rd *r)
{
	d->m->has_datacount = true;
	return rd_u32(r, &d->m->datacount);
}

/* Locals: runs of (count, type). The total is checked before anything is
 * allocated: a run of 2^32-1 locals is a few bytes of input. */
static bool rd_locals(struct dec *d, struct rd *r, struct fe_func *f)
{
	uint32_t nruns, *counts;
	uint8_t *types;
	uint64_t total = 0;

	if (!rd_count(r, &nruns))
		return false;
	counts = arena_array(d->a, nruns ? nruns : 1, sizeof(uint32_t));
	types = arena_alloc(d->a, nruns ? nruns : 1);
	for (uint32_t k = 0; k < nruns; k++) {
		size_t start = r->pos;

		if (!rd_u32(r, &counts[k]) || !rd_valtype(r, &types[k]))
			return false;
		total += counts[k];
		if (total > MAX_LOCALS)
			return fail(r, start, "too many locals");
	}
	f->nlocals = (uint32_t)total;
	f->local_types = arena_alloc(d->a, total ? total : 1);
	total = 0;
	for (uint32_t k = 0; k < nruns; k++) {
		memset(f->local_types + total, types[k], counts[k]);
		total += counts[k];
	}
	return true;
}

static bool sec_code(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	size_t start = r->pos;
	uint32_t n;

	d->have_code = true;
	m->code_offset = (uint32_t)start;
	m->code_size = (uint32_t)(r->end - start);
	if (!rd_count(r, &n))
		return false;
	if (n != d->ndecl) {
		d->code_count_off = start;
		r->pos = r->end;
		return true;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct fe_func *f = &m->funcs[m->nimported_funcs + i];
		struct rd body = *r;
		size_t size_off = r->pos;
		uint32_t size;

		f->body_offset = (uint32_t)size_off;
		if (!rd_len(r, &size) || !rd_skip(r, size_off, size, NULL))
			return false;
		body.pos = r->pos - size;
		body.end = r->pos;
		f->body_start = (uint32_t)body.pos;
		f->body_end = (uint32_t)body.end;
		if (!rd_locals(d, &body, f))
			return false;
		/* Every instruction takes a byte or more: room for the whole
		 * body at once, rather than doubling (and leaving the smaller
		 * copies in the arena) through a large one. */
		if (d->instrs.cap < size) {
			d->instrs.v = arena_array(d->a, size, sizeof(*d->instrs.v));
			d->instrs.cap = size;
		}
		if (!decode_expr(d, &body, f))
			return false;
		/* The final end must be the body's last byte. */
		if (body.pos != body.end)
			return fail(&body, body.pos, "section size mismatch");
		f->ninstrs = (uint32_t)d->instrs.n;
		f->instrs = copy_instrs(d);
	}
	return true;
}

static bool sec_data(struct dec *d, struct rd *r)
{
	struct fe_module *m = d->m;
	size_t start = r->pos;
	uint32_t n;

	d->have_data = true;
	if (!rd_count(r, &n))
		return false;
	if (m->has_datacount && n != m->datacount)
		d->data_count_off = start;
	m->ndatas = n;
	m->datas = arena_array(d->a, n ? n : 1, sizeof(*m->datas));
	for (uint32_t i = 0; i < n; i++) {
		struct fe_data *s = &m->datas[i];
		size_t seg = r->pos, len_off;
		uint32_t flags;

		s->offset = (uint32_t)seg;
		if (!rd_u32(r, &flags))
			return false;
		if (flags > 2)
			return fail(r, seg, "malformed data segment kind");
		s->mode = flags == 1 ? FE_SEG_PASSIVE : FE_SEG_ACTIVE;
		if (flags == 2 && !rd_u32(r, &s->memory))
			return false;
		if (flags != 1 && !rd_constexpr(d, r, &s->mem_offset))
			return false;
		len_off = r->pos;
		if (!rd_len(r, &s->size) || !rd_skip(r, len_off, s->size, &s->bytes))
			return false;
		s->data_offset = (uint32_t)(s->bytes - r->buf);
	}
	return true;
}

static bool sec_custom(struct dec *d, struct rd *r, size_t id_off)
{
	struct fe_custom c;

	memset(&c, 0, sizeof(c));
	c.offset = (uint32_t)id_off;
	if (!rd_name(d, r, &c.name))
		return false;
	c.payload_offset = (uint32_t)r->pos;
	c.size = (uint32_t)left(r);
	c.payload = r->buf + r->pos;
	r->pos = r->end;
	ARENA_VEC_PUSH(d->a, d->customs, c);
	return true;
}

/* --- the name section --------------------------------------------------- */

/*
 * Function names (subsection 1) from the first "name" section. Read quietly
 * and applied only if the whole section reads cleanly: a malformed custom
 * section is ignored, per the spec, rather than half believed.
 */
static void read_names(struct dec *d)
{
	const struct fe_custom *c = d->names;
	struct fe_module *m = d->m;
	struct rd r = {
		.buf = m->bytes, .pos = c->payload_offset,
		.end = (size_t)c->payload_offset + c->size,
		.file_size = m->size, .in_section = true, .diag = NULL,
	};
	uint32_t count = 0, *idx = NULL;
	char **names = NULL;
	int last_id = -1;

	while (r.pos < r.end) {
		struct rd sub;
		uint8_t id;
		uint32_t size;

		if (!rd_byte(&r, &id) || !rd_len(&r, &size) || size > left(&r))
			return;
		sub = r;
		sub.end = r.pos + size;
		r.pos = sub.end;
		/* Subsections are in increasing id order, each at most once. */
		if ((int)id <= last_id)
			return;
		last_id = id;
		if (id != 1)
			continue;
		if (!rd_count(&sub, &count))
			return;
		idx = arena_array(d->a, count ? count : 1, sizeof(*idx));
		names = arena_array(d->a, count ? count : 1, sizeof(*names));
		for (uint32_t k = 0; k < count; k++)
			if (!rd_u32(&sub, &idx[k]) || !rd_name(d, &sub, &names[k]))
				return;
		if (sub.pos != sub.end)
			return;
	}
	for (uint32_t k = 0; k < count; k++)
		if (idx[k] < m->nfuncs && !m->funcs[idx[k]].name)
			m->funcs[idx[k]].name = names[k];
}

/* --- the module --------------------------------------------------------- */

static bool read_sections(struct dec *d, struct rd *top)
{
	int last_rank = 0;

	while (top->pos < top->end) {
		size_t id_off = top->pos, size_off;
		struct rd r;
		uint8_t id;
		uint32_t size;
		bool ok = false;

		if (!rd_byte(top, &id))
			return false;
		if (id == SEC_TAG)
			return fail(top, id_off, "tag section is not supported (exception handling)");
		if (id >= SEC_COUNT)
			return fail(top, id_off, "malformed section id");
		/* A known section out of place: the reference interpreter
		 * has read every section it expects in order by then, so what
		 * is left is content after the last section. */
		if (id != SEC_CUSTOM) {
			if (section_rank[id] <= last_rank)
				return fail(top, id_off, "unexpected content after last section");
			last_rank = section_rank[id];
		}
		if (id != SEC_CUSTOM)
			build_missing(d, last_rank);
		size_off = top->pos;
		if (!rd_len(top, &size))
			return false;
		if (size > left(top))
			return fail(top, size_off, "unexpected end of section or function");
		r = *top;
		r.end = top->pos + size;
		r.in_section = true;
		top->pos = r.end;

		switch (id) {
		case SEC_CUSTOM: ok = sec_custom(d, &r, id_off); break;
		case SEC_TYPE: ok = sec_type(d, &r); break;
		case SEC_IMPORT: ok = sec_import(d, &r); break;
		case SEC_FUNCTION: ok = sec_function(d, &r); break;
		case SEC_TABLE: ok = sec_table(d, &r); break;
		case SEC_MEMORY: ok = sec_memory(d, &r); break;
		case SEC_GLOBAL: ok = sec_global(d, &r); break;
		case SEC_EXPORT: ok = sec_export(d, &r); break;
		case SEC_START: ok = sec_start(d, &r); break;
		case SEC_ELEMENT: ok = sec_element(d, &r); break;
		case SEC_DATACOUNT: ok = sec_datacount(d, &r); break;
		case SEC_CODE: ok = sec_code(d, &r); break;
		case SEC_DATA: ok = sec_data(d, &r); break;
		}
		if (!ok)
			return false;
		if (r.pos != r.end)
			return fail(&r, r.pos, "section size mismatch");
	}
	return true;
}

struct fe_module *fe_decode(const uint8_t *bytes, size_t size,
			    struct arena *arena, struct diag_sink *diag)
{
	static const uint8_t magic[4] = { 0x00, 0x61, 0x73, 0x6d };
	struct fe_module *m;
	struct dec *d;
	struct rd top = {
		.buf = bytes, .pos = 0, .end = size, .file_size = size,
		.in_section = false, .diag = diag,
	};

	/* Offsets are 32-bit everywhere (diagnostics, fe_instr). */
	if (size >= UINT32_MAX) {
		fail(&top, DIAG_NO_OFFSET, "module too large (%zu bytes)", size);
		return NULL;
	}
	if (size < 4) {
		fail_eof(&top, 0);
		return NULL;
	}
	if (memcmp(bytes, magic, 4) != 0) {
		fail(&top, 0, "magic header not detected");
		return NULL;
	}
	if (size < 8) {
		fail_eof(&top, 4);
		return NULL;
	}
	if (bytes[4] != 1 || bytes[5] != 0 || bytes[6] != 0 || bytes[7] != 0) {
		fail(&top, 4, "unknown binary version");
		return NULL;
	}
	top.pos = 8;

	d = arena_alloc(arena, sizeof(*d));
	m = arena_alloc(arena, sizeof(*m));
	d->m = m;
	d->a = arena;
	m->bytes = bytes;
	m->size = size;
	build_op_tables(d);

	if (!read_sections(d, &top))
		return NULL;

	/* Checks that need the whole module: a section that never came. */
	build_missing(d, SEC_COUNT + 1);
	if (!d->have_code && d->ndecl != 0)
		d->code_count_off = size;
	if (d->code_count_off) {
		fail(&top, d->code_count_off, "function and code section have inconsistent lengths");
		return NULL;
	}
	if (!d->have_data && m->has_datacount && m->datacount != 0)
		d->data_count_off = size;
	if (d->data_count_off) {
		fail(&top, d->data_count_off, "data count and data section have inconsistent lengths");
		return NULL;
	}

	m->ncustoms = (uint32_t)d->customs.n;
	m->customs = d->customs.v;
	for (uint32_t k = 0; k < m->ncustoms; k++)
		if (!d->names && strcmp(m->customs[k].name, "name") == 0)
			d->names = &m->customs[k];
	if (d->names)
		read_names(d);
	/* No name from the name section: the first export's name. */
	for (uint32_t k = 0; k < m->nexports; k++) {
		const struct fe_export *e = &m->exports[k];

		if (e->kind == FE_EXT_FUNC && e->index < m->nfuncs && !m->funcs[e->index].name)
			m->funcs[e->index].name = e->name;
	}
	return m;
}
