/* A ring buffer of 16 entries in globals, across calls: push (overwrites
 * the oldest when full), pop, peek at an index, a running sum.
// ARGS: push i64:10
// ARGS: push i64:-20
// ARGS: push i64:30
// ARGS: pop i32:0
// ARGS: size i32:0
// ARGS: push_n i32:20 i64:1000
// ARGS: size i32:0
// ARGS: peek i32:0
// ARGS: peek i32:15
// ARGS: pop i32:0
// ARGS: sum i32:0
// ARGS: drain i32:0
// ARGS: pop i32:0
*/
#include "diff.h"

#define CAP 16
static i64 ring[CAP];
static u32 head, len;
static i64 running;

EXPORT("push")
u32 push(i64 v)
{
	ring[(head + len) % CAP] = v;
	if (len < CAP)
		len++;
	else
		head = (head + 1) % CAP;
	running += v;
	return len;
}

EXPORT("pop")
i64 pop(int unused)
{
	if (!len)
		return -1;
	i64 v = ring[head];
	head = (head + 1) % CAP;
	len--;
	return v;
}

EXPORT("size") u32 size(int unused) { return len | head << 8; }

EXPORT("peek") i64 peek(u32 i) { return i < len ? ring[(head + i) % CAP] : 0; }

EXPORT("push_n")
u32 push_n(u32 n, i64 base)
{
	for (u32 i = 0; i < n; i++)
		push(base + i * i);
	return len;
}

EXPORT("sum")
i64 sum(int unused)
{
	i64 s = 0;
	for (u32 i = 0; i < len; i++)
		s += ring[(head + i) % CAP];
	return s * 1000 + running % 1000;
}

EXPORT("drain")
u32 drain(int unused)
{
	u32 n = 0;
	while (pop(0) != -1)
		n++;
	return n;
}
