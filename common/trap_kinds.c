/*
 * trap_kinds.c — lookups over trap_kinds.def.
 */
#include "trap_kinds.h"

#include <stddef.h>

const char *w2b_trap_message(unsigned code)
{
	switch (code) {
#define X(id, c, msg) case c: return msg;
#include "trap_kinds.def"
#undef X
	}
	return NULL;
}

const char *w2b_trap_id(unsigned code)
{
	switch (code) {
	case W2B_TRAP_UNREACHABLE: return "unreachable";
	case W2B_TRAP_DIV_ZERO: return "div_zero";
	case W2B_TRAP_INT_OVERFLOW: return "int_overflow";
	case W2B_TRAP_OOB_MEMORY: return "oob_memory";
	case W2B_TRAP_LOOP_LIMIT: return "loop_limit";
	case W2B_TRAP_INTERNAL: return "internal";
	case W2B_TRAP_UNALIGNED_ATOMIC: return "unaligned_atomic";
	}
	return NULL;
}
