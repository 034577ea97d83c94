/* A token-bucket rate limiter per flow (a policy-like workload): state in
 * a global table across calls; time is passed in.
// ARGS: allow i32:1 i64:0
// ARGS: allow i32:1 i64:1
// ARGS: allow i32:1 i64:2
// ARGS: allow i32:1 i64:3
// ARGS: allow i32:1 i64:4
// ARGS: allow i32:1 i64:5
// ARGS: allow i32:2 i64:5
// ARGS: allow i32:1 i64:1000
// ARGS: burst i32:3 i64:2000 i32:20
// ARGS: tokens i32:3
// ARGS: tokens i32:9
*/
#include "diff.h"

#define FLOWS 8
#define RATE 3          /* tokens per 1000 time units */
#define CAPACITY 4000   /* in milli-tokens: 4 tokens */

struct bucket { u32 flow; u32 milli; u64 last; u8 used; };
static struct bucket table[FLOWS];

static struct bucket *get(u32 flow, u64 now)
{
	struct bucket *b = &table[flow % FLOWS];
	if (!b->used || b->flow != flow) {
		b->used = 1;
		b->flow = flow;
		b->milli = CAPACITY;
		b->last = now;
	}
	return b;
}

EXPORT("allow")
int allow(u32 flow, u64 now)
{
	struct bucket *b = get(flow, now);
	u64 add = (now - b->last) * RATE;
	b->milli = add >= CAPACITY || b->milli + add >= CAPACITY ? CAPACITY : b->milli + (u32)add;
	b->last = now;
	if (b->milli >= 1000) {
		b->milli -= 1000;
		return 1;
	}
	return 0;
}

EXPORT("burst")
u32 burst(u32 flow, u64 now, u32 n)
{
	u32 ok = 0;
	for (u32 i = 0; i < n; i++)
		ok += allow(flow, now + i * 100);
	return ok;
}

EXPORT("tokens")
i64 tokens(u32 flow)
{
	struct bucket *b = &table[flow % FLOWS];
	return b->used && b->flow == flow ? (i64)b->milli : -1;
}
