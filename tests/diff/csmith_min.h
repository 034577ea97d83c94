/*
 * csmith_min.h — stands in for csmith's runtime header (csmith.h) so that
 * a generated program builds with -nostdlib for wasm32: no printf, no
 * libc. csmith_batch.py replaces the program's `#include "csmith.h"` with
 * this header and appends the export:
 *
 *     uint64_t checksum(void)    runs main (renamed csmith_main) once and
 *                                returns the CRC-32 csmith computes over the
 *                                globals, zero-extended (exported "checksum")
 *
 * The integer safe-math wrappers come from libcsmith-dev's safe_math.h
 * (-I /usr/include/csmith); its float wrappers are static and unused with
 * --no-float, so no floating-point code reaches the module.
 *
 * With -DCSMITH_NATIVE_I386 the same program builds as a freestanding
 * i386 Linux executable (clang -m32 -ffreestanding -nostdlib -static)
 * that prints "checksum = %X" like csmith's own runtime: the same ILP32
 * C semantics as wasm32, without node, to check the checksum export.
 */
#ifndef CSMITH_MIN_H
#define CSMITH_MIN_H

#include <stdint.h>	/* clang's freestanding headers */
#include <limits.h>
#include <float.h>

#define fabsf __builtin_fabsf
#define fabs __builtin_fabs
#define printf(...) ((void)0)
#define assert(x) ((void)0)

/* random_inc.h */
#define COUNT(n)
#define TC
#define SAFE
#define UNDEFINED(__val) (__val)
#define LOG_INDEX
#define LOG_EXEC
#define STATIC static
#define FUNC_NAME(x) (safe_##x)
#include "safe_math.h"
#undef FUNC_NAME
#define INT_BIT (sizeof(int) * CHAR_BIT)
#define _CSMITH_BITFIELD(x) (((x) > INT_BIT) ? ((x) % INT_BIT) : (x))

/* csmith.h: the checksum over the globals */
static uint32_t crc32_tab[256];
static uint32_t crc32_context = 0xFFFFFFFFUL;

static void crc32_gentab(void)
{
	uint32_t crc;
	const uint32_t poly = 0xEDB88320UL;
	int i, j;

	for (i = 0; i < 256; i++) {
		crc = i;
		for (j = 8; j > 0; j--) {
			if (crc & 1)
				crc = (crc >> 1) ^ poly;
			else
				crc >>= 1;
		}
		crc32_tab[i] = crc;
	}
}

static void crc32_byte(uint8_t b)
{
	crc32_context = ((crc32_context >> 8) & 0x00FFFFFF) ^ crc32_tab[(crc32_context ^ b) & 0xFF];
}

static void crc32_8bytes(uint64_t val)
{
	crc32_byte((val >> 0) & 0xff);
	crc32_byte((val >> 8) & 0xff);
	crc32_byte((val >> 16) & 0xff);
	crc32_byte((val >> 24) & 0xff);
	crc32_byte((val >> 32) & 0xff);
	crc32_byte((val >> 40) & 0xff);
	crc32_byte((val >> 48) & 0xff);
	crc32_byte((val >> 56) & 0xff);
}

static void transparent_crc(uint64_t val, char *vname, int flag)
{
	(void)vname;
	(void)flag;
	crc32_8bytes(val);
}

static void transparent_crc_bytes(char *ptr, int nbytes, char *vname, int flag)
{
	(void)vname;
	(void)flag;
	for (int i = 0; i < nbytes; i++)
		crc32_byte(ptr[i]);
}

/* platform_generic.h */
static uint32_t csmith_checksum_value;
#define platform_main_begin() ((void)0)
#define platform_main_end(crc, flag) (csmith_checksum_value = (uint32_t)(crc))

#define main csmith_main
int csmith_main(void);

#ifdef CSMITH_NATIVE_I386
#define CSMITH_EXPORT
#else
#define CSMITH_EXPORT __attribute__((export_name("checksum")))
#endif

/* csmith_batch.py appends CSMITH_DEFINE_EXPORT after the program */
#define CSMITH_DEFINE_EXPORT                                    \
	CSMITH_EXPORT uint64_t checksum(void)                   \
	{                                                       \
		csmith_main();                                  \
		return csmith_checksum_value;                   \
	}                                                       \
	CSMITH_NATIVE_MAIN

#ifdef CSMITH_NATIVE_I386
static long csmith_sys3(long nr, long a, long b, long c)
{
	long r;
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
	return r;
}

#define CSMITH_NATIVE_MAIN                                                      \
	void _start(void)                                                       \
	{                                                                       \
		char buf[32] = "checksum = ";                                   \
		int n = 11, started = 0;                                        \
		uint32_t v = (uint32_t)checksum();                              \
		for (int s = 28; s >= 0; s -= 4) {                              \
			int d = (v >> s) & 15;                                  \
			if (d || started || s == 0) {                           \
				buf[n++] = "0123456789ABCDEF"[d];               \
				started = 1;                                    \
			}                                                       \
		}                                                               \
		buf[n++] = '\n';                                                \
		csmith_sys3(4, 1, (long)buf, n);   /* write */                  \
		csmith_sys3(1, 0, 0, 0);           /* exit */                   \
		for (;;)                                                        \
			;                                                       \
	}
#else
#define CSMITH_NATIVE_MAIN
#endif

#endif
