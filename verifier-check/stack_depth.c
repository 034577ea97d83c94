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
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "verifier-check/bpf_image.h"

/* What the walk knows of each function of the image (same index). */
struct frame {
	uint32_t depth;		/* its own stack bytes */
	/* the deepest chain from here: its total and the callee on it */
	int64_t best;		/* -1: not known yet */
	int32_t next;
};

static uint32_t frame_bytes(uint32_t depth)
{
	return ((depth ? depth : 1) + 31) / 32 * 32;
}

/* The stack bytes function f reaches. */
static uint32_t own_depth(const struct vc_image *im, const struct vc_fn *f)
{
	const struct bpf_insn *in = vc_image_insns(im, f->sec);
	/* register -> offset from r10, or 1: not one; a register field is 4
	 * bits, and R11 to R15 (which the kernel refuses) stay "not one" */
	int64_t fp[16];
	int64_t deepest = 0;

	for (int r = 0; r < 16; r++)
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
			for (int r = 0; r < 16; r++)
				fp[r] = 1;
	}
	return deepest > VC_MAX_STACK ? VC_MAX_STACK : (uint32_t)deepest;
}

/* Calls fn(callee) for every function f calls or hands to a helper. */
static void each_callee(const struct vc_image *im, const struct vc_fn *f,
			void (*fn)(int32_t, void *), void *user)
{
	for (uint64_t i = f->start; i < f->end; i++) {
		int32_t c = vc_image_callee(im, f, i);

		if (c >= 0)
			fn(c, user);
		if (vc_image_insns(im, f->sec)[i].code == (BPF_LD | BPF_IMM | BPF_DW))
			i++;
	}
}

/* A chain deeper than this is refused anyway (VC_MAX_FRAMES: emit_frames.c
 * checks it on the module): the walk stops there, so it needs no guard
 * against cycles (the compiler refuses recursion before). */
#define WALK_MAX_DEPTH (2 * VC_MAX_FRAMES)

struct walk {
	const struct vc_image *im;
	struct frame *fr;
	unsigned level;
	int64_t best;
	int32_t next;
};

static void deepest(const struct vc_image *im, struct frame *fr, int32_t f, unsigned level);

static void visit(int32_t c, void *user)
{
	struct walk *w = user;

	deepest(w->im, w->fr, c, w->level + 1);
	if (w->fr[c].best > w->best) {
		w->best = w->fr[c].best;
		w->next = c;
	}
}

/* fr[f].best and .next: the deepest chain from f. */
static void deepest(const struct vc_image *im, struct frame *fr, int32_t f, unsigned level)
{
	struct walk w = { im, fr, level, 0, -1 };

	if (fr[f].best >= 0)
		return;
	if (level < WALK_MAX_DEPTH)
		each_callee(im, &im->fns[f], visit, &w);
	fr[f].best = frame_bytes(fr[f].depth) + w.best;
	fr[f].next = w.next;
}

int vc_stack_chains(const void *obj, size_t size,
		    void (*each)(const struct vc_stack_chain *, void *), void *user)
{
	struct vc_image im;
	struct frame *fr;
	int err = vc_image_open(&im, obj, size);

	if (err)
		return err;
	fr = calloc(im.nfns + 1, sizeof(*fr));
	if (!fr) {
		vc_image_close(&im);
		return -ENOMEM;
	}
	for (size_t k = 0; k < im.nfns; k++)
		fr[k] = (struct frame){ own_depth(&im, &im.fns[k]), -1, -1 };
	for (size_t k = 0; k < im.nfns; k++) {
		struct vc_stack_chain ch = { 0 };

		if (!im.fns[k].program)
			continue;
		deepest(&im, fr, (int32_t)k, 0);
		ch.prog = im.fns[k].name;
		ch.total = (uint32_t)fr[k].best;
		for (int32_t f = (int32_t)k; f >= 0 && ch.n < VC_MAX_FRAMES; f = fr[f].next) {
			ch.fn[ch.n] = im.fns[f].name;
			ch.depth[ch.n++] = fr[f].depth;
		}
		each(&ch, user);
	}
	free(fr);
	vc_image_close(&im);
	return 0;
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
