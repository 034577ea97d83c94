/*
 * trap_kinds.h — trap codes shared by the passes, the backend and the runner.
 */
#ifndef W2B_COMMON_TRAP_KINDS_H
#define W2B_COMMON_TRAP_KINDS_H

enum w2b_trap_kind {
	W2B_TRAP_NONE = 0,
#define X(id, code, name, msg) W2B_TRAP_##id = code,
#include "trap_kinds.def"
#undef X
	W2B_TRAP_MAX
};

/* The message for a trap code, or NULL for an unknown code. */
const char *w2b_trap_message(unsigned code);
/* The short identifier ("div_zero") used in IR text and stats. */
const char *w2b_trap_id(unsigned code);

#endif
