/*
 * memfns.c — memcpy, memmove and memset for modules built with -nostdlib
 * (docs/c-recipe.md). Without -mbulk-memory, clang lowers struct copies,
 * array initialisers and loops it recognises into calls to these; with
 * -mbulk-memory it emits memory.copy / memory.fill instead and wasm-ld
 * drops them (nothing references them). no_builtin keeps clang from turning
 * their own loops back into calls to themselves.
 */
typedef __SIZE_TYPE__ size_t;

__attribute__((no_builtin)) void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

__attribute__((no_builtin)) void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

__attribute__((no_builtin)) void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}
