/*
 * grouped.c — see grouped.h.
 */
#include "grouped.h"

#include <stdio.h>

const char *w2b_grouped(uint64_t v, char buf[W2B_GROUPED_SIZE])
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v), k = 0;

	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = digits[i];
	}
	buf[k] = '\0';
	return buf;
}
