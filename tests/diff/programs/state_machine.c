/* A state machine over a string literal: counts words, numbers, quoted
 * strings and comments of a tiny config language; reports one counter.
// ARGS: scan i32:0
// ARGS: scan i32:1
// ARGS: scan i32:2
// ARGS: scan i32:3
// ARGS: scan i32:4
// ARGS: scan i32:5
*/
#include "diff.h"

static const char src[] =
	"name = \"wasm2bpf\"  # the tool\n"
	"port = 8080\n"
	"retries=3 timeout = 250ms\n"
	"# a comment line\n"
	"path = \"/sys/fs/bpf\" mode = 0644 \"unterminated";

enum { S_SPACE, S_WORD, S_NUM, S_STR, S_COMMENT };

EXPORT("scan")
u32 scan(u32 what)
{
	u32 words = 0, nums = 0, strs = 0, comments = 0, lines = 1, numsum = 0;
	int st = S_SPACE;

	for (const char *p = src; *p; p++) {
		char c = *p;
		if (c == '\n')
			lines++;
		switch (st) {
		case S_SPACE:
			if (c == '"') { st = S_STR; strs++; }
			else if (c == '#') { st = S_COMMENT; comments++; }
			else if (c >= '0' && c <= '9') { st = S_NUM; nums++; numsum += c - '0'; }
			else if ((c | 32) >= 'a' && (c | 32) <= 'z') { st = S_WORD; words++; }
			break;
		case S_WORD:
			if (!((c | 32) >= 'a' && (c | 32) <= 'z') && c != '_')
				st = S_SPACE;
			break;
		case S_NUM:
			if (c >= '0' && c <= '9') numsum = numsum * 10 + (c - '0');
			else if ((c | 32) >= 'a' && (c | 32) <= 'z') st = S_WORD; /* a unit: 250ms */
			else st = S_SPACE;
			break;
		case S_STR:
			if (c == '"') st = S_SPACE;
			break;
		case S_COMMENT:
			if (c == '\n') st = S_SPACE;
			break;
		}
	}
	switch (what) {
	case 0: return words;
	case 1: return nums;
	case 2: return strs;
	case 3: return comments;
	case 4: return lines;
	default: return numsum ^ (u32)st << 24;
	}
}
