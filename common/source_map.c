/*
 * source_map.c — looking up a module's source lines (source_map.h).
 */
#include "common/source_map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct source_line *source_map_at(const struct source_map *sm, uint32_t offset)
{
	uint32_t lo = 0, hi;

	if (!sm || !sm->nlines || offset < sm->lines[0].offset)
		return NULL;
	/* the last entry at or before offset */
	hi = sm->nlines;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (sm->lines[mid].offset <= offset)
			lo = mid;
		else
			hi = mid;
	}
	return sm->lines[lo].line ? &sm->lines[lo] : NULL;
}

const char *source_map_text(const struct source_map *sm, uint32_t offset, char *buf, size_t size)
{
	const struct source_line *l = source_map_at(sm, offset);
	const char *path;
	size_t n;

	if (!l || l->file >= sm->nfiles)
		return NULL;
	path = sm->files[l->file];
	n = sm->cwd ? strlen(sm->cwd) : 0;
	if (n > 1 && !strncmp(path, sm->cwd, n) && path[n] == '/')
		path += n + 1;
	if (l->column)
		snprintf(buf, size, "%s:%u:%u", path, l->line, l->column);
	else
		snprintf(buf, size, "%s:%u", path, l->line);
	return buf;
}

void source_map_free(struct source_map *sm)
{
	if (!sm)
		return;
	for (uint32_t k = 0; k < sm->nfiles; k++)
		free(sm->files[k]);
	free(sm->files);
	free(sm->lines);
	free(sm->cwd);
	free(sm);
}
