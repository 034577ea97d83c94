/*
 * kernel.h — kernel versions: what `--target-kernel X.Y` compares against.
 *
 * A version is major << 8 | minor (W2B_KERNEL(6, 1) = 0x601), so versions
 * compare as numbers. common/kernel_features.def says which version brings
 * each feature the emitted code may use.
 */
#ifndef W2B_COMMON_KERNEL_H
#define W2B_COMMON_KERNEL_H

#include <stdint.h>

#define W2B_KERNEL(major, minor) ((uint32_t)(major) << 8 | (uint32_t)(minor))

/* The default target: Debian 12's kernel, so that what wasm2bpf writes
 * loads where most fleets run (docs/kernels.md says why). */
#define W2B_DEFAULT_TARGET_KERNEL W2B_KERNEL(6, 1)
/* The oldest target: Debian 11's kernel, the oldest one tested. */
#define W2B_OLDEST_TARGET_KERNEL W2B_KERNEL(5, 10)

enum w2b_kernel_feature {
#define X(id, major, minor, what) W2B_KF_##id,
#include "common/kernel_features.def"
#undef X
	W2B_KF_COUNT
};

/* The first version with feature f. */
uint32_t w2b_kernel_min(enum w2b_kernel_feature f);
/* What feature f is, from the table. */
const char *w2b_kernel_feature_what(enum w2b_kernel_feature f);
/* Has target version v feature f? */
static inline int w2b_kernel_has(uint32_t v, enum w2b_kernel_feature f)
{
	return v >= w2b_kernel_min(f);
}
/* "X.Y" (an optional ".Z" and anything after it, as in `uname -r`, is
 * ignored) -> version; 0 and *v, or -1 if s is not a version. */
int w2b_kernel_parse(const char *s, uint32_t *v);
/* "X.Y" into buf (at least 8 bytes); returns buf. */
char *w2b_kernel_format(uint32_t v, char *buf);

#endif
