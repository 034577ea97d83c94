/*
 * arena.h — memory by lifetime.
 *
 * Everything a compile allocates (decoded module, IR, names) lives in one
 * arena and is released at once with arena_free(). Nothing allocated here is
 * ever freed on its own, so pointers into the arena stay valid for the whole
 * compile. Allocation failure is fatal (abort with a message): a compiler that
 * runs out of memory has no useful way to continue, and checking every node
 * allocation would drown the passes in error paths.
 */
#ifndef W2B_COMMON_ARENA_H
#define W2B_COMMON_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total;		/* bytes handed out, for statistics */
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);

/* Zeroed, 16-byte aligned memory that lives until arena_free(). */
void *arena_alloc(struct arena *a, size_t size);
/* Array of n elements of size sz; checks the multiplication. */
void *arena_array(struct arena *a, size_t n, size_t sz);
/* Copy of old (old_n elements) in a new array of new_n elements. */
void *arena_grow(struct arena *a, void *old, size_t old_n, size_t new_n, size_t sz);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Vectors whose storage lives in an arena. Declare with ARENA_VEC(type) name;
 * push with ARENA_VEC_PUSH(arena, vec, value). Growth doubles and copies; the
 * old storage stays in the arena until the end of the compile. */
#define ARENA_VEC(T) struct { T *v; size_t n, cap; }
#define ARENA_VEC_PUSH(ar, vec, val) do { \
		if ((vec).n == (vec).cap) { \
			size_t nc__ = (vec).cap ? (vec).cap * 2 : 8; \
			(vec).v = arena_grow((ar), (vec).v, (vec).n, nc__, sizeof(*(vec).v)); \
			(vec).cap = nc__; \
		} \
		(vec).v[(vec).n++] = (val); \
	} while (0)

#endif
