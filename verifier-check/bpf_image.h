/*
 * bpf_image.h — an ELF object's BPF code as the kernel will see it: the
 * executable sections, their functions and the relocations that name maps,
 * functions and kfuncs. The decoder the precheck (precheck.c) and the
 * stack count (stack_depth.c) walk; it reads bytes only, no kernel.
 */
#ifndef W2B_VERIFIER_CHECK_BPF_IMAGE_H
#define W2B_VERIFIER_CHECK_BPF_IMAGE_H

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

/* A function: an STT_FUNC symbol in an executable section. */
struct vc_fn {
	size_t sec;		/* section index */
	uint64_t start, end;	/* instruction indices in it */
	const char *name;
	bool program;		/* a global function in a program's section */
	bool global;		/* a global function in .text: the kernel checks
				 * it once, on its own (not per call) */
};

/* A relocation of an instruction, and the symbol it names. */
struct vc_reloc {
	size_t sec;		/* section the instruction is in */
	uint64_t insn;		/* its index there */
	size_t sym_sec;		/* section of the symbol (SHN_UNDEF: an extern,
				 * a kfunc) */
	uint64_t sym_value;
	const char *sym_name;
};

/* A row of the object's BTF line info (.BTF.ext): from instruction insn
 * of its section on, the code is file's line:column. A wasm2bpf object
 * without DWARF has the module as its file and the Wasm byte offset as
 * the line. */
struct vc_line {
	size_t sec;
	uint64_t insn;
	const char *file;
	uint32_t line, column;
};

struct vc_image {
	Elf *elf;
	struct vc_fn *fns;	/* sorted by (sec, start) */
	size_t nfns;
	struct vc_reloc *relocs;	/* sorted by (sec, insn) */
	size_t nrelocs;
	size_t nsecs;
	Elf_Data **text;	/* per section: its bytes if executable, else NULL */
	const char **sec_name;	/* per section */
	uint64_t *sec_size;	/* per section */
	size_t maps_sec;	/* `.maps` (BTF-defined maps), or 0 */
	const char *license;	/* the `license` section's text, or NULL */
	struct vc_line *lines;	/* sorted by (sec, insn) */
	size_t nlines;
};

/* 0, or -EINVAL if obj is not a BPF ELF object it can read, -ENOMEM. The
 * image points into obj, which must outlive it. */
int vc_image_open(struct vc_image *im, const void *obj, size_t size);
void vc_image_close(struct vc_image *im);

static inline const struct bpf_insn *vc_image_insns(const struct vc_image *im, size_t sec)
{
	return (const struct bpf_insn *)im->text[sec]->d_buf;
}

/* The function holding instruction insn of section sec, or -1. */
int32_t vc_image_fn_at(const struct vc_image *im, size_t sec, uint64_t insn);
/* The relocation of that instruction, or NULL. */
const struct vc_reloc *vc_image_reloc_at(const struct vc_image *im, size_t sec, uint64_t insn);
/* The line info row covering instruction insn of section sec, or NULL. */
const struct vc_line *vc_image_line(const struct vc_image *im, size_t sec, uint64_t insn);
/* The function instruction i of f calls (a bpf-to-bpf call) or hands to
 * a helper (a 64-bit immediate relocated to code: a callback), or -1. */
int32_t vc_image_callee(const struct vc_image *im, const struct vc_fn *f, uint64_t i);

#endif
