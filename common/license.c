/*
 * license.c — see license.h.
 */
#include "license.h"

#include <string.h>

bool w2b_license_is_gpl_compatible(const char *license)
{
	static const char *const gpl[] = {
		"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL",
		"Dual MIT/GPL", "Dual MPL/GPL",
	};

	for (size_t k = 0; k < sizeof(gpl) / sizeof(gpl[0]); k++)
		if (!strcmp(license, gpl[k]))
			return true;
	return false;
}
