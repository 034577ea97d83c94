/* diff.h — what every differential test program shares: no libc. */
#ifndef DIFF_H
#define DIFF_H

#define EXPORT(name) __attribute__((export_name(name)))
#define NOINLINE __attribute__((noinline))

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char i8;
typedef short i16;
typedef int i32;
typedef long long i64;
typedef __SIZE_TYPE__ size_t;

/* ../memfns.c, linked into every module */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

#endif
