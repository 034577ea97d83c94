/*
 * suggest.h — "did you mean" for a misspelt name: the nearest few of the
 * names that exist, by edit distance, as a compiler suggests a member.
 */
#ifndef W2B_SUGGEST_H
#define W2B_SUGGEST_H

#include <stddef.h>

struct w2b_near {
	const char *name[3];	/* the nearest, closest first */
	unsigned dist[3];
};

/* Levenshtein distance between a and b (99 for names of 64 or more). */
unsigned w2b_edit_distance(const char *a, const char *b);
/* Keeps `have` among nr's nearest to `want` if it is near enough (at most
 * 3 edits, and at most a third of want's length; a want that starts
 * `have` counts as one edit). */
void w2b_near_consider(struct w2b_near *nr, const char *want, const char *have);
/* "; did you mean 'a', 'b'?" or "" when nothing was near. */
const char *w2b_near_text(const struct w2b_near *nr, char *buf, size_t size);

#endif
