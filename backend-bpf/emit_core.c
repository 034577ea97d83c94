/*
 * emit_core.c — kernel fields by name (IR_CORE): CO-RE accesses, which
 * libbpf relocates for the kernel that loads the object.
 *
 * clang's BPF target turns `p->real_parent->tgid` on a type marked
 * preserve_access_index into calls of llvm.preserve.struct.access.index,
 * each tagged with the member's debug-info struct; the BPF backend's
 * passes then make each address a CO-RE relocation in .BTF.ext (a field
 * byte offset, by the struct's name and the member's index), and libbpf
 * patches the offset from the loading kernel's BTF, matching members by
 * name. wasm2bpf builds the same calls (ebpf-codegen-facts.md, CO-RE).
 *
 * The debug-info structs are minimal, one per container on the way, each
 * with the one member the access goes through, at the offset the
 * compiling machine's BTF gave (frontend/core_access.c): libbpf matches by
 * name, so a local struct need not have the kernel's other members. Each
 * "->" of the path reads the pointer with bpf_probe_read_kernel, and so
 * does the final read: the module's pointer is a number (a scalar to the
 * verifier), which only the helper may read through. A failed read (a
 * NULL or bad pointer) gives 0, as the helper zeroes its buffer.
 */
#include "backend-bpf/emit.h"

#include <errno.h>
#include <string.h>

#include "ir/ir.h"

#define FIELD_BYTE_SIZE 1	/* llvm.bpf.preserve.field.info's kinds */
#define FIELD_EXISTS 2
#define ENUM_VALUE 1		/* llvm.bpf.preserve.enum.value's */

/* The debug-info and LLVM types of containers k.. of a step, innermost
 * first: *di, *ty for container k. leaf_di/leaf_ty: the last member's. */
static void container_types(struct be_ctx *cx, const struct ir_core_step *st, uint32_t k,
			    LLVMMetadataRef leaf_di, LLVMTypeRef leaf_ty,
			    LLVMMetadataRef *di, LLVMTypeRef *ty, LLVMMetadataRef *all_di,
			    LLVMTypeRef *all_ty)
{
	const struct ir_core_member *m = &st->members[k];
	LLVMMetadataRef mdi, mem;
	LLVMTypeRef mty, elems[2];
	unsigned n = 0;

	if (k + 1 < st->nmembers) {
		container_types(cx, st, k + 1, leaf_di, leaf_ty, &mdi, &mty, all_di, all_ty);
	} else {
		mdi = leaf_di;
		mty = leaf_ty;
	}
	mem = LLVMDIBuilderCreateMemberType(cx->D, cx->di_file, m->name, strlen(m->name),
					    cx->di_file, 0, 8ull * m->size, 8,
					    m->container_union ? 0 : 8ull * m->offset,
					    LLVMDIFlagZero, mdi);
	if (m->container_union)
		*di = LLVMDIBuilderCreateUnionType(cx->D, cx->di_file, m->container,
						   strlen(m->container), cx->di_file, 0,
						   8ull * m->size, 8, LLVMDIFlagZero, &mem, 1, 0, "", 0);
	else
		*di = LLVMDIBuilderCreateStructType(cx->D, cx->di_file, m->container,
						    strlen(m->container), cx->di_file, 0,
						    8ull * (m->offset + m->size), 8, LLVMDIFlagZero,
						    NULL, &mem, 1, 0, NULL, "", 0);
	/* the LLVM struct: padding up to the member, then the member */
	if (!m->container_union && m->offset)
		elems[n++] = LLVMArrayType2(cx->t_i8, m->offset);
	elems[n++] = mty;
	*ty = LLVMStructTypeInContext(cx->C, elems, n, 1);
	all_di[k] = *di;
	all_ty[k] = *ty;
}

static LLVMValueRef intrinsic(struct be_ctx *cx, const char *name, LLVMTypeRef *over, size_t n)
{
	unsigned id = LLVMLookupIntrinsicID(name, strlen(name));

	return LLVMGetIntrinsicDeclaration(cx->M, id, over, n);
}

static void tag(struct be_ctx *cx, LLVMValueRef call, LLVMMetadataRef di)
{
	static const char kind[] = "llvm.preserve.access.index";

	LLVMSetMetadata(call, LLVMGetMDKindIDInContext(cx->C, kind, sizeof(kind) - 1),
			LLVMMetadataAsValue(cx->C, di));
}

/* The address of step st's field from base (a pointer to its struct):
 * one preserve.*.access.index per container. leaf_di: the field's type. */
static LLVMValueRef field_address(struct be_ctx *cx, LLVMValueRef base,
				  const struct ir_core_step *st, LLVMMetadataRef leaf_di,
				  LLVMTypeRef leaf_ty)
{
	LLVMMetadataRef di, all_di[16];
	LLVMTypeRef ty, all_ty[16], over[2] = { cx->t_ptr, cx->t_ptr };
	LLVMValueRef p = base;

	if (!st->nmembers || st->nmembers > 16)
		return NULL;
	container_types(cx, st, 0, leaf_di, leaf_ty, &di, &ty, all_di, all_ty);
	for (uint32_t k = 0; k < st->nmembers; k++) {
		const struct ir_core_member *m = &st->members[k];
		LLVMValueRef fn, call;

		if (m->container_union) {
			LLVMValueRef args[2] = { p, LLVMConstInt(cx->t_i32, 0, 0) };

			fn = intrinsic(cx, "llvm.preserve.union.access.index", over, 2);
			call = LLVMBuildCall2(cx->B, LLVMGlobalGetValueType(fn), fn, args, 2, "");
		} else {
			LLVMValueRef args[3] = {
				p, LLVMConstInt(cx->t_i32, m->offset ? 1 : 0, 0),
				LLVMConstInt(cx->t_i32, 0, 0),
			};

			fn = intrinsic(cx, "llvm.preserve.struct.access.index", over, 2);
			call = LLVMBuildCall2(cx->B, LLVMGlobalGetValueType(fn), fn, args, 3, "");
			LLVMAddCallSiteAttribute(call, 1, LLVMCreateTypeAttribute(
				cx->C, LLVMGetEnumAttributeKindForName("elementtype", 11), all_ty[k]));
		}
		tag(cx, call, all_di[k]);
		p = call;
	}
	return p;
}

static LLVMMetadataRef unsigned_type(struct be_ctx *cx, unsigned bytes)
{
	static const char *const names[] = { "", "unsigned char", "unsigned short", "",
					     "unsigned int", "", "", "", "unsigned long" };

	if (bytes > 8 || !*names[bytes])
		bytes = 1;
	return LLVMDIBuilderCreateBasicType(cx->D, names[bytes], strlen(names[bytes]),
					    8ull * bytes, 0x08 /* DW_ATE_unsigned */,
					    LLVMDIFlagZero);
}

/* The field's types: for a "->" on the way, a pointer (to void); for the
 * field itself, one of its kind (libbpf finds the kernel's field
 * compatible only if the kinds agree: ir.h, enum ir_core_leaf), of its
 * name where it has one. */
static void leaf_types(struct be_ctx *cx, const struct ir_core_access *acc, bool last,
		       LLVMMetadataRef *di, LLVMTypeRef *ty)
{
	const char *name = acc->leaf_name ? acc->leaf_name : "";
	uint32_t size = acc->leaf_size ? acc->leaf_size : 1;

	if (!last || acc->leaf == IR_CORE_LEAF_PTR) {
		*di = LLVMDIBuilderCreatePointerType(cx->D, NULL, 64, 64, 0, "", 0);
		*ty = cx->t_ptr;
		return;
	}
	switch (acc->leaf) {
	case IR_CORE_LEAF_ENUM:
		*di = LLVMDIBuilderCreateEnumerationType(cx->D, cx->di_file, name, strlen(name),
							 cx->di_file, 0, 8ull * size, 8, NULL, 0,
							 unsigned_type(cx, size));
		*ty = LLVMIntTypeInContext(cx->C, 8 * (size <= 8 ? size : 8));
		return;
	case IR_CORE_LEAF_STRUCT:
	case IR_CORE_LEAF_UNION:
		*di = acc->leaf == IR_CORE_LEAF_UNION ?
		      LLVMDIBuilderCreateUnionType(cx->D, cx->di_file, name, strlen(name), cx->di_file,
						   0, 8ull * size, 8, LLVMDIFlagZero, NULL, 0, 0, "", 0) :
		      LLVMDIBuilderCreateStructType(cx->D, cx->di_file, name, strlen(name),
						    cx->di_file, 0, 8ull * size, 8, LLVMDIFlagZero,
						    NULL, NULL, 0, 0, NULL, "", 0);
		*ty = LLVMArrayType2(cx->t_i8, size);
		return;
	case IR_CORE_LEAF_ARRAY: {
		uint32_t es = acc->leaf_elem_size ? acc->leaf_elem_size : 1;

		*di = be_di_array(cx, unsigned_type(cx, es), 8 * es, size / es);
		*ty = LLVMArrayType2(LLVMIntTypeInContext(cx->C, 8 * es), size / es);
		return;
	}
	default:
		*di = unsigned_type(cx, size);
		*ty = LLVMIntTypeInContext(cx->C, 8 * (size <= 8 ? size : 8));
		return;
	}
}

/* bpf_probe_read_kernel(slot, width, p): the bytes read, zero-extended
 * into an i64 (0 if the read failed). */
static LLVMValueRef probe_read(struct be_fn *fs, LLVMValueRef p, unsigned width)
{
	struct be_ctx *cx = fs->cx;
	LLVMTypeRef pt[3] = { cx->t_ptr, cx->t_i32, cx->t_ptr };
	LLVMValueRef slot = LLVMBuildAlloca(fs->alloca_b, cx->t_i64, "core");
	LLVMValueRef args[3] = { slot, LLVMConstInt(cx->t_i32, width, 0), p };

	LLVMSetAlignment(slot, 8);
	be_store(cx, LLVMConstNull(cx->t_i64), slot);
	be_call_helper(cx, ir_helper_named("probe_read_kernel")->id,
		       LLVMFunctionType(cx->t_i64, pt, 3, 0), args, 3);
	if (width == 8)
		return be_load(cx, cx->t_i64, slot);
	return LLVMBuildZExt(cx->B, be_load(cx, LLVMIntTypeInContext(cx->C, 8 * width), slot),
			     cx->t_i64, "");
}

int be_emit_core(struct be_fn *fs, const struct ir_inst *in)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_core_access *acc = in->u.core;
	LLVMMetadataRef leaf_di;
	LLVMTypeRef leaf_ty;
	LLVMValueRef p, v;

	if (!acc || (!acc->nsteps && acc->op != IR_CORE_ENUM) || in->dst == IR_NOVAL) {
		be_fn_ice(fs, in->offset, "malformed core access");
		return -EINVAL;
	}
	if (acc->op == IR_CORE_ENUM) {
		/* as clang's __builtin_preserve_enum_value: the enum with the
		 * one enumerator, "NAME:VALUE", and a number of its own (the
		 * module offset of the call: one per call) */
		uint32_t size = acc->leaf_size ? acc->leaf_size : 4;
		LLVMMetadataRef en = LLVMDIBuilderCreateEnumerator(cx->D, acc->enumerator,
								   strlen(acc->enumerator),
								   acc->enum_value, 0);
		LLVMMetadataRef di = LLVMDIBuilderCreateEnumerationType(
			cx->D, cx->di_file, acc->leaf_name, strlen(acc->leaf_name), cx->di_file, 0,
			8ull * size, 32, &en, 1, unsigned_type(cx, size));
		char text[256];
		LLVMValueRef fn = intrinsic(cx, "llvm.bpf.preserve.enum.value", NULL, 0), args[3];

		snprintf(text, sizeof(text), "%s:%lld", acc->enumerator, (long long)acc->enum_value);
		args[0] = LLVMConstInt(cx->t_i32, in->offset, 0);
		args[1] = LLVMBuildGlobalStringPtr(cx->B, text, "");
		args[2] = LLVMConstInt(cx->t_i64, ENUM_VALUE, 0);
		v = LLVMBuildCall2(cx->B, LLVMGlobalGetValueType(fn), fn, args, 3, "");
		tag(cx, v, di);
		return be_def(fs, in, be_from_u64(cx, v, be_type(cx, in->type)));
	}
	if (acc->op != IR_CORE_READ) {
		/* the last object's field, asked of the loading kernel */
		const struct ir_core_step *st = &acc->steps[acc->nsteps - 1];
		LLVMTypeRef over = cx->t_ptr;
		LLVMValueRef fn, args[2];

		leaf_types(cx, acc, true, &leaf_di, &leaf_ty);
		p = field_address(cx, LLVMConstNull(cx->t_ptr), st, leaf_di, leaf_ty);
		if (!p)
			goto malformed;
		fn = intrinsic(cx, "llvm.bpf.preserve.field.info", &over, 1);
		args[0] = p;
		args[1] = LLVMConstInt(cx->t_i64, acc->op == IR_CORE_EXISTS ? FIELD_EXISTS :
					FIELD_BYTE_SIZE, 0);
		v = LLVMBuildCall2(cx->B, LLVMGlobalGetValueType(fn), fn, args, 2, "");
		return be_def(fs, in, be_from_u64(cx, LLVMBuildZExt(cx->B, v, cx->t_i64, ""),
						  be_type(cx, in->type)));
	}
	v = be_to_u64(cx, be_val(fs, in->a));
	if (fs->bad)
		return 0;
	for (uint32_t k = 0; k < acc->nsteps; k++) {
		const struct ir_core_step *st = &acc->steps[k];
		bool last = k + 1 == acc->nsteps;

		leaf_types(cx, acc, last, &leaf_di, &leaf_ty);
		p = field_address(cx, LLVMBuildIntToPtr(cx->B, v, cx->t_ptr, ""), st, leaf_di,
				  leaf_ty);
		if (!p)
			goto malformed;
		v = probe_read(fs, p, last ? acc->width : 8);
	}
	if (acc->is_signed && acc->width < 8) {
		LLVMTypeRef nt = LLVMIntTypeInContext(cx->C, 8 * acc->width);

		v = LLVMBuildSExt(cx->B, LLVMBuildTrunc(cx->B, v, nt, ""), cx->t_i64, "");
	}
	return be_def(fs, in, be_from_u64(cx, v, be_type(cx, in->type)));

malformed:
	be_fn_ice(fs, in->offset, "core access '%s' has no members", acc->text);
	return -EINVAL;
}
