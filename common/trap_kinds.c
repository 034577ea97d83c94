/*
 * trap_kinds.c — lookups over trap_kinds.def.
 */
#include "trap_kinds.h"

#include <stddef.h>

const char *w2b_trap_message(unsigned code)
{
	switch (code) {
#define X(id, c, name, msg) case c: return msg;
#include "trap_kinds.def"
#undef X
	}
	return NULL;
}

const char *w2b_trap_id(unsigned code)
{
	switch (code) {
#define X(id, c, name, msg) case c: return name;
#include "trap_kinds.def"
#undef X
	}
	return NULL;
}
