/*
 * stack_depth.c — the kernel's 512-byte limit on the stack of a whole call
 * chain, checked on the object before anything is loaded.
 *
 * Each function's own stack is within 512 bytes (LLVM's BPF backend
 * refuses more), but the verifier adds up the stacks of every chain of
 * bpf-to-bpf calls from a program, each frame rounded up to 32 bytes and
 * at least 32 (check_max_stack_depth(): "combined stack size of N calls is
 * X. Too large"). wasm2bpf makes such chains itself: a loop body is a
 * function of its own (a bpf_loop callback, or a global function before
 * 5.17), nested loops nest them, and calls LLVM does not inline stay
 * calls. Counted here from the object's bytes, the way the verifier will:
 *
 *   - a function's stack is the deepest byte below r10 it reaches: loads
 *     and stores at r10 + off, and through registers that hold r10 plus a
 *     constant (`rX = r10; rX += -16`, the address of a stack slot passed
 *     to a helper or a callee), followed through straight-line code (such
 *     a register is set right before its use by LLVM);
 *   - the calls are bpf-to-bpf calls (src_reg BPF_PSEUDO_CALL), within a
 *     section or through a relocation to another, and the callbacks a
 *     function hands to a helper (a 64-bit immediate relocated to code:
 *     bpf_loop's). Kernels differ on those: 6.1 adds up the stack before
 *     it inlines bpf_loop calls, so without them; 6.18 inlines first where
 *     it can (optimize_bpf_loop(): the callback becomes a call, and the
 *     caller's frame grows by the loop's 24 bytes of spills) and refused a
 *     Rust debug build for "combined stack size of 2 calls is 608" (its
 *     program's 352 bytes and a callback's 184, each + 24). A callback
 *     counts as a call here; the 24 bytes do not (with them, Rust's debug
 *     `search`, which 6.18 and 6.1 load, would be refused at 544).
 *
 * The count is an upper bound of the verifier's, which takes only the
 * slots on paths it explored: measured, a chain this counts at 576 bytes
 * was "combined stack size of 3 calls is 544". A program near the limit
 * may be refused that would load (1 of 300 csmith programs: a 404-byte
 * frame under six nested callbacks, 672 here, which 6.18 loads).
 *
 * Like the rest of verifier-check it reads only BPF bytes: the caller
 * maps symbols back to the module.
 */
#include "verifier-check/vcheck.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>

struct fn {
	size_t sec;		/* section index */
	uint64_t start, end;	/* instruction indices in it */
	const char *name;
	uint32_t depth;		/* its own stack bytes */
	bool program;		/* a global function in a program's section */
	/* the deepest chain from here: its total and the callee on it */
	int64_t best;		/* -1: not known yet */
	int32_t next;
};

struct reloc {
	size_t sec;		/* section the instruction is in */
	uint64_t insn;		/* its index there */
	size_t sym_sec;		/* section of the symbol it names */
	uint64_t sym_value;
};

struct image {
	Elf *elf;
	struct fn *fns;
	size_t nfns;
	struct reloc *relocs;
	size_t nrelocs;
	Elf_Data **text;	/* per section: its bytes if executable, else NULL */
	size_t nsecs;
};

static uint32_t frame_bytes(uint32_t depth)
{
	return ((depth ? depth : 1) + 31) / 32 * 32;
}

/* Both tables are sorted (by_position()), so that an object of many
 * functions and calls is read in n log n: the function holding an
 * instruction, and the relocation at one, by binary search. */
static int32_t fn_at(const struct image *im, size_t sec, uint64_t insn)
{
	size_t lo = 0, hi = im->nfns;

	while (lo < hi) {	/* the first function after (sec, insn) */
		size_t mid = lo + (hi - lo) / 2;
		const struct fn *f = &im->fns[mid];

		if (f->sec < sec || (f->sec == sec && f->start <= insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && im->fns[lo - 1].sec == sec && insn < im->fns[lo - 1].end)
		return (int32_t)(lo - 1);
	return -1;
}

static const struct reloc *reloc_at(const struct image *im, size_t sec, uint64_t insn)
{
	size_t lo = 0, hi = im->nrelocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct reloc *r = &im->relocs[mid];

		if (r->sec < sec || (r->sec == sec && r->insn < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < im->nrelocs && im->relocs[lo].sec == sec && im->relocs[lo].insn == insn)
		return &im->relocs[lo];
	return NULL;
}

static int fn_order(const void *a, const void *b)
{
	const struct fn *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int reloc_order(const void *a, const void *b)
{
	const struct reloc *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

static void by_position(struct image *im)
{
	qsort(im->fns, im->nfns, sizeof(*im->fns), fn_order);
	qsort(im->relocs, im->nrelocs, sizeof(*im->relocs), reloc_order);
}

static const struct bpf_insn *insns(const struct image *im, size_t sec)
{
	return (const struct bpf_insn *)im->text[sec]->d_buf;
}

/* The stack bytes function f reaches. */
static uint32_t own_depth(const struct image *im, const struct fn *f)
{
	const struct bpf_insn *in = insns(im, f->sec);
	int64_t fp[11];		/* register -> offset from r10, or 1: not one */
	int64_t deepest = 0;

	for (int r = 0; r < 11; r++)
		fp[r] = 1;
	for (uint64_t i = f->start; i < f->end; i++) {
		const struct bpf_insn *x = &in[i];
		uint8_t cls = BPF_CLASS(x->code);
		int64_t at = 1;

		if (cls == BPF_STX || cls == BPF_ST)
			at = x->dst_reg == BPF_REG_10 ? x->off :
			     fp[x->dst_reg] <= 0 ? fp[x->dst_reg] + x->off : 1;
		else if (cls == BPF_LDX)
			at = x->src_reg == BPF_REG_10 ? x->off :
			     fp[x->src_reg] <= 0 ? fp[x->src_reg] + x->off : 1;
		if (at <= 0 && -at > deepest)
			deepest = -at;
		/* what the instruction leaves in its destination */
		if (x->code == (BPF_ALU64 | BPF_MOV | BPF_X) && x->src_reg == BPF_REG_10) {
			fp[x->dst_reg] = 0;
		} else if (x->code == (BPF_ALU64 | BPF_ADD | BPF_K) && fp[x->dst_reg] <= 0) {
			fp[x->dst_reg] += x->imm;
			if (fp[x->dst_reg] <= 0 && -fp[x->dst_reg] > deepest)
				deepest = -fp[x->dst_reg];
		} else if (x->code == (BPF_JMP | BPF_CALL)) {
			for (int r = 0; r <= 5; r++)
				fp[r] = 1;
		} else if ((cls == BPF_ALU64 || cls == BPF_ALU || cls == BPF_LDX || cls == BPF_LD) &&
			   x->dst_reg < 11) {
			fp[x->dst_reg] = 1;
		}
		if (x->code == (BPF_LD | BPF_IMM | BPF_DW))
			i++;
		/* a branch target may be reached with other values */
		if ((cls == BPF_JMP || cls == BPF_JMP32) && BPF_OP(x->code) != BPF_CALL)
			for (int r = 0; r < 11; r++)
				fp[r] = 1;
	}
	return deepest > VC_MAX_STACK ? VC_MAX_STACK : (uint32_t)deepest;
}

/* Calls fn(callee) for every function f calls or hands to a helper. */
static void each_callee(const struct image *im, const struct fn *f,
			void (*fn)(int32_t, void *), void *user)
{
	const struct bpf_insn *in = insns(im, f->sec);

	for (uint64_t i = f->start; i < f->end; i++) {
		const struct bpf_insn *x = &in[i];
		const struct reloc *r;
		int32_t c = -1;

		if (x->code == (BPF_JMP | BPF_CALL) && x->src_reg == BPF_PSEUDO_CALL) {
			r = reloc_at(im, f->sec, i);
			c = r ? fn_at(im, r->sym_sec, r->sym_value / 8 + (uint64_t)(int64_t)x->imm + 1) :
				fn_at(im, f->sec, i + (uint64_t)(int64_t)x->imm + 1);
		} else if (x->code == (BPF_LD | BPF_IMM | BPF_DW)) {
			r = reloc_at(im, f->sec, i);
			if (r && r->sym_sec < im->nsecs && im->text[r->sym_sec])
				c = fn_at(im, r->sym_sec, (r->sym_value + (uint64_t)(uint32_t)x->imm) / 8);
			i++;
		}
		if (c >= 0)
			fn(c, user);
	}
}

/* A chain deeper than this is refused anyway (VC_MAX_FRAMES: emit_frames.c
 * checks it on the module): the walk stops there, so it needs no guard
 * against cycles (the compiler refuses recursion before). */
#define WALK_MAX_DEPTH (2 * VC_MAX_FRAMES)

struct walk {
	struct image *im;
	unsigned level;
	int64_t best;
	int32_t next;
};

static void deepest(struct image *im, int32_t f, unsigned level);

static void visit(int32_t c, void *user)
{
	struct walk *w = user;

	deepest(w->im, c, w->level + 1);
	if (w->im->fns[c].best > w->best) {
		w->best = w->im->fns[c].best;
		w->next = c;
	}
}

/* fns[f].best and .next: the deepest chain from f. */
static void deepest(struct image *im, int32_t f, unsigned level)
{
	struct walk w = { im, level, 0, -1 };

	if (im->fns[f].best >= 0)
		return;
	if (level < WALK_MAX_DEPTH)
		each_callee(im, &im->fns[f], visit, &w);
	im->fns[f].best = frame_bytes(im->fns[f].depth) + w.best;
	im->fns[f].next = w.next;
}

/* Executable sections; whether each is .text (subprograms) or a
 * program's. */
static int read_sections(struct image *im, bool **is_text)
{
	size_t shstrndx, nsecs;
	Elf_Scn *scn = NULL;

	if (elf_kind(im->elf) != ELF_K_ELF || elf_getshdrstrndx(im->elf, &shstrndx) ||
	    elf_getshdrnum(im->elf, &nsecs))
		return -EINVAL;
	im->nsecs = nsecs;
	im->text = calloc(nsecs + 1, sizeof(*im->text));
	*is_text = calloc(nsecs + 1, sizeof(**is_text));
	if (!im->text || !*is_text)
		return -ENOMEM;
	while ((scn = elf_nextscn(im->elf, scn))) {
		size_t k = elf_ndxscn(scn);
		const char *name;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			return -EINVAL;
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) || !sh.sh_size)
			continue;
		im->text[k] = elf_getdata(scn, NULL);
		if (!im->text[k] || im->text[k]->d_size % sizeof(struct bpf_insn))
			return -EINVAL;
		name = elf_strptr(im->elf, shstrndx, sh.sh_name);
		(*is_text)[k] = name && !strcmp(name, ".text");
	}
	return 0;
}

/* The functions (STT_FUNC symbols in executable sections). */
static int read_functions(struct image *im, Elf_Data *d, const GElf_Shdr *sh, const bool *is_text)
{
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	im->fns = calloc(n + 1, sizeof(*im->fns));
	if (!im->fns)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		GElf_Sym s;

		if (!gelf_getsym(d, (int)k, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    s.st_shndx >= im->nsecs || !im->text[s.st_shndx] || !s.st_size ||
		    s.st_value + s.st_size > im->text[s.st_shndx]->d_size)
			continue;
		im->fns[im->nfns++] = (struct fn){
			.sec = s.st_shndx, .start = s.st_value / 8, .end = (s.st_value + s.st_size) / 8,
			.name = elf_strptr(im->elf, sh->sh_link, s.st_name),
			.program = GELF_ST_BIND(s.st_info) == STB_GLOBAL && !is_text[s.st_shndx],
			.best = -1, .next = -1,
		};
	}
	return 0;
}

/* The relocations of executable sections, with the symbol each names. */
static int read_relocs(struct image *im, Elf_Data *symtab)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t n;
		struct reloc *p;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_REL || sh.sh_info >= im->nsecs ||
		    !im->text[sh.sh_info] || !(d = elf_getdata(scn, NULL)))
			continue;
		n = sh.sh_entsize ? sh.sh_size / sh.sh_entsize : 0;
		p = realloc(im->relocs, (im->nrelocs + n + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		im->relocs = p;
		for (size_t k = 0; k < n; k++) {
			GElf_Rel r;
			GElf_Sym s;

			if (!gelf_getrel(d, (int)k, &r) ||
			    !gelf_getsym(symtab, (int)GELF_R_SYM(r.r_info), &s))
				continue;
			im->relocs[im->nrelocs++] = (struct reloc){
				sh.sh_info, r.r_offset / 8, s.st_shndx, s.st_value,
			};
		}
	}
	return 0;
}

static int read_image(struct image *im)
{
	Elf_Scn *scn = NULL;
	bool *is_text = NULL;
	int err = read_sections(im, &is_text);

	while (!err && (scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		if (!(d = elf_getdata(scn, NULL)))
			err = -EINVAL;
		else if (!(err = read_functions(im, d, &sh, is_text)))
			err = read_relocs(im, d);
		break;
	}
	free(is_text);
	return err;
}

int vc_stack_chains(const void *obj, size_t size,
		    void (*each)(const struct vc_stack_chain *, void *), void *user)
{
	struct image im = { 0 };
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	im.elf = elf_memory((char *)obj, size);
	if (!im.elf)
		return -EINVAL;
	err = read_image(&im);
	if (!err)
		by_position(&im);
	for (size_t k = 0; !err && k < im.nfns; k++)
		im.fns[k].depth = own_depth(&im, &im.fns[k]);
	for (size_t k = 0; !err && k < im.nfns; k++) {
		struct vc_stack_chain ch = { 0 };

		if (!im.fns[k].program)
			continue;
		deepest(&im, (int32_t)k, 0);
		ch.prog = im.fns[k].name;
		ch.total = (uint32_t)im.fns[k].best;
		for (int32_t f = (int32_t)k; f >= 0 && ch.n < VC_MAX_FRAMES; f = im.fns[f].next) {
			ch.fn[ch.n] = im.fns[f].name;
			ch.depth[ch.n++] = im.fns[f].depth;
		}
		each(&ch, user);
	}
	free(im.fns);
	free(im.relocs);
	free(im.text);
	elf_end(im.elf);
	return err;
}

struct over_limit {
	void (*over)(const struct vc_stack_chain *, void *);
	void *user;
};

static void if_over(const struct vc_stack_chain *ch, void *user)
{
	const struct over_limit *o = user;

	if (ch->total > VC_MAX_STACK)
		o->over(ch, o->user);
}

int vc_check_stack(const void *obj, size_t size,
		   void (*over)(const struct vc_stack_chain *, void *), void *user)
{
	struct over_limit o = { over, user };

	return vc_stack_chains(obj, size, if_over, &o);
}
