/*
 * suggest.c — near names for diagnostics (suggest.h).
 */
#include "common/suggest.h"

#include <stdio.h>
#include <string.h>

unsigned w2b_edit_distance(const char *a, const char *b)
{
	size_t n = strlen(b);
	unsigned row[64], prev;

	if (n >= 64 || strlen(a) >= 64)
		return 99;
	for (size_t j = 0; j <= n; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; a[i - 1]; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= n; j++) {
			unsigned cur = row[j];
			unsigned best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[n];
}

void w2b_near_consider(struct w2b_near *nr, const char *want, const char *have)
{
	unsigned d;

	if (!have || !*have)
		return;
	d = w2b_edit_distance(want, have);
	/* a name cut short ("get_current_pid" for get_current_pid_tgid) */
	if (strlen(want) >= 4 && !strncmp(have, want, strlen(want)))
		d = 1;
	if (d > 3 || d * 3 > strlen(want) + 2)
		return;
	for (int k = 0; k < 3; k++) {
		if (nr->name[k] && !strcmp(nr->name[k], have))
			return;
		if (!nr->name[k] || d < nr->dist[k]) {
			for (int j = 2; j > k; j--) {
				nr->name[j] = nr->name[j - 1];
				nr->dist[j] = nr->dist[j - 1];
			}
			nr->name[k] = have;
			nr->dist[k] = d;
			return;
		}
	}
}

const char *w2b_near_text(const struct w2b_near *nr, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < 3 && nr->name[k] && n < size; k++)
		n += (size_t)snprintf(buf + n, size - n, "%s'%s'", k ? ", " : "; did you mean ",
				      nr->name[k]);
	if (n && n < size)
		snprintf(buf + n, size - n, "?");
	return buf;
}
