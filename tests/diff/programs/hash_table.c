/* An open-addressing hash table (linear probing) in static arrays,
 * persisting across calls: insert, lookup, delete with tombstones.
// ARGS: put i32:1 i32:100
// ARGS: put i32:17 i32:200
// ARGS: put i32:33 i32:300
// ARGS: get i32:17
// ARGS: get i32:2
// ARGS: del i32:17
// ARGS: get i32:33
// ARGS: put i32:49 i32:400
// ARGS: fill i32:40
// ARGS: get i32:12345
// ARGS: count i32:0
*/
#include "diff.h"

#define CAP 64
#define EMPTY 0
#define USED 1
#define DEAD 2

static u32 keys[CAP];
static int vals[CAP];
static u8 state[CAP];

static u32 slot(u32 k) { return (k * 2654435761u) >> 26; }

EXPORT("put")
int put(u32 k, int v)
{
	u32 i = slot(k), dead = CAP;

	for (u32 n = 0; n < CAP; n++, i = (i + 1) % CAP) {
		if (state[i] == USED && keys[i] == k) { vals[i] = v; return (int)i; }
		if (state[i] == DEAD && dead == CAP) dead = i;
		if (state[i] == EMPTY) break;
	}
	if (dead != CAP)
		i = dead;
	else if (state[i] != EMPTY)
		return -1; /* full */
	state[i] = USED;
	keys[i] = k;
	vals[i] = v;
	return (int)i;
}

static int find(u32 k)
{
	u32 i = slot(k);
	for (u32 n = 0; n < CAP && state[i] != EMPTY; n++, i = (i + 1) % CAP)
		if (state[i] == USED && keys[i] == k)
			return (int)i;
	return -1;
}

EXPORT("get") int get(u32 k) { int i = find(k); return i < 0 ? -1 : vals[i]; }

EXPORT("del")
int del(u32 k)
{
	int i = find(k);
	if (i >= 0)
		state[i] = DEAD;
	return i;
}

EXPORT("fill")
int fill(u32 n)
{
	int last = 0;
	for (u32 k = 1000; k < 1000 + n; k++)
		last = put(k * 7919, (int)k);
	return last;
}

EXPORT("count")
u32 count(int unused)
{
	u32 c = 0;
	for (u32 i = 0; i < CAP; i++)
		c += (state[i] == USED) * 1000 + (state[i] == DEAD);
	return c;
}
