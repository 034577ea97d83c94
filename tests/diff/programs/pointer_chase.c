/* Pointer chasing: a permutation stored as "next" pointers in a global
 * array; cycle length from a start (Floyd's tortoise and hare), and the
 * node reached after k hops.
// ARGS: setup i32:1 i32:50
// ARGS: cycle_len i32:0
// ARGS: cycle_len i32:17
// ARGS: hop i32:3 i32:1000
// ARGS: setup i32:7 i32:128
// ARGS: cycle_len i32:5
// ARGS: tail_len i32:0
// ARGS: hop i32:127 i32:12345
*/
#include "diff.h"

struct cell {
	struct cell *next;
	u32 id;
};

static struct cell cells[128];
static u32 ncells = 1;

/* a pseudo-random function i -> next(i) on n cells (n <= 128) */
EXPORT("setup")
u32 setup(u32 seed, u32 n)
{
	ncells = n == 0 || n > 128 ? 128 : n;
	for (u32 i = 0; i < ncells; i++) {
		seed = seed * 1103515245u + 12345u;
		cells[i].id = i;
		cells[i].next = &cells[(seed >> 16) % ncells];
	}
	return ncells;
}

static struct cell *meet(struct cell *s)
{
	struct cell *slow = s->next, *fast = s->next->next;

	while (slow != fast) {
		slow = slow->next;
		fast = fast->next->next;
	}
	return slow;
}

EXPORT("cycle_len")
u32 cycle_len(u32 start)
{
	struct cell *m = meet(&cells[start % ncells]), *p = m->next;
	u32 n = 1;

	while (p != m) {
		p = p->next;
		n++;
	}
	return n;
}

/* steps from start until the cycle is entered */
EXPORT("tail_len")
u32 tail_len(u32 start)
{
	struct cell *a = &cells[start % ncells], *b = meet(a);
	u32 n = 0;

	while (a != b) {
		a = a->next;
		b = b->next;
		n++;
	}
	return n;
}

EXPORT("hop")
u32 hop(u32 start, u32 k)
{
	struct cell *p = &cells[start % ncells];

	while (k--)
		p = p->next;
	return p->id;
}
