/* A singly linked list in a static array of nodes (a free list for
 * allocation): push, reverse in place, remove by value, sum.
// ARGS: build i32:10
// ARGS: sum i32:0
// ARGS: reverse i32:0
// ARGS: remove i32:5
// ARGS: remove i32:42
// ARGS: sum i32:0
// ARGS: build i32:100
// ARGS: sum i32:0
// ARGS: length i32:0
*/
#include "diff.h"

struct node { int val; struct node *next; };

static struct node pool[64];
static struct node *free_list, *head;
static int inited;

static void init(void)
{
	for (int i = 0; i < 63; i++)
		pool[i].next = &pool[i + 1];
	pool[63].next = 0;
	free_list = pool;
	head = 0;
	inited = 1;
}

/* a list of 1..n (as many as fit) */
EXPORT("build")
u32 build(u32 n)
{
	u32 k = 0;

	init();
	for (u32 i = n; i > 0 && free_list; i--, k++) {
		struct node *nd = free_list;
		free_list = nd->next;
		nd->val = (int)i;
		nd->next = head;
		head = nd;
	}
	return k;
}

EXPORT("sum")
i64 sum(int unused)
{
	i64 s = 0;
	for (struct node *p = head; p; p = p->next)
		s = s * 3 + p->val;
	return s;
}

EXPORT("reverse")
int reverse(int unused)
{
	struct node *prev = 0, *cur = head;
	while (cur) {
		struct node *nx = cur->next;
		cur->next = prev;
		prev = cur;
		cur = nx;
	}
	head = prev;
	return head ? head->val : -1;
}

EXPORT("remove")
int remove_val(int v)
{
	for (struct node **pp = &head; *pp; pp = &(*pp)->next)
		if ((*pp)->val == v) {
			struct node *d = *pp;
			*pp = d->next;
			d->next = free_list;
			free_list = d;
			return 1;
		}
	return 0;
}

EXPORT("length")
u32 length(int unused)
{
	u32 n = 0;
	for (struct node *p = head; p; p = p->next)
		n++;
	return n + (u32)inited * 1000;
}
