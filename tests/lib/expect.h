/*
 * expect.h — the PASS/FAIL lines of the C test programs that load
 * wasm2bpf objects with libbpf (tests/skeleton, tests/kernel/ringbuf).
 * Include once per program; it prints its own "NAME: N passed, M failed".
 */
#ifndef W2B_TESTS_EXPECT_H
#define W2B_TESTS_EXPECT_H

#include <stdint.h>
#include <stdio.h>

static int passed, failed;

/* One check of a number: a PASS or FAIL line, counted. */
static void expect(const char *what, uint64_t got, uint64_t want)
{
	if (got == want) {
		passed++;
		printf("PASS %s = %llu\n", what, (unsigned long long)got);
	} else {
		failed++;
		printf("FAIL %s = %llu, want %llu\n", what, (unsigned long long)got,
		       (unsigned long long)want);
	}
}

#endif
