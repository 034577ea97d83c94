/*
 * bpf_image.c — read an ELF object's BPF code (bpf_image.h).
 *
 * What libbpf does at open, without loading: sections, function symbols,
 * the relocations of code. Both tables are sorted, so an object of many
 * functions and calls is read in n log n: the function holding an
 * instruction, and the relocation at one, are found by binary search.
 */
#include "verifier-check/bpf_image.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int32_t vc_image_fn_at(const struct vc_image *im, size_t sec, uint64_t insn)
{
	size_t lo = 0, hi = im->nfns;

	while (lo < hi) {	/* the first function after (sec, insn) */
		size_t mid = lo + (hi - lo) / 2;
		const struct vc_fn *f = &im->fns[mid];

		if (f->sec < sec || (f->sec == sec && f->start <= insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && im->fns[lo - 1].sec == sec && insn < im->fns[lo - 1].end)
		return (int32_t)(lo - 1);
	return -1;
}

const struct vc_reloc *vc_image_reloc_at(const struct vc_image *im, size_t sec, uint64_t insn)
{
	size_t lo = 0, hi = im->nrelocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vc_reloc *r = &im->relocs[mid];

		if (r->sec < sec || (r->sec == sec && r->insn < insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < im->nrelocs && im->relocs[lo].sec == sec && im->relocs[lo].insn == insn)
		return &im->relocs[lo];
	return NULL;
}

int32_t vc_image_callee(const struct vc_image *im, const struct vc_fn *f, uint64_t i)
{
	const struct bpf_insn *x = &vc_image_insns(im, f->sec)[i];
	const struct vc_reloc *r = vc_image_reloc_at(im, f->sec, i);

	if (x->code == (BPF_JMP | BPF_CALL) && x->src_reg == BPF_PSEUDO_CALL)
		return r ? vc_image_fn_at(im, r->sym_sec, r->sym_value / 8 + (uint64_t)(int64_t)x->imm + 1) :
			   vc_image_fn_at(im, f->sec, i + (uint64_t)(int64_t)x->imm + 1);
	if (x->code == (BPF_LD | BPF_IMM | BPF_DW) && r && r->sym_sec < im->nsecs &&
	    im->text[r->sym_sec])
		return vc_image_fn_at(im, r->sym_sec, (r->sym_value + (uint64_t)(uint32_t)x->imm) / 8);
	return -1;
}

static int fn_order(const void *a, const void *b)
{
	const struct vc_fn *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int reloc_order(const void *a, const void *b)
{
	const struct vc_reloc *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

/* Every section's name and size; the executable ones' bytes; .maps and
 * the license. */
static int read_sections(struct vc_image *im)
{
	size_t shstrndx, nsecs;
	Elf_Scn *scn = NULL;

	if (elf_kind(im->elf) != ELF_K_ELF || elf_getshdrstrndx(im->elf, &shstrndx) ||
	    elf_getshdrnum(im->elf, &nsecs))
		return -EINVAL;
	im->nsecs = nsecs;
	im->text = calloc(nsecs + 1, sizeof(*im->text));
	im->sec_name = calloc(nsecs + 1, sizeof(*im->sec_name));
	im->sec_size = calloc(nsecs + 1, sizeof(*im->sec_size));
	if (!im->text || !im->sec_name || !im->sec_size)
		return -ENOMEM;
	while ((scn = elf_nextscn(im->elf, scn))) {
		size_t k = elf_ndxscn(scn);
		const char *name;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || k >= nsecs)
			return -EINVAL;
		name = elf_strptr(im->elf, shstrndx, sh.sh_name);
		im->sec_name[k] = name ? name : "";
		im->sec_size[k] = sh.sh_size;
		if (name && !strcmp(name, ".maps"))
			im->maps_sec = k;
		if (name && !strcmp(name, "license") && sh.sh_type == SHT_PROGBITS) {
			Elf_Data *d = elf_getdata(scn, NULL);

			if (d && d->d_size && memchr(d->d_buf, 0, d->d_size))
				im->license = d->d_buf;
		}
		if (sh.sh_type != SHT_PROGBITS || !(sh.sh_flags & SHF_EXECINSTR) || !sh.sh_size)
			continue;
		im->text[k] = elf_getdata(scn, NULL);
		if (!im->text[k] || im->text[k]->d_size % sizeof(struct bpf_insn))
			return -EINVAL;
		/* the instructions are read in place (libelf hands out a
		 * pointer into obj): a section at an offset that leaves them
		 * misaligned is no object a compiler writes (code is 8-aligned),
		 * and refused rather than read through a misaligned pointer */
		if ((uintptr_t)im->text[k]->d_buf % _Alignof(struct bpf_insn))
			return -EINVAL;
	}
	return 0;
}

/* The functions (STT_FUNC symbols in executable sections). */
static int read_functions(struct vc_image *im, Elf_Data *d, const GElf_Shdr *sh)
{
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	im->fns = calloc(n + 1, sizeof(*im->fns));
	if (!im->fns)
		return -ENOMEM;
	for (size_t k = 0; k < n; k++) {
		GElf_Sym s;
		const char *name;
		bool text, global;

		if (!gelf_getsym(d, (int)k, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    s.st_shndx >= im->nsecs || !im->text[s.st_shndx] || !s.st_size ||
		    /* inside its section, without the sum wrapping around */
		    s.st_value > im->text[s.st_shndx]->d_size ||
		    s.st_size > im->text[s.st_shndx]->d_size - s.st_value)
			continue;
		text = !strcmp(im->sec_name[s.st_shndx], ".text");
		global = GELF_ST_BIND(s.st_info) == STB_GLOBAL;
		/* a name past its string table is no name, as for the
		 * relocations' symbols: every reader compares names */
		name = elf_strptr(im->elf, sh->sh_link, s.st_name);
		im->fns[im->nfns++] = (struct vc_fn){
			.sec = s.st_shndx, .start = s.st_value / 8, .end = (s.st_value + s.st_size) / 8,
			.name = name ? name : "",
			.program = global && !text, .global = global && text,
		};
	}
	return 0;
}

/* The relocations of executable sections, with the symbol each names. */
static int read_relocs(struct vc_image *im, Elf_Data *symtab, size_t strtab)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t n;
		struct vc_reloc *p;

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
			const char *name;

			if (!gelf_getrel(d, (int)k, &r) ||
			    !gelf_getsym(symtab, (int)GELF_R_SYM(r.r_info), &s))
				continue;
			name = elf_strptr(im->elf, strtab, s.st_name);
			im->relocs[im->nrelocs++] = (struct vc_reloc){
				sh.sh_info, r.r_offset / 8, s.st_shndx, s.st_value, name ? name : "",
			};
		}
	}
	return 0;
}

/* --- BTF line info ----------------------------------------------------------- */

static int line_order(const void *a, const void *b)
{
	const struct vc_line *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	return x->insn < y->insn ? -1 : x->insn > y->insn;
}

const struct vc_line *vc_image_line(const struct vc_image *im, size_t sec, uint64_t insn)
{
	size_t lo = 0, hi = im->nlines;

	while (lo < hi) {	/* the first row after (sec, insn) */
		size_t mid = lo + (hi - lo) / 2;
		const struct vc_line *l = &im->lines[mid];

		if (l->sec < sec || (l->sec == sec && l->insn <= insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && im->lines[lo - 1].sec == sec ? &im->lines[lo - 1] : NULL;
}

/* The section whose name is `name`, or 0. */
static size_t section_named(const struct vc_image *im, const char *name)
{
	for (size_t k = 1; k < im->nsecs; k++)
		if (!strcmp(im->sec_name[k], name))
			return k;
	return 0;
}

static Elf_Data *section_data(const struct vc_image *im, const char *name)
{
	size_t k = section_named(im, name);

	return k ? elf_getdata(elf_getscn(im->elf, k), NULL) : NULL;
}

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}


/* The line_info of .BTF.ext, its strings in .BTF (the layouts of
 * include/uapi/linux/btf.h and libbpf's btf.h: a header whose hdr_len
 * says where the data begins; line_info is a record size, then per
 * section its name, a count and the records). An object without them, or
 * with a layout this does not know, simply has no lines. */
static int read_lines(struct vc_image *im)
{
	Elf_Data *btf = section_data(im, ".BTF"), *ext = section_data(im, ".BTF.ext");
	const uint8_t *b, *e, *p, *end;
	uint32_t str_at, str_len, rec;

	if (!btf || !ext || btf->d_size < 24 || ext->d_size < 24)
		return 0;
	b = btf->d_buf;
	e = ext->d_buf;
	if (b[0] != 0x9f || b[1] != 0xeb || e[0] != 0x9f || e[1] != 0xeb)
		return 0;
	str_at = u32_at(b + 4) + u32_at(b + 16);
	str_len = u32_at(b + 20);
	if (str_at > btf->d_size || str_len > btf->d_size - str_at)
		return 0;
	p = e + u32_at(e + 4) + u32_at(e + 16);	/* hdr_len + line_info_off */
	end = p + u32_at(e + 20);
	if (p < e || end > e + ext->d_size || end < p || end - p < 4)
		return 0;
	rec = u32_at(p);
	p += 4;
	if (rec < 16)
		return 0;
	while (end - p >= 8) {
		uint32_t name = u32_at(p), n = u32_at(p + 4);
		size_t sec = name < str_len ? section_named(im, (const char *)b + str_at + name) : 0;
		struct vc_line *l;

		p += 8;
		if ((uint64_t)n * rec > (uint64_t)(end - p))
			return 0;
		l = realloc(im->lines, (im->nlines + n + 1) * sizeof(*l));
		if (!l)
			return -ENOMEM;
		im->lines = l;
		for (uint32_t k = 0; k < n; k++, p += rec) {
			uint32_t file = u32_at(p + 4), lc = u32_at(p + 12);

			if (!sec)
				continue;
			im->lines[im->nlines++] = (struct vc_line){
				sec, u32_at(p) / 8, file < str_len ? (const char *)b + str_at + file : "",
				lc >> 10, lc & 0x3ff,
			};
		}
	}
	if (im->nlines)
		qsort(im->lines, im->nlines, sizeof(*im->lines), line_order);
	return 0;
}

int vc_image_open(struct vc_image *im, const void *obj, size_t size)
{
	Elf_Scn *scn = NULL;
	int err;

	memset(im, 0, sizeof(*im));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	im->elf = elf_memory((char *)obj, size);
	if (!im->elf)
		return -EINVAL;
	err = read_sections(im);
	while (!err && (scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		if (!(d = elf_getdata(scn, NULL)))
			err = -EINVAL;
		else if (!(err = read_functions(im, d, &sh)))
			err = read_relocs(im, d, sh.sh_link);
		break;
	}
	if (!err)
		err = read_lines(im);
	/* (qsort's base may not be NULL, even for no elements) */
	if (!err && im->nfns)
		qsort(im->fns, im->nfns, sizeof(*im->fns), fn_order);
	if (!err && im->nrelocs)
		qsort(im->relocs, im->nrelocs, sizeof(*im->relocs), reloc_order);
	if (err)
		vc_image_close(im);
	return err;
}

void vc_image_close(struct vc_image *im)
{
	free(im->fns);
	free(im->relocs);
	free(im->text);
	free(im->sec_name);
	free(im->sec_size);
	free(im->lines);
	if (im->elf)
		elf_end(im->elf);
	memset(im, 0, sizeof(*im));
}
