/*
 * emit_debuginfo.c — the DWARF that becomes the object's BTF.
 *
 * The kernel needs BTF for three things this backend relies on: BTF-defined
 * maps (libbpf refuses `.maps` without it), kfunc externs (libbpf resolves
 * bpf_iter_num_* by their BTF prototype) and line info (.BTF.ext, which is
 * how the verifier log points back into the Wasm module). LLVM's BPF
 * backend derives BTF from debug info only, so the DI here is not optional
 * decoration but part of the object's contract:
 *
 *   - one DIFile, the Wasm module itself (its base name, in "."); its
 *     "lines" are Wasm byte offsets: an instruction's DILocation has
 *     line = its offset, column 1, so `bpftool prog dump xlated linum`
 *     shows line_num = Wasm offset; but where the module has source lines
 *     (DWARF, built with -g: common/source_map.h) an instruction's
 *     location is its source file, line and column instead (a lexical
 *     block file of the function's scope), so BTF line info, the
 *     verifier's log and bpftool show the C (or Rust) line. The Wasm
 *     offset of what is being emitted is kept beside it (cx->loc_offset:
 *     trap words name it);
 *   - one DISubprogram per function, prototyped, with a named
 *     DILocalVariable per parameter: BTF takes argument names from those,
 *     and the kernel rejects a FUNC_PROTO with unnamed arguments
 *     ("Invalid arg#1"), after which libbpf drops the whole BTF;
 *   - a kfunc declaration is a non-definition DISubprogram: that is what
 *     puts its prototype into BTF (linkage extern), which libbpf matches
 *     against the kernel's. LLVM writes an extern's arguments without
 *     names, as it does for clang's __ksym declarations, and libbpf accepts
 *     that; the parameter variables are still made, and finalized by hand
 *     (DIBuilder finalizes only definitions), so the DWARF has the names;
 *   - maps are described as libbpf's __uint/__type structs: an anonymous
 *     struct of pointers, `int (*type)[T]`, `int (*max_entries)[N]`,
 *     `K *key`, `V *value`;
 *   - the .rodata variables (exported immutable globals, the data segments'
 *     bytes) are DIGlobalVariables: BTF's DATASEC for .rodata lists them,
 *     which is what `bpftool gen skeleton` turns into the skeleton's
 *     `rodata` struct. A global is `const volatile int` (or long long), as
 *     clang describes a C `const volatile` global.
 *
 * Type names are C's ("int", "unsigned long long"): BTF INT types with the
 * usual names, nothing the kernel's BTF checker could object to.
 */
#include "backend-bpf/emit.h"

#include <linux/bpf.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/source_map.h"

/* DWARF base type encodings (DW_ATE_*) and tags (DW_TAG_*). */
#define DW_ATE_SIGNED 0x05
#define DW_ATE_UNSIGNED 0x07
#define DW_ATE_UNSIGNED_CHAR 0x08
#define DW_ATE_BOOLEAN 0x02
#define DW_ATE_FLOAT 0x04
#define DW_ATE_SIGNED_CHAR 0x06
#define DW_TAG_CONST_TYPE 0x26
#define DW_TAG_VOLATILE_TYPE 0x35

static LLVMMetadataRef basic(struct be_ctx *cx, const char *name, unsigned bits,
			     unsigned enc)
{
	return LLVMDIBuilderCreateBasicType(cx->D, name, strlen(name), bits, enc,
					    LLVMDIFlagZero);
}

static LLVMMetadataRef pointer(struct be_ctx *cx, LLVMMetadataRef to)
{
	return LLVMDIBuilderCreatePointerType(cx->D, to, 64, 64, 0, "", 0);
}

LLVMMetadataRef be_di_array(struct be_ctx *cx, LLVMMetadataRef elem, unsigned elem_bits,
			    uint64_t n)
{
	LLVMMetadataRef sub = LLVMDIBuilderGetOrCreateSubrange(cx->D, 0, (int64_t)n);

	return LLVMDIBuilderCreateArrayType(cx->D, elem_bits * n, elem_bits, elem, &sub, 1);
}

static LLVMMetadataRef member(struct be_ctx *cx, const char *name, uint64_t bits,
			      uint64_t offset, LLVMMetadataRef ty)
{
	return LLVMDIBuilderCreateMemberType(cx->D, cx->di_file, name, strlen(name),
					     cx->di_file, 0, bits, 64, offset,
					     LLVMDIFlagZero, ty);
}

static LLVMMetadataRef structure(struct be_ctx *cx, const char *name, uint64_t bits,
				 LLVMMetadataRef *members, unsigned n)
{
	return LLVMDIBuilderCreateStructType(cx->D, cx->di_file, name, strlen(name),
					     cx->di_file, 0, bits, 64, LLVMDIFlagZero,
					     NULL, members, n, 0, NULL, "", 0);
}

/* struct w2b_globals: the env value's mutable globals, a u64 each, named
 * by their export names (so `bpftool map dump` and a loader reading the
 * per-CPU value with the object's BTF see them), the others w<INDEX>_global
 * (their Wasm index; an export's identifier never starts with w and a digit:
 * fresh_symbol()). */
static LLVMMetadataRef globals_type(struct be_ctx *cx)
{
	const struct ir_module *m = cx->m;
	LLVMMetadataRef *mem = calloc(cx->env_nglobals ? cx->env_nglobals : 1, sizeof(*mem));
	LLVMMetadataRef ty;

	if (!mem)
		abort();
	for (uint32_t k = 0; k < m->nglobals; k++) {
		const struct ir_global *g = &m->globals[k];
		char name[32];
		uint32_t slot = cx->global_slot[k];

		if (!g->mutable_)
			continue;
		snprintf(name, sizeof(name), "w%u_global", g->wasm_index);
		mem[slot] = member(cx, g->symbol ? g->symbol : name, 64, 64 * (uint64_t)slot,
				   cx->di_ullong);
	}
	ty = structure(cx, "w2b_globals", 64 * (uint64_t)cx->env_nglobals, mem, cx->env_nglobals);
	free(mem);
	return ty;
}

LLVMMetadataRef be_di_ctx_ptr(struct be_ctx *cx, unsigned kind)
{
	/* The kernel matches a global function's context argument by the
	 * struct's name alone (btf_get_prog_ctx_type()); the size is uapi's,
	 * the members are not needed. */
	bool xdp = kind == IR_PROG_XDP;
	LLVMMetadataRef *p = xdp ? &cx->di_xdp_mdp : &cx->di_sk_buffp;

	if (!*p)
		*p = pointer(cx, structure(cx, xdp ? "xdp_md" : "__sk_buff",
					   8 * (xdp ? sizeof(struct xdp_md) : sizeof(struct __sk_buff)),
					   NULL, 0));
	return *p;
}

void be_di_init(struct be_ctx *cx)
{
	/* The file's base name only, in directory ".": the same module
	 * compiled from two directories (or as a.wasm and ./a.wasm) gives the
	 * same object, byte for byte (it embedded the path as given). */
	const char *path = cx->m->file ? cx->m->file : "module.wasm";
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	LLVMMetadataRef mem[BE_ENV_NFIELDS];
	uint64_t r = cx->env_nresults, s = cx->env_nscratch, off;
	unsigned n;

	cx->D = LLVMCreateDIBuilder(cx->M);
	cx->di_file = LLVMDIBuilderCreateFile(cx->D, name, strlen(name), ".", 1);
	cx->di_cu = LLVMDIBuilderCreateCompileUnit(
		cx->D, LLVMDWARFSourceLanguageC11, cx->di_file, "wasm2bpf", 8, 1,
		"", 0, 0, "", 0, LLVMDWARFEmissionFull, 0, 0, 0, "", 0, "", 0);
	LLVMAddModuleFlag(cx->M, LLVMModuleFlagBehaviorWarning, "Debug Info Version", 18,
			  LLVMValueAsMetadata(LLVMConstInt(cx->t_i32, LLVMDebugMetadataVersion(), 0)));
	LLVMAddModuleFlag(cx->M, LLVMModuleFlagBehaviorWarning, "Dwarf Version", 13,
			  LLVMValueAsMetadata(LLVMConstInt(cx->t_i32, 5, 0)));

	cx->di_int = basic(cx, "int", 32, DW_ATE_SIGNED);
	cx->di_uint = basic(cx, "unsigned int", 32, DW_ATE_UNSIGNED);
	cx->di_llong = basic(cx, "long long", 64, DW_ATE_SIGNED);
	cx->di_ullong = basic(cx, "unsigned long long", 64, DW_ATE_UNSIGNED);
	cx->di_voidp = pointer(cx, NULL);
	cx->di_intp = pointer(cx, cx->di_int);
	cx->di_ullongp = pointer(cx, cx->di_ullong);

	/* struct bpf_iter_num { __u64 __opaque[1]; }: the kernel's layout,
	 * which Debian's uapi headers do not have. */
	mem[0] = member(cx, "__opaque", 64, 0, be_di_array(cx, cx->di_ullong, 64, 1));
	cx->di_iterp = pointer(cx, structure(cx, "bpf_iter_num", 64, mem, 1));

	cx->di_uchar = basic(cx, "unsigned char", 8, DW_ATE_UNSIGNED_CHAR);

	/* struct w2b_env_value: the layout of cx->env_ty. */
	mem[0] = member(cx, "trap", 64, 0, cx->di_ullong);
	mem[1] = member(cx, "trap_at", 64, 64, cx->di_ullong);
	mem[2] = member(cx, "results", 64 * r, 128, be_di_array(cx, cx->di_ullong, 64, r));
	mem[3] = member(cx, "scratch", 64 * s, 64 * (2 + r), be_di_array(cx, cx->di_ullong, 64, s));
	n = 4;
	off = 64 * (2 + r + s);
	if (cx->env_field[BE_ENV_INIT] >= 0) {
		mem[n++] = member(cx, "initialized", 64, off, cx->di_ullong);
		off += 64;
	}
	if (cx->env_field[BE_ENV_FUEL] >= 0) {
		mem[n++] = member(cx, "fuel", 64, off, cx->di_ullong);
		off += 64;
	}
	if (cx->env_field[BE_ENV_GLOBALS] >= 0) {
		uint64_t g = cx->env_nglobals;

		mem[n++] = member(cx, "globals", 64 * g, off, globals_type(cx));
		off += 64 * g;
	}
	if (cx->env_field[BE_ENV_LOOPS] >= 0) {
		uint64_t l = cx->env_nloops;

		mem[n++] = member(cx, "loops", 64 * l, off, be_di_array(cx, cx->di_ullong, 64, l));
		off += 64 * l;
	}
	if (cx->env_field[BE_ENV_MEMORY] >= 0) {
		uint64_t m = cx->mem_fast;	/* all of it, or its hot block */

		mem[n++] = member(cx, "memory", 8 * m, off, be_di_array(cx, cx->di_uchar, 8, m));
		off += 8 * m;
	}
	cx->di_env = structure(cx, "w2b_env_value", (off + 63) / 64 * 64, mem, n);
	cx->di_envp = pointer(cx, cx->di_env);

	/* struct w2b_packet { void *data; void *data_end; void *ctx; }: what
	 * a packet function's `pkt` argument points to (emit_packet.c). Debug
	 * info nothing refers to is not emitted, so only objects with packet
	 * functions get it. */
	mem[0] = member(cx, "data", 64, 0, cx->di_voidp);
	mem[1] = member(cx, "data_end", 64, 64, cx->di_voidp);
	mem[2] = member(cx, "ctx", 64, 128, cx->di_voidp);
	cx->di_pktp = pointer(cx, structure(cx, "w2b_packet", 192, mem, 3));

	/* struct w2b_memory_block: the value of W2B_MEMORY_MAP. */
	if (cx->mem_in_map) {
		mem[0] = member(cx, "bytes", 8 * (uint64_t)cx->mem_block, 0,
				be_di_array(cx, cx->di_uchar, 8, cx->mem_block));
		cx->di_mem = structure(cx, "w2b_memory_block", 8 * (uint64_t)cx->mem_block, mem, 1);
		cx->di_memp = pointer(cx, cx->di_mem);
	}
}

LLVMMetadataRef be_di_const(struct be_ctx *cx, LLVMMetadataRef ty)
{
	return LLVMDIBuilderCreateQualifiedType(cx->D, DW_TAG_CONST_TYPE, ty);
}

LLVMMetadataRef be_di_const_volatile(struct be_ctx *cx, LLVMMetadataRef ty)
{
	return LLVMDIBuilderCreateQualifiedType(cx->D, DW_TAG_CONST_TYPE,
		LLVMDIBuilderCreateQualifiedType(cx->D, DW_TAG_VOLATILE_TYPE, ty));
}

void be_di_global(struct be_ctx *cx, LLVMValueRef g, const char *name, LLVMMetadataRef ty)
{
	unsigned kind = LLVMGetMDKindIDInContext(cx->C, "dbg", 3);
	LLVMMetadataRef gve = LLVMDIBuilderCreateGlobalVariableExpression(
		cx->D, cx->di_cu, name, strlen(name), "", 0, cx->di_file, 0, ty, 0,
		LLVMDIBuilderCreateExpression(cx->D, NULL, 0), NULL, 0);

	LLVMGlobalSetMetadata(g, kind, gve);
}

LLVMMetadataRef be_di_type(struct be_ctx *cx, enum ir_type t)
{
	switch (t) {
	case IR_I32: return cx->di_int;
	case IR_I64: return cx->di_llong;
	case IR_VOID: break;
	}
	return NULL;
}

void be_di_map(struct be_ctx *cx, LLVMValueRef g, const char *name,
	       unsigned map_type, uint32_t max_entries,
	       LLVMMetadataRef key, LLVMMetadataRef value)
{
	LLVMMetadataRef mem[4], ty, gve;
	unsigned kind = LLVMGetMDKindIDInContext(cx->C, "dbg", 3);

	mem[0] = member(cx, "type", 64, 0, pointer(cx, be_di_array(cx, cx->di_int, 32, map_type)));
	mem[1] = member(cx, "max_entries", 64, 64,
			pointer(cx, be_di_array(cx, cx->di_int, 32, max_entries)));
	mem[2] = member(cx, "key", 64, 128, pointer(cx, key));
	mem[3] = member(cx, "value", 64, 192, pointer(cx, value));
	ty = structure(cx, "", 256, mem, 4);
	gve = LLVMDIBuilderCreateGlobalVariableExpression(
		cx->D, cx->di_cu, name, strlen(name), "", 0, cx->di_file, 0, ty, 0,
		LLVMDIBuilderCreateExpression(cx->D, NULL, 0), NULL, 64);
	LLVMGlobalSetMetadata(g, kind, gve);
}

/* The BTF type of a map's key or value of `size` bytes: unsigned
 * integers for 1, 2, 4 and 8 bytes (bpftool prints them as numbers), an
 * LPM trie key as struct bpf_lpm_trie_key_u8's layout (the kernel wants a
 * struct there), anything else a struct of bytes. */
static LLVMMetadataRef sized_type(struct be_ctx *cx, uint32_t size, bool lpm_key)
{
	LLVMMetadataRef mem[2];

	if (lpm_key) {
		mem[0] = member(cx, "prefixlen", 32, 0, cx->di_uint);
		mem[1] = member(cx, "data", 8ull * (size - 4), 32,
				be_di_array(cx, cx->di_uchar, 8, size - 4));
		return structure(cx, "w2b_lpm_key", 8ull * size, mem, 2);
	}
	switch (size) {
	case 1: return cx->di_uchar;
	case 2: return basic(cx, "unsigned short", 16, DW_ATE_UNSIGNED);
	case 4: return cx->di_uint;
	case 8: return cx->di_ullong;
	}
	mem[0] = member(cx, "bytes", 8ull * size, 0, be_di_array(cx, cx->di_uchar, 8, size));
	return structure(cx, "", 8ull * size, mem, 1);
}

LLVMMetadataRef be_di_dtype(struct be_ctx *cx, const struct ir_dtype *t)
{
	LLVMMetadataRef *mem, ty;

	switch (t->kind) {
	case IR_DT_INT:
		return basic(cx, t->name, 8 * t->size,
			     t->is_bool ? DW_ATE_BOOLEAN :
			     t->is_char ? (t->is_signed ? DW_ATE_SIGNED_CHAR : DW_ATE_UNSIGNED_CHAR) :
			     t->is_signed ? DW_ATE_SIGNED : DW_ATE_UNSIGNED);
	case IR_DT_FLOAT:
		return basic(cx, t->name, 8 * t->size, DW_ATE_FLOAT);
	case IR_DT_ARRAY:
		return be_di_array(cx, be_di_dtype(cx, t->elem), 8 * t->elem->size, t->count);
	case IR_DT_ENUM:
		mem = calloc(t->nmembers ? t->nmembers : 1, sizeof(*mem));
		if (!mem)
			abort();
		for (uint32_t k = 0; k < t->nmembers; k++)
			mem[k] = LLVMDIBuilderCreateEnumerator(cx->D, t->members[k].name,
							       strlen(t->members[k].name),
							       t->members[k].value, 0);
		ty = LLVMDIBuilderCreateEnumerationType(cx->D, cx->di_file, t->name ? t->name : "",
							t->name ? strlen(t->name) : 0, cx->di_file, 0,
							8ull * t->size, 32, mem, t->nmembers,
							cx->di_uint);
		free(mem);
		return ty;
	default:
		break;
	}
	mem = calloc(t->nmembers ? t->nmembers : 1, sizeof(*mem));
	if (!mem)
		abort();
	for (uint32_t k = 0; k < t->nmembers; k++)
		mem[k] = member(cx, t->members[k].name ? t->members[k].name : "",
				8ull * t->members[k].type->size, 8ull * t->members[k].offset,
				be_di_dtype(cx, t->members[k].type));
	if (t->kind == IR_DT_UNION)
		ty = LLVMDIBuilderCreateUnionType(cx->D, cx->di_file, t->name ? t->name : "",
						  t->name ? strlen(t->name) : 0, cx->di_file, 0,
						  8ull * t->size, 64, LLVMDIFlagZero, mem,
						  t->nmembers, 0, "", 0);
	else
		ty = structure(cx, t->name ? t->name : "", 8ull * t->size, mem, t->nmembers);
	free(mem);
	return ty;
}

void be_di_user_map(struct be_ctx *cx, LLVMValueRef g, const struct ir_map *mp)
{
	LLVMMetadataRef mem[6], ty, gve;
	unsigned kind = LLVMGetMDKindIDInContext(cx->C, "dbg", 3), n = 0;

	mem[n] = member(cx, "type", 64, 64 * n, pointer(cx, be_di_array(cx, cx->di_int, 32, mp->type)));
	n++;
	mem[n] = member(cx, "max_entries", 64, 64 * n,
			pointer(cx, be_di_array(cx, cx->di_int, 32, mp->max_entries)));
	n++;
	if (mp->key_size) {
		mem[n] = member(cx, "key", 64, 64 * n,
				pointer(cx, mp->key_type ? be_di_dtype(cx, mp->key_type) :
					    sized_type(cx, mp->key_size, mp->type == 11)));
		n++;
	}
	if (mp->value_size) {
		mem[n] = member(cx, "value", 64, 64 * n,
				pointer(cx, mp->value_type ? be_di_dtype(cx, mp->value_type) :
					    sized_type(cx, mp->value_size, false)));
		n++;
	}
	if (mp->map_flags) {
		mem[n] = member(cx, "map_flags", 64, 64 * n,
				pointer(cx, be_di_array(cx, cx->di_int, 32, mp->map_flags)));
		n++;
	}
	if (mp->pinning) {
		mem[n] = member(cx, "pinning", 64, 64 * n,
				pointer(cx, be_di_array(cx, cx->di_int, 32, mp->pinning)));
		n++;
	}
	ty = structure(cx, "", 64ull * n, mem, n);
	gve = LLVMDIBuilderCreateGlobalVariableExpression(
		cx->D, cx->di_cu, mp->name, strlen(mp->name), "", 0, cx->di_file, 0, ty, 0,
		LLVMDIBuilderCreateExpression(cx->D, NULL, 0), NULL, 64);
	LLVMGlobalSetMetadata(g, kind, gve);
}

LLVMMetadataRef be_di_func(struct be_ctx *cx, LLVMValueRef fn, const char *name,
			   unsigned line, bool local, bool definition,
			   LLVMMetadataRef ret, const char *const *names,
			   LLVMMetadataRef *types, unsigned nparams)
{
	LLVMMetadataRef sig[BE_MAX_REG_ARGS + 1], st, sp;

	sig[0] = ret;
	for (unsigned i = 0; i < nparams; i++)
		sig[i + 1] = types[i];
	st = LLVMDIBuilderCreateSubroutineType(cx->D, cx->di_file, sig, nparams + 1,
					       LLVMDIFlagZero);
	sp = LLVMDIBuilderCreateFunction(cx->D, cx->di_file, name, strlen(name), "", 0,
					 cx->di_file, line, st, local, definition, line,
					 LLVMDIFlagPrototyped, 1);
	for (unsigned i = 0; i < nparams; i++)
		LLVMDIBuilderCreateParameterVariable(cx->D, sp, names[i], strlen(names[i]),
						     i + 1, cx->di_file, line, types[i], 1,
						     LLVMDIFlagZero);
	if (!definition)
		LLVMDIBuilderFinalizeSubprogram(cx->D, sp);
	LLVMSetSubprogram(fn, sp);
	return sp;
}

/* The DIFile of the module's source file k (common/source_map.h), made
 * on first use. LLVM's BTF writer reads the file, when it is there, for
 * the text of each line_info record, as it does for clang's objects. */
static LLVMMetadataRef source_file(struct be_ctx *cx, uint32_t k)
{
	const struct source_map *sm = cx->m->source;
	const char *path = sm->files[k], *slash;

	if (!cx->di_src_files && !(cx->di_src_files = calloc(sm->nfiles, sizeof(*cx->di_src_files))))
		return cx->di_file;
	if (!cx->di_src_files[k]) {
		slash = strrchr(path, '/');
		cx->di_src_files[k] = slash ?
			LLVMDIBuilderCreateFile(cx->D, slash + 1, strlen(slash + 1), path,
						(size_t)(slash - path)) :
			LLVMDIBuilderCreateFile(cx->D, path, strlen(path), "", 0);
	}
	return cx->di_src_files[k];
}

void be_di_set_loc(struct be_ctx *cx, LLVMMetadataRef sp, uint32_t offset)
{
	const struct source_line *l = source_map_at(cx->m->source, offset);
	LLVMMetadataRef scope = sp;
	unsigned line = offset, col = 1;

	cx->loc_offset = offset;
	if (l && sp && l->file < cx->m->source->nfiles) {
		/* the source line, in its file: a lexical block of the
		 * function's own scope (its DISubprogram is in the module) */
		scope = LLVMDIBuilderCreateLexicalBlockFile(cx->D, sp, source_file(cx, l->file), 0);
		line = l->line;
		col = l->column;
	}
	LLVMSetCurrentDebugLocation2(cx->B, LLVMDIBuilderCreateDebugLocation(cx->C, line, col, scope, NULL));
}
