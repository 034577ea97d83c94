/*
 * kernel.c — kernel versions and the features table (kernel.h).
 */
#include "common/kernel.h"

#include <stdio.h>
#include <stdlib.h>

static const struct {
	uint32_t min;
	const char *what;
} features[W2B_KF_COUNT] = {
#define X(id, major, minor, what) [W2B_KF_##id] = { W2B_KERNEL(major, minor), what },
#include "common/kernel_features.def"
#undef X
};

uint32_t w2b_kernel_min(enum w2b_kernel_feature f)
{
	return features[f].min;
}

const char *w2b_kernel_feature_what(enum w2b_kernel_feature f)
{
	return features[f].what;
}

static int number(const char **s, unsigned long *out)
{
	char *end;

	if (**s < '0' || **s > '9')
		return -1;
	*out = strtoul(*s, &end, 10);
	*s = end;
	return *out > 255 ? -1 : 0;
}

int w2b_kernel_parse(const char *s, uint32_t *v)
{
	unsigned long major, minor;

	if (number(&s, &major) || *s++ != '.' || number(&s, &minor))
		return -1;
	if (*s && *s != '.' && *s != '-')
		return -1;
	*v = W2B_KERNEL(major, minor);
	return 0;
}

char *w2b_kernel_format(uint32_t v, char *buf)
{
	snprintf(buf, 8, "%u.%u", (v >> 8) & 0xff, v & 0xff);
	return buf;
}
