/*
 * grouped.h — a count as messages print it: 17051648 as "17,051,648".
 */
#ifndef W2B_GROUPED_H
#define W2B_GROUPED_H

#include <stdint.h>

/* A u64 is at most 26 characters so: 20 digits, 6 commas. */
#define W2B_GROUPED_SIZE 32

/* v written into buf, which it returns. */
const char *w2b_grouped(uint64_t v, char buf[W2B_GROUPED_SIZE]);

#endif
