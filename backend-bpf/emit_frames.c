/*
 * emit_frames.c — the kernel's limit of 8 stack frames, checked on the
 * code as it will be loaded.
 *
 * The kernel refuses a program whose calls nest deeper than 8 frames
 * (MAX_CALL_FRAMES), counting the program itself, every bpf-to-bpf call
 * and every bpf_loop() callback. How deep they nest is known only after
 * LLVM's inliner: rustc's iterator adapters are a dozen calls deep in the
 * module and one function after it, while each loop of the callback and
 * global-function lowerings is a frame the module does not show. So the check runs on the
 * optimised LLVM module: a defined function's frames are one more than
 * the most of any defined function it calls or whose address it passes (a
 * callback). The call graph is acyclic (ir_analyze_calls() refused
 * recursion); the walk keeps its own stack.
 *
 * When the inliner's choices leave a chain too deep (Rust's debug builds:
 * dozens of small functions a call deep each, never inlined by rustc),
 * emit_module.c inlines every Wasm function and checks again: then only
 * the loop bodies are frames.
 */
#include "backend-bpf/emit.h"

#include <errno.h>
#include <stdlib.h>

#define BE_MAX_CALL_FRAMES 8

struct fnode {
	LLVMValueRef fn;
	uint32_t depth;		/* 0: not known yet */
};

static int32_t index_of(const struct fnode *v, uint32_t n, LLVMValueRef fn)
{
	for (uint32_t k = 0; k < n; k++)
		if (v[k].fn == fn)
			return (int32_t)k;
	return -1;
}

/* The defined function value v is, or -1. */
static int32_t defined(const struct fnode *v, uint32_t n, LLVMValueRef x)
{
	if (!x || !LLVMIsAFunction(x) || !LLVMCountBasicBlocks(x))
		return -1;
	return index_of(v, n, x);
}

/* Calls fn(node, user) for every defined function f calls or passes. */
static void each_callee(const struct fnode *v, uint32_t n, LLVMValueRef f,
			void (*fn)(int32_t, void *), void *user)
{
	for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
		for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = LLVMGetNextInstruction(in)) {
			int nops = LLVMGetNumOperands(in);

			for (int k = 0; k < nops; k++) {
				int32_t c = defined(v, n, LLVMGetOperand(in, (unsigned)k));

				if (c >= 0)
					fn(c, user);
			}
		}
}

struct walk {
	struct fnode *v;
	uint32_t *stack, sp, cap;
	uint32_t best;		/* the deepest callee seen */
	bool pending;		/* a callee's depth is not known yet */
};

static void visit(int32_t c, void *user)
{
	struct walk *w = user;

	if (w->v[c].depth) {
		if (w->v[c].depth > w->best)
			w->best = w->v[c].depth;
		return;
	}
	w->pending = true;
	if (w->sp == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		w->stack = realloc(w->stack, w->cap * sizeof(*w->stack));
		if (!w->stack)
			abort();
	}
	w->stack[w->sp++] = (uint32_t)c;
}

int be_check_frames(struct be_ctx *cx, bool report, bool warn_only)
{
	const struct ir_module *m = cx->m;
	uint32_t n = 0;
	struct fnode *v;
	struct walk w = { 0 };
	int err = 0;

	for (LLVMValueRef f = LLVMGetFirstFunction(cx->M); f; f = LLVMGetNextFunction(f))
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = 0;
	for (LLVMValueRef f = LLVMGetFirstFunction(cx->M); f; f = LLVMGetNextFunction(f))
		v[n++].fn = f;
	w.v = v;
	for (uint32_t e = 0; e < m->nentries && !err; e++) {
		const struct ir_entry *en = &m->entries[e];
		int32_t root = defined(v, n, LLVMGetNamedFunction(cx->M, en->symbol));

		if (root < 0)
			continue;
		w.sp = 0;
		visit(root, &w);
		while (w.sp) {
			uint32_t f = w.stack[w.sp - 1], before = w.sp;

			if (v[f].depth) {
				w.sp--;
				continue;
			}
			w.best = 0;
			w.pending = false;
			each_callee(v, n, v[f].fn, visit, &w);
			if (!w.pending) {
				v[f].depth = w.best + 1;
				w.sp = before - 1;
			}
		}
		if (v[root].depth > BE_MAX_CALL_FRAMES && !report) {
			err = -E2BIG;
		} else if (v[root].depth > BE_MAX_CALL_FRAMES) {
			const struct ir_func *f = &m->funcs[en->func];

			diag_report(cx->d, warn_only ? DIAG_WARNING : DIAG_ERROR,
				    &(struct diag_loc){ f->offset, f->wasm_index, f->name, NULL },
				    "call chain too deep: entry '%s' needs %u stack frames with every "
				    "function inlined (each loop whose body is a function is one: a bpf_loop "
				    "callback, or a global function before 5.17), the kernel allows "
				    "%u; --target-kernel 6.4 or later makes loops iterators, which are no "
				    "frames, or nest fewer loops",
				    en->export_name, v[root].depth, BE_MAX_CALL_FRAMES);
			if (!warn_only)
				err = -EINVAL;
		}
	}
	free(w.stack);
	free(v);
	return err;
}
