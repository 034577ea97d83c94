/*
 * section.h — how a program's ELF section name matches a row of
 * common/program_types.def: the row's whole name ("xdp"), or, for a row
 * ending in '/' ("tp_btf/"), that prefix and what the program attaches
 * to after it ("tp_btf/sched_switch"), as libbpf reads SEC() names.
 */
#ifndef W2B_COMMON_SECTION_H
#define W2B_COMMON_SECTION_H

#include <stdbool.h>

/* Is the row a prefix (ending in '/')? */
bool w2b_section_is_prefix(const char *row);
/* Does section name `section` belong to the row? */
bool w2b_section_matches(const char *row, const char *section);

#endif
