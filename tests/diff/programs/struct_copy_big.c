/* Large struct copies (memcpy, or memory.copy with -mbulk-memory) and
 * zeroing (memset / memory.fill): a snapshot/restore of global state.
// ARGS: mutate i32:1
// ARGS: snapshot i32:0
// ARGS: mutate i32:2
// ARGS: mutate i32:3
// ARGS: digest i32:0
// ARGS: restore i32:0
// ARGS: digest i32:0
// ARGS: wipe i32:7
// ARGS: digest i32:0
// ARGS: local_copy i32:9
*/
#include "diff.h"

struct state {
	u32 words[40];
	u8 bytes[37];
	i64 total;
};

static struct state cur = { { 1, 2, 3 }, { 9, 8, 7 }, 0 }, saved;

EXPORT("mutate")
i64 mutate(u32 k)
{
	for (u32 i = 0; i < 40; i++)
		cur.words[i] = cur.words[i] * 3 + k + i;
	for (u32 i = 0; i < 37; i++)
		cur.bytes[i] ^= (u8)(k * i);
	cur.total += k;
	return cur.total;
}

EXPORT("snapshot") int snapshot(int unused) { saved = cur; return 1; }
EXPORT("restore") int restore(int unused) { cur = saved; return 2; }

EXPORT("digest")
u64 digest(int unused)
{
	u64 h = (u64)cur.total;
	for (u32 i = 0; i < 40; i++)
		h = h * 1099511628211ull ^ cur.words[i];
	for (u32 i = 0; i < 37; i++)
		h = h * 31 + cur.bytes[i];
	return h;
}

/* zero from byte offset `from` to the end of the words */
EXPORT("wipe")
u32 wipe(u32 from)
{
	from %= sizeof cur.words;
	memset((u8 *)cur.words + from, 0, sizeof cur.words - from);
	return sizeof cur.words - from;
}

EXPORT("local_copy")
u32 local_copy(u32 k)
{
	struct state a = cur, b;
	a.words[k % 40] = 12345;
	b = a;
	memmove(b.bytes + 1, b.bytes, 30);
	return b.words[k % 40] + b.bytes[1] + b.bytes[31] + a.words[0];
}
