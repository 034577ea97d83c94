/*
 * section.c — program section names against program_types.def's rows
 * (section.h).
 */
#include "common/section.h"

#include <string.h>

bool w2b_section_is_prefix(const char *row)
{
	size_t n = strlen(row);

	return n && row[n - 1] == '/';
}

bool w2b_section_matches(const char *row, const char *section)
{
	size_t n = strlen(row);

	if (w2b_section_is_prefix(row))
		return !strncmp(row, section, n) && section[n];
	return !strcmp(row, section);
}
