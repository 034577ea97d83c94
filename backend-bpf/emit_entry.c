/*
 * emit_entry.c — the program wrappers: what the kernel calls.
 *
 * A Wasm function cannot be a BPF program as it is: it needs the env (the
 * per-CPU instance state), its parameters come from the program's context,
 * and a trap must end the program with the section's trap action. So each
 * entry becomes a global function in its SEC() section that:
 *
 *   1. looks up the env, key 0 of the PREFIX_env per-CPU array, once; a
 *      failed lookup cannot happen for a map of one entry, but the verifier
 *      insists on the NULL check, and it is reported as INTERNAL. The
 *      memory is in it (a memory in blocks: its hot block, emit_memory.c);
 *   1b. on the first run on this CPU (env->initialized == 0) sets the
 *      instance up: the data segments into the memory (emit_module.c's
 *      plan: constant stores, or a loop from .rodata whose verification
 *      cost does not grow with the data), the mutable globals to their
 *      initial values, runs the start function if there is one (a trap
 *      there is reported as the run's, and leaves the instance
 *      uninitialised), then initialized = 1. Both maps start zeroed, so
 *      zeros are never written. The loop is be_span_loop()'s, in the
 *      target kernel's form; nothing GPL-only, so the initialisation
 *      works under any --license;
 *   2. clears env->trap, so the trap checks after calls see only this run,
 *      and fills env->fuel, the loop iterations the run may make;
 *   3. unpacks the parameters and calls the Wasm function;
 *   4. if env->trap is set, reports the trap: one more in
 *      PREFIX_traps[code] (per-CPU, so a plain add), the code in the
 *      status word (syscall), and returns the section's trap action
 *      (ir_prog_info[kind].trap_action: XDP_ABORTED, TC_ACT_SHOT, ...);
 *   5. otherwise writes the results and status 0 (syscall), or returns
 *      the function's i32 result (packet entries; for cgroup_skb, whose
 *      verifier accepts only 0 and 1 as a return value, result != 0:
 *      any non-zero result allows the packet).
 *
 * `syscall` context (common/abi.h): u32 status at 0, then u64 slots from
 * offset 8, parameters then results; an i32 is the low half of its slot
 * (trunc on the way in, zext on the way out). The context of a syscall
 * program is plain memory the kernel copies in and out; every access here
 * is aligned to its size, which is what the verifier checks. Whether the
 * caller's buffer is large enough is checked by the kernel at test-run time
 * (ctx_size_in against the highest offset the program touches), so the
 * program carries no size check.
 *
 * Packet entries (ir_prog_info[kind].packet) call `i32 f(i32 pkt, i32 len)`
 * with pkt = IR_PACKET_BASE and len = data_end - data, the packet's two
 * pointers read from the context: struct xdp_md's u32 data and data_end
 * for XDP, struct __sk_buff's for TC and cgroup_skb. The verifier rewrites
 * those u32 context loads into loads of the kernel pointers and types the
 * registers PTR_TO_PACKET and PTR_TO_PACKET_END, so they must be loads
 * from the context itself (ctx_at()), zero-extended and used as pointers.
 * If f needs the packet (ir_func.packet) they are stored in a
 * struct w2b_packet on this stack and f gets its address (emit_packet.c).
 * The length is a 64-bit pointer difference, hidden behind be_opaque()
 * before it is truncated: LLVM would otherwise compute it in 32 bits
 * (the high halves of zext(u32) loads are known zero), an ALU32
 * operation on pointers that the verifier refuses. A pointer difference
 * needs CAP_PERFMON at load time (root has it).
 *
 * A TC skb need not be linear: on real traffic the payload is often in
 * fragments that data..data_end does not cover (facts §9, where a policy
 * saw too few bytes), while a test run's packet always is linear. So TC
 * entries first call bpf_skb_pull_data(skb, skb->len), which makes all of
 * it linear, and read data and data_end after it (the helper invalidates
 * packet pointers taken before). If the pull fails (no memory) the packet
 * is what is linear, and len says so. cgroup_skb programs may not call
 * it: their len is skb->len, and a read past the linear part is a
 * bpf_skb_load_bytes copy (emit_packet.c).
 *
 * Socket filters have no direct packet access at all: len is skb->len,
 * and the functions get the skb itself in the struct's third field, to
 * read the packet with bpf_skb_load_bytes (emit_packet.c).
 */
#include "backend-bpf/emit.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
/* struct pt_regs as kprobes see it: the x86-64 layout, which user
 * space's asm/ptrace.h has (rdi, rsi, ... for the kernel's di, si) */
#if !defined(__x86_64__)
#error "kprobe/uprobe entries read x86-64 pt_regs: port param_offset() first"
#endif
#include <asm/ptrace.h>

#include "common/abi.h"
#include "common/trap_kinds.h"

struct wrapper {
	struct be_ctx *cx;
	LLVMValueRef fn, ctx;
	LLVMBuilderRef alloca_b;	/* at the end of the entry block */
	const struct ir_entry *e;
};

static bool is_cgroup_skb(unsigned kind)
{
	return kind == IR_PROG_CGROUP_SKB_INGRESS || kind == IR_PROG_CGROUP_SKB_EGRESS;
}

bool be_packet_ctx(enum ir_prog_kind kind, struct be_packet_ctx *pc)
{
	switch (kind) {
	case IR_PROG_XDP:
		*pc = (struct be_packet_ctx){ offsetof(struct xdp_md, data),
					   offsetof(struct xdp_md, data_end), false };
		return true;
	case IR_PROG_TC:
	case IR_PROG_TC_CLASSIFIER:
	case IR_PROG_TCX_INGRESS:
	case IR_PROG_TCX_EGRESS:
	case IR_PROG_CGROUP_SKB_INGRESS:
	case IR_PROG_CGROUP_SKB_EGRESS:
		*pc = (struct be_packet_ctx){ offsetof(struct __sk_buff, data),
					   offsetof(struct __sk_buff, data_end),
					   !is_cgroup_skb(kind) };
		return true;
	case IR_PROG_SOCKET:
		/* no data/data_end: reads are copies (emit_packet.c) */
		*pc = (struct be_packet_ctx){ 0, 0, false };
		return true;
	case IR_PROG_SYSCALL:
	case IR_PROG_RAW_TP:
	case IR_PROG_RAW_TRACEPOINT:
	case IR_PROG_TP_BTF:
	case IR_PROG_FENTRY:
	case IR_PROG_FEXIT:
	case IR_PROG_KPROBE:
	case IR_PROG_UPROBE:
	case IR_PROG_KRETPROBE:
	case IR_PROG_URETPROBE:
	case IR_PROG_TRACEPOINT:
	case IR_PROG_LSM:
	case IR_PROG_PERF_EVENT:
	case IR_PROG_COUNT:
		break;
	}
	return false;
}

/* Where parameter i of a non-packet entry is in its context: the
 * syscall ABI's u64 slots (common/abi.h), the traced function's u64
 * arguments (raw_tp, tp_btf, fentry, fexit: the context is an array of
 * them), or the probed function's argument registers in pt_regs
 * (kprobe, uprobe; x86-64's calling convention). */
static unsigned param_offset(unsigned kind, uint32_t i)
{
	static const unsigned regs[] = {
		offsetof(struct pt_regs, rdi), offsetof(struct pt_regs, rsi),
		offsetof(struct pt_regs, rdx), offsetof(struct pt_regs, rcx),
		offsetof(struct pt_regs, r8),
	};

	switch (ir_prog_info[kind].params) {
	case IR_PARAMS_ARGS:
	case IR_PARAMS_ARGS0:
	case IR_PARAMS_VERDICT:
		return 8 * i;
	case IR_PARAMS_REGS:
		return i < sizeof(regs) / sizeof(regs[0]) ? regs[i] : 0;
	case IR_PARAMS_RET:
		return offsetof(struct pt_regs, rax);
	default:
		return W2B_SYSCALL_CTX_SLOTS + 8 * i;
	}
}

static LLVMBasicBlockRef block(struct wrapper *w, const char *name)
{
	return LLVMAppendBasicBlockInContext(w->cx->C, w->fn, name);
}

/* Pointer to byte `off` of the context. The verifier accepts a context
 * access only as `*(base + constant)` on the unmodified context pointer,
 * but LLVM, seeing two loads from ctx+16 and ctx+24 selected between, will
 * happily load from a select of the two addresses. Each access therefore
 * goes through llvm.preserve.static.offset, what clang emits for a struct
 * with __attribute__((preserve_static_offset)) (as the kernel's ctx structs
 * are in vmlinux.h): the BPF IR passes hide such accesses from the
 * optimiser and put them back as base+offset loads and stores. */
LLVMValueRef be_ctx_ptr(struct be_ctx *cx, LLVMValueRef ctx, unsigned off)
{
	unsigned id = LLVMLookupIntrinsicID("llvm.preserve.static.offset", 27);
	LLVMValueRef fn = LLVMGetIntrinsicDeclaration(cx->M, id, NULL, 0);
	LLVMValueRef ix = LLVMConstInt(cx->t_i64, off, 0);
	LLVMValueRef base = LLVMBuildCall2(cx->B, LLVMIntrinsicGetType(cx->C, id, NULL, 0),
					   fn, &ctx, 1, "");

	return LLVMBuildInBoundsGEP2(cx->B, cx->t_i8, base, &ix, 1, "");
}

static LLVMValueRef ctx_at(struct wrapper *w, unsigned off)
{
	return be_ctx_ptr(w->cx, w->ctx, off);
}

/* bpf_map_lookup_elem(map, &key) with a u32 key on the stack (a slot
 * made by alloca_b). */
static LLVMValueRef lookup_in(struct be_ctx *cx, LLVMBuilderRef alloca_b, LLVMValueRef map,
			      LLVMValueRef key)
{
	LLVMValueRef slot = LLVMBuildAlloca(alloca_b, cx->t_i32, "key");

	LLVMSetAlignment(slot, 4);
	return be_map_lookup(cx, map, slot, key);
}

static LLVMValueRef lookup(struct wrapper *w, LLVMValueRef map, LLVMValueRef key)
{
	return lookup_in(w->cx, w->alloca_b, map, key);
}

/* Stores the constant bytes[0, len) at mem + off (off 8-aligned), as u64
 * stores and 4/2/1-byte ones for the end; zero pieces are skipped (the
 * memory starts zeroed). */
static void store_bytes(struct be_ctx *cx, LLVMValueRef mem, uint64_t off,
			const uint8_t *bytes, uint64_t len)
{
	uint64_t i = 0;

	while (i < len) {
		unsigned w = len - i >= 8 ? 8 : len - i >= 4 ? 4 : len - i >= 2 ? 2 : 1;
		uint64_t v = 0;

		for (unsigned k = 0; k < w; k++)
			v |= (uint64_t)bytes[i + k] << (8 * k);
		if (v) {
			LLVMTypeRef ty = LLVMIntTypeInContext(cx->C, 8 * w);
			LLVMValueRef ix = LLVMConstInt(cx->t_i64, off + i, 0);
			LLVMValueRef p = LLVMBuildInBoundsGEP2(cx->B, cx->t_i8, mem, &ix, 1, "");

			LLVMSetAlignment(LLVMBuildStore(cx->B, LLVMConstInt(ty, v, 0), p), w);
		}
		i += w;
	}
}

static void report_trap(struct wrapper *w, LLVMValueRef code);
static LLVMValueRef lookup_or_trap(struct wrapper *w, LLVMValueRef v);
static LLVMValueRef trap_code(struct be_ctx *cx, LLVMValueRef word);

/* 2. what a run starts from: no trap yet, and its loop fuel. Before the
 * start function (1b) and before the entry's own function. */
static void begin_run(struct be_ctx *cx, LLVMValueRef env)
{
	be_store(cx, LLVMConstInt(cx->t_i64, 0, 0), be_env_slot(cx, env, BE_ENV_TRAP, 0));
	if (cx->env_field[BE_ENV_FUEL] >= 0)
		be_store(cx, LLVMConstInt(cx->t_i64, cx->max_loop_iters, 0),
			 be_env_slot(cx, env, BE_ENV_FUEL, 0));
}

/* 1b. if (!env->initialized) { data; globals; start(); env->initialized = 1; } */
static int init_instance(struct wrapper *w, LLVMValueRef env, LLVMValueRef mem)
{
	struct be_ctx *cx = w->cx;
	const struct ir_module *m = cx->m;
	LLVMBasicBlockRef init = block(w, "init"), cont = block(w, "ready");
	LLVMValueRef flag = be_env_slot(cx, env, BE_ENV_INIT, 0), slot = NULL;

	LLVMBuildCondBr(cx->B, LLVMBuildICmp(cx->B, LLVMIntEQ, be_load(cx, cx->t_i64, flag),
					     LLVMConstNull(cx->t_i64), ""), init, cont);
	LLVMPositionBuilderAtEnd(cx->B, init);
	for (uint32_t k = 0; k < cx->nchunks; k++) {
		const struct be_chunk *c = &cx->chunks[k];
		uint64_t at = c->mem_off, end = (uint64_t)c->mem_off + c->size;

		/* a memory in blocks: the chunk's piece in each block it
		 * covers (a piece starts 8-aligned: blocks are) */
		while (at < end) {
			uint64_t blk = 0, in = at, size = cx->mem_size;
			uint64_t piece = end - at, n8;
			const uint8_t *bytes = c->bytes + (at - c->mem_off);
			LLVMValueRef dst = mem;
			struct be_span sp;

			if (cx->mem_in_map) {
				/* block blk, `in` bytes into it */
				blk = (at + cx->mem_phase) / BE_MEM_BLOCK;
				in = (at + cx->mem_phase) % BE_MEM_BLOCK;
				size = cx->mem_block;
				if (piece > size - in)
					piece = size - in;
				if (blk != ((uint64_t)cx->mem_hot + cx->mem_phase) / BE_MEM_BLOCK)
					dst = lookup_or_trap(w, lookup(w, cx->mem_map,
						LLVMConstInt(cx->t_i32, be_block_key(cx, (uint32_t)blk), 0)));
			}
			n8 = c->ro_off == UINT64_MAX ? 0 : piece / 8;
			if (n8) {
				sp = (struct be_span){
					.dbase = dst, .dsize = size,
					.sbase = cx->data_blob, .ssize = cx->data_blob_size,
					.d = LLVMConstInt(cx->t_i64, in, 0),
					.s = LLVMConstInt(cx->t_i64, c->ro_off + (at - c->mem_off), 0),
					.cnt = LLVMConstInt(cx->t_i64, n8, 0), .w = 8,
				};
				if (be_span_loop(cx, w->alloca_b, &slot, &sp))
					return -EINVAL;
			}
			store_bytes(cx, dst, in + 8 * n8, bytes + 8 * n8, piece - 8 * n8);
			at += piece;
		}
	}
	for (uint32_t k = 0; k < m->nglobals; k++)
		if (m->globals[k].mutable_ && m->globals[k].init && cx->global_read[k])
			be_store(cx, LLVMConstInt(cx->t_i64, (unsigned long long)m->globals[k].init, 0),
				 be_env_slot(cx, env, BE_ENV_GLOBALS, cx->global_slot[k]));
	if (m->has_start) {
		/* The start function, with a run's trap state: if it traps,
		 * the run reports the trap as an entry's and the instance
		 * stays uninitialised, so every run tries again (Wasm: the
		 * instantiation failed). It gets no packet: it runs before
		 * any entry's code, whatever the entry. */
		LLVMBasicBlockRef trapped = block(w, "start.trapped"), ok = block(w, "start.done");
		LLVMValueRef t;

		if (m->funcs[m->start].packet) {
			diag_report(cx->d, DIAG_ERROR, &(struct diag_loc){ m->start_offset,
				    m->funcs[m->start].wasm_index, m->funcs[m->start].name, NULL },
				    "the start function uses the packet or the program's context (an "
				    "address that may be the packet's, a ctx field, or a helper that "
				    "takes the context): it runs before any entry, with neither");
			return -EINVAL;
		}
		begin_run(cx, env);
		be_build_call(cx, w->alloca_b, env, NULL, m->start, NULL, NULL);
		t = be_load(cx, cx->t_i64, be_env_slot(cx, env, BE_ENV_TRAP, 0));
		LLVMBuildCondBr(cx->B, LLVMBuildICmp(cx->B, LLVMIntNE, t, LLVMConstNull(cx->t_i64), ""),
				trapped, ok);
		LLVMPositionBuilderAtEnd(cx->B, trapped);
		report_trap(w, trap_code(cx, t));
		LLVMPositionBuilderAtEnd(cx->B, ok);
	}
	be_store(cx, LLVMConstInt(cx->t_i64, 1, 0), flag);
	LLVMBuildBr(cx->B, cont);
	LLVMPositionBuilderAtEnd(cx->B, cont);
	return 0;
}

/* The code in env->trap (W2B_TRAP_WORD: where it trapped is above it). */
static LLVMValueRef trap_code(struct be_ctx *cx, LLVMValueRef word)
{
	return LLVMBuildTrunc(cx->B, LLVMBuildAnd(cx->B, word, LLVMConstInt(cx->t_i64, 0xff, 0), ""),
			      cx->t_i32, "");
}

/* [status = code;] PREFIX_traps[code]++; return the trap action. */
static void report_trap(struct wrapper *w, LLVMValueRef code)
{
	struct be_ctx *cx = w->cx;
	LLVMBasicBlockRef inc = block(w, "count"), done = block(w, "report");
	LLVMValueRef n;

	if (w->e->kind == IR_PROG_SYSCALL)
		be_store(cx, code, ctx_at(w, W2B_SYSCALL_CTX_STATUS));
	n = lookup(w, cx->stats_map, code);
	LLVMBuildCondBr(cx->B, LLVMBuildIsNull(cx->B, n, ""), done, inc);
	LLVMPositionBuilderAtEnd(cx->B, inc);
	be_store(cx, LLVMBuildAdd(cx->B, be_load(cx, cx->t_i64, n),
				  LLVMConstInt(cx->t_i64, 1, 0), ""), n);
	LLVMBuildBr(cx->B, done);
	LLVMPositionBuilderAtEnd(cx->B, done);
	LLVMBuildRet(cx->B, LLVMConstInt(cx->t_i32,
					 (unsigned long long)ir_prog_info[w->e->kind].trap_action, 1));
}

/* v, a lookup's result, or (never expected) a trap with code 6 ("instance
 * state unavailable") when there is none; continues after it. */
static LLVMValueRef lookup_or_trap(struct wrapper *w, LLVMValueRef v)
{
	struct be_ctx *cx = w->cx;
	LLVMBasicBlockRef ok = block(w, "found"), missing = block(w, "missing");

	LLVMBuildCondBr(cx->B, LLVMBuildIsNull(cx->B, v, ""), missing, ok);
	LLVMPositionBuilderAtEnd(cx->B, missing);
	report_trap(w, LLVMConstInt(cx->t_i32, W2B_TRAP_INTERNAL, 0));
	LLVMPositionBuilderAtEnd(cx->B, ok);
	return v;
}

/* A u32 context field holding a packet pointer, as the pointer: the
 * 32-bit load written out as inline asm, `rX = *(u32 *)(ctx + off)`,
 * whose result is the 64-bit register. As IR (a u32 load, zext,
 * inttoptr), LLVM's -O0 instruction selector may emit the zext as a
 * 32-bit move of the loaded register, and the verifier, which made that
 * register a packet pointer, sees the move's result as a plain number
 * ("pointer arithmetic on pkt_end prohibited"). Side effects keep it
 * after bpf_skb_pull_data. */
LLVMValueRef be_packet_field(struct be_ctx *cx, LLVMValueRef ctx, unsigned off)
{
	LLVMTypeRef fty = LLVMFunctionType(cx->t_i64, &cx->t_ptr, 1, 0);
	char text[48];
	LLVMValueRef as, v;

	snprintf(text, sizeof(text), "$0 = *(u32 *)($1 + %u)", off);
	as = LLVMGetInlineAsm(fty, text, strlen(text), "=r,r", 4, 1, 0, LLVMInlineAsmDialectATT, 0);
	v = LLVMBuildCall2(cx->B, fty, as, &ctx, 1, "");
	return LLVMBuildIntToPtr(cx->B, v, cx->t_ptr, "");
}

/* A struct w2b_packet { data; data_end; ctx; } on the stack (emit_packet.c),
 * with the fields given stored; a NULL one is left unset. */
static LLVMValueRef packet_struct(struct be_ctx *cx, LLVMBuilderRef alloca_b, LLVMValueRef data,
				  LLVMValueRef end, LLVMValueRef ctx)
{
	LLVMTypeRef ty = be_packet_type(cx);
	LLVMValueRef slot = LLVMBuildAlloca(alloca_b, ty, "packet"), fields[3] = { data, end, ctx };

	LLVMSetAlignment(slot, 8);
	for (unsigned k = 0; k < 3; k++)
		if (fields[k])
			LLVMSetAlignment(LLVMBuildStore(cx->B, fields[k],
							LLVMBuildStructGEP2(cx->B, ty, slot, k, "")), 8);
	return slot;
}

/* A packet entry's arguments: args[0] = pkt, args[1] = len; *pkt_arg the
 * struct w2b_packet pointer when f needs the packet. */
static void packet_args(struct wrapper *w, const struct ir_func *f, LLVMValueRef *args,
			LLVMValueRef *pkt_arg)
{
	struct be_ctx *cx = w->cx;
	struct be_packet_ctx pc = { 0, 0, false };
	LLVMValueRef data, end, len;

	be_packet_ctx((enum ir_prog_kind)w->e->kind, &pc);
	if (ir_prog_info[w->e->kind].load_bytes) {
		/* a socket filter: len is skb->len, the functions get the skb */
		args[0] = LLVMConstInt(cx->t_i32, IR_PACKET_BASE, 0);
		args[1] = be_load(cx, cx->t_i32, ctx_at(w, offsetof(struct __sk_buff, len)));
		*pkt_arg = f->packet ? packet_struct(cx, w->alloca_b, NULL, NULL, w->ctx) : NULL;
		return;
	}
	if (pc.pull) {
		/* bpf_skb_pull_data(skb, skb->len) */
		LLVMTypeRef pt[2] = { cx->t_ptr, cx->t_i64 };
		LLVMValueRef a[2] = {
			w->ctx,
			LLVMBuildZExt(cx->B, be_load(cx, cx->t_i32,
						     ctx_at(w, offsetof(struct __sk_buff, len))),
				      cx->t_i64, ""),
		};

		be_call_helper(cx, BE_HELPER_SKB_PULL_DATA, LLVMFunctionType(cx->t_i64, pt, 2, 0),
			       a, 2);
	}
	data = be_packet_field(cx, w->ctx, pc.data);
	end = be_packet_field(cx, w->ctx, pc.data_end);
	args[0] = LLVMConstInt(cx->t_i32, IR_PACKET_BASE, 0);
	if (ir_prog_info[w->e->kind].beyond_linear) {
		/* cgroup_skb: the whole skb, fragments included */
		args[1] = be_load(cx, cx->t_i32, ctx_at(w, offsetof(struct __sk_buff, len)));
	} else {
		len = be_opaque(cx, LLVMBuildSub(cx->B, LLVMBuildPtrToInt(cx->B, end, cx->t_i64, ""),
						 LLVMBuildPtrToInt(cx->B, data, cx->t_i64, ""), ""));
		args[1] = LLVMBuildTrunc(cx->B, len, cx->t_i32, "");
	}
	/* the context, for context fields (ctx.NAME imports), helpers that
	 * take it, and cgroup_skb's reads past the linear part */
	*pkt_arg = !f->packet ? NULL :
		   packet_struct(cx, w->alloca_b, data, end,
				 f->ctx || ir_prog_info[w->e->kind].beyond_linear ? w->ctx : NULL);
}

/* An entry's function has the type its program kind calls it with, and
 * uses the packet only if it has one; 0, or -EINVAL (reported). */
static int check_entry(struct be_ctx *cx, const struct ir_entry *e)
{
	const struct ir_module *m = cx->m;
	const char *name = e->export_name ? e->export_name : "?";
	const struct ir_func *f;
	struct be_packet_ctx pc;

	if (e->kind >= IR_PROG_COUNT || e->func >= m->nfuncs || !cx->fns[e->func] ||
	    !e->symbol || !*e->symbol) {
		diag_ice(cx->d, "entry '%s': not a program of a reachable function", name);
		return -EINVAL;
	}
	f = &m->funcs[e->func];
	if (!be_packet_ctx((enum ir_prog_kind)e->kind, &pc)) {
		/* f->packet: the context only (ir_lower_memory() refused
		 * packet accesses) */
		return 0;
	}
	if (f->nparams != 2 || f->local_types[0] != IR_I32 || f->local_types[1] != IR_I32 ||
	    f->nresults != 1 || f->results[0] != IR_I32) {
		diag_ice(cx->d, "entry '%s' in section '%s' is not (i32 pkt, i32 len) -> i32",
			 name, e->section ? e->section : "?");
		return -EINVAL;
	}
	return 0;
}

int be_emit_entry(struct be_ctx *cx, const struct ir_entry *e)
{
	const struct ir_module *m = cx->m;
	const struct ir_func *f;
	struct wrapper w = { cx, NULL, NULL, NULL, e };
	static const char *const names[] = { "ctx" };
	LLVMTypeRef pt = cx->t_ptr;
	LLVMBasicBlockRef entry, start, trapped, done;
	LLVMValueRef env, mem = NULL, pkt = NULL, *args, *res, t;
	bool packet;
	uint32_t np, nr;
	int err;

	if ((err = check_entry(cx, e)))
		return err;
	if (LLVMGetNamedFunction(cx->M, e->symbol) || LLVMGetNamedGlobal(cx->M, e->symbol)) {
		diag_ice(cx->d, "entry '%s': symbol '%s' is defined twice",
			 e->export_name ? e->export_name : "?", e->symbol);
		return -EINVAL;
	}
	f = &m->funcs[e->func];
	packet = ir_prog_info[e->kind].packet;
	np = f->nparams;
	nr = f->nresults;
	args = calloc(np + 1, sizeof(*args));
	res = calloc(nr + 1, sizeof(*res));
	if (!args || !res) {
		free(args);
		free(res);
		diag_ice(cx->d, "out of memory");
		return -ENOMEM;
	}

	w.fn = LLVMAddFunction(cx->M, e->symbol, LLVMFunctionType(cx->t_i32, &pt, 1, 0));
	LLVMSetSection(w.fn, e->section ? e->section : ir_prog_info[e->kind].section);
	be_fn_attr(cx, w.fn, "nounwind");
	be_di_func(cx, w.fn, e->symbol, f->offset, false, true, cx->di_int, names,
		   &cx->di_voidp, 1);
	w.ctx = LLVMGetParam(w.fn, 0);
	entry = block(&w, "entry");
	start = block(&w, "start");
	w.alloca_b = LLVMCreateBuilderInContext(cx->C);
	LLVMPositionBuilderAtEnd(w.alloca_b, entry);
	LLVMPositionBuilderAtEnd(cx->B, start);
	be_di_set_loc(cx, LLVMGetSubprogram(w.fn), f->offset);
	LLVMSetCurrentDebugLocation2(w.alloca_b, LLVMGetCurrentDebugLocation2(cx->B));

	/* 1. the env */
	env = lookup_or_trap(&w, lookup(&w, cx->env_map, LLVMConstInt(cx->t_i32, 0, 0)));
	if (cx->mem_size)
		mem = be_env_slot(cx, env, BE_ENV_MEMORY, 0);
	if (cx->need_init && init_instance(&w, env, mem)) {
		LLVMDisposeBuilder(w.alloca_b);
		free(args);
		free(res);
		return -EINVAL;
	}

	/* 2., 3. */
	begin_run(cx, env);
	if (packet) {
		packet_args(&w, f, args, &pkt);
	} else {
		for (uint32_t i = 0; i < np; i++) {
			LLVMValueRef v;

			if (ir_prog_info[e->kind].params == IR_PARAMS_CTX) {
				/* the context pointer itself, as a number */
				args[i] = be_from_u64(cx, LLVMBuildPtrToInt(cx->B, w.ctx, cx->t_i64, ""),
						      be_type(cx, f->local_types[i]));
				continue;
			}
			v = be_load(cx, cx->t_i64, ctx_at(&w, param_offset(e->kind, i)));

			/* Volatile: after the BPF passes restore these as plain
			 * loads, SelectionDAG would turn select(c, load a, load b)
			 * into load(select(c, a, b)), a modified ctx pointer
			 * again. */
			LLVMSetVolatile(v, 1);
			args[i] = be_from_u64(cx, v, be_type(cx, f->local_types[i]));
		}
	}
	if (!packet && f->packet) {
		/* a program without a packet whose code passes its context
		 * to helpers: the struct carries the context alone */
		LLVMValueRef none = LLVMConstNull(cx->t_ptr);

		pkt = packet_struct(cx, w.alloca_b, none, none, w.ctx);
	}
	be_build_call(cx, w.alloca_b, env, pkt, e->func, args, res);

	/* 4. */
	t = be_load(cx, cx->t_i64, be_env_slot(cx, env, BE_ENV_TRAP, 0));
	trapped = block(&w, "trapped");
	done = block(&w, "done");
	LLVMBuildCondBr(cx->B, LLVMBuildICmp(cx->B, LLVMIntNE, t, LLVMConstNull(cx->t_i64), ""),
			trapped, done);
	LLVMPositionBuilderAtEnd(cx->B, trapped);
	report_trap(&w, trap_code(cx, t));

	/* 5. */
	LLVMPositionBuilderAtEnd(cx->B, done);
	if (ir_prog_info[e->kind].params == IR_PARAMS_VERDICT) {
		/* an LSM verdict: 0 or -errno, anything else -EPERM */
		LLVMValueRef r = nr ? res[0] : LLVMConstInt(cx->t_i32, (unsigned long long)-1, 1);
		LLVMValueRef ok = LLVMBuildICmp(cx->B, LLVMIntUGE, r,
						LLVMConstInt(cx->t_i32, (unsigned long long)-4095, 1), "");

		ok = LLVMBuildOr(cx->B, ok, LLVMBuildICmp(cx->B, LLVMIntEQ, r,
							   LLVMConstNull(cx->t_i32), ""), "");
		LLVMBuildRet(cx->B, LLVMBuildSelect(cx->B, ok, r,
						    LLVMConstInt(cx->t_i32, (unsigned long long)-1, 1), ""));
	} else if (ir_prog_info[e->kind].params == IR_PARAMS_ARGS0) {
		/* fentry, fexit, tp_btf: the kernel accepts only 0 */
		LLVMBuildRet(cx->B, LLVMConstNull(cx->t_i32));
	} else if (ir_prog_info[e->kind].params == IR_PARAMS_ARGS ||
		   ir_prog_info[e->kind].params == IR_PARAMS_REGS ||
		   ir_prog_info[e->kind].params == IR_PARAMS_RET ||
		   ir_prog_info[e->kind].params == IR_PARAMS_CTX) {
		LLVMBuildRet(cx->B, nr ? res[0] : LLVMConstNull(cx->t_i32));
	} else if (packet && is_cgroup_skb(e->kind)) {
		/* the verifier insists on 0 or 1 */
		LLVMBuildRet(cx->B, LLVMBuildZExt(cx->B, LLVMBuildICmp(cx->B, LLVMIntNE, res[0],
								     LLVMConstNull(cx->t_i32), ""),
						  cx->t_i32, ""));
	} else if (packet) {
		LLVMBuildRet(cx->B, res[0]);
	} else {
		for (uint32_t k = 0; k < nr; k++)
			be_store(cx, be_to_u64(cx, res[k]),
				 ctx_at(&w, W2B_SYSCALL_CTX_SLOTS + 8 * (np + k)));
		be_store(cx, LLVMConstInt(cx->t_i32, 0, 0), ctx_at(&w, W2B_SYSCALL_CTX_STATUS));
		LLVMBuildRet(cx->B, LLVMConstInt(cx->t_i32, 0, 0));
	}

	LLVMBuildBr(w.alloca_b, start);
	LLVMDisposeBuilder(w.alloca_b);
	free(args);
	free(res);
	return 0;
}

/* not_null(v) or branch to missing; continues after the test. */
static void found_or(struct be_fn *fs, LLVMValueRef v, LLVMBasicBlockRef missing)
{
	struct be_ctx *cx = fs->cx;
	LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(cx->C, fs->fn, "found");

	LLVMBuildCondBr(cx->B, LLVMBuildIsNull(cx->B, v, ""), missing, ok);
	LLVMPositionBuilderAtEnd(cx->B, ok);
}

void be_refind_run(struct be_fn *fs, LLVMValueRef ctx, LLVMBasicBlockRef missing)
{
	struct be_ctx *cx = fs->cx;
	const struct ir_func *f = fs->f;
	struct be_packet_ctx pc = { 0, 0, false };
	LLVMValueRef data = NULL, end = NULL;

	fs->env = lookup_in(cx, fs->alloca_b, cx->env_map, LLVMConstInt(cx->t_i32, 0, 0));
	found_or(fs, fs->env, missing);
	fs->mem = NULL;
	if (cx->mem_size)
		fs->mem = be_env_slot(cx, fs->env, BE_ENV_MEMORY, 0);
	/* the packet as the entry passed it (packet_args()): a TC skb was
	 * pulled linear there already */
	if (!be_packet_ctx((enum ir_prog_kind)f->entry_kind, &pc)) {
		/* no packet: the context alone */
		data = end = LLVMConstNull(cx->t_ptr);
	} else if (!f->load_bytes) {
		data = be_packet_field(cx, ctx, pc.data);
		end = be_packet_field(cx, ctx, pc.data_end);
	}
	fs->pkt = packet_struct(cx, fs->alloca_b, data, end, ctx);
}
