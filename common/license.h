/*
 * license.h — which licenses the kernel counts as GPL-compatible.
 */
#ifndef W2B_COMMON_LICENSE_H
#define W2B_COMMON_LICENSE_H

#include <stdbool.h>

/* The kernel's license_is_gpl_compatible() (include/linux/license.h): only
 * programs under these licenses may call GPL-only helpers and kfuncs. */
bool w2b_license_is_gpl_compatible(const char *license);

#endif
