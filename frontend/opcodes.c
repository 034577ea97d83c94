/*
 * opcodes.c — the opcode table (opcodes.def) as data, and the reasons the
 * subset check gives for each class of instruction it refuses.
 */
#include "wasm_module.h"

const struct fe_opinfo fe_opinfo[FE_OP_COUNT] = {
#define X(id, name, prefix, code, imm, support, type) \
	[FE_OP_##id] = { name, prefix, code, FE_IMM_##imm, FE_SUPPORT_##support, type },
#include "opcodes.def"
#undef X
};

const char *fe_support_family(enum fe_support s)
{
	switch (s) {
	case FE_SUPPORT_SIMD: return "SIMD (0xfd) instructions";
	case FE_SUPPORT_ATOMIC: return "memory.atomic.wait and notify";
	case FE_SUPPORT_MULTIMEM: return "memory instructions with an offset past 32 bits";
	default: return "instructions";
	}
}

const char *fe_support_reason(enum fe_support s)
{
	switch (s) {
	case FE_SUPPORT_OK: return "supported";
	case FE_SUPPORT_MULTIMEM: return "32-bit offsets only: no memory64";
	case FE_SUPPORT_FLOAT: return "eBPF has no floating point: compute in integers, e.g. fixed point (AssemblyScript: i32/u64 types, no f64 numbers or Math; C and Rust: no float or double)";
	case FE_SUPPORT_TABLE: return "a table may change only as its element segments set it: call_indirect dispatches over those";
	case FE_SUPPORT_TAIL: return "tail calls between Wasm functions are not implemented";
	case FE_SUPPORT_REF: return "reference types have no meaning in eBPF";
	case FE_SUPPORT_PASSIVE: return "passive data segments are not implemented";
	case FE_SUPPORT_SIMD: return "eBPF has no vector registers";
	case FE_SUPPORT_ATOMIC: return "a BPF program can neither block nor wake another";
	}
	return "not supported";
}
