/* A bump allocator over a static buffer; a binary search tree built with
 * it (iterative insert), walked in order with an explicit stack.
// ARGS: reset i32:0
// ARGS: insert i32:50
// ARGS: insert i32:30
// ARGS: insert i32:70
// ARGS: insert i32:30
// ARGS: insert_many i32:7 i32:40
// ARGS: height i32:0
// ARGS: inorder_hash i32:0
// ARGS: used i32:0
// ARGS: reset i32:0
// ARGS: inorder_hash i32:0
*/
#include "diff.h"

static _Alignas(8) u8 arena[2048];
static u32 top;

static void *alloc(u32 n)
{
	n = (n + 7) & ~7u;
	if (top + n > sizeof arena)
		return 0;
	void *p = arena + top;
	top += n;
	return p;
}

struct tnode { int key; struct tnode *l, *r; };
static struct tnode *root;

EXPORT("reset") u32 reset(int u) { u32 t = top; top = 0; root = 0; return t; }
EXPORT("used") u32 used(int u) { return top; }

EXPORT("insert")
int insert(int key)
{
	struct tnode **pp = &root;
	while (*pp) {
		if (key == (*pp)->key)
			return 0;
		pp = key < (*pp)->key ? &(*pp)->l : &(*pp)->r;
	}
	struct tnode *n = alloc(sizeof *n);
	if (!n)
		return -1;
	n->key = key;
	n->l = n->r = 0;
	*pp = n;
	return 1;
}

EXPORT("insert_many")
int insert_many(u32 seed, u32 n)
{
	int added = 0;
	while (n--) {
		seed = seed * 69069u + 1;
		added += insert((int)(seed >> 20) - 2048);
	}
	return added;
}

EXPORT("inorder_hash")
u32 inorder_hash(int unused)
{
	struct tnode *stack[64], *p = root;
	int sp = 0;
	u32 h = 7, count = 0;

	while (p || sp) {
		while (p && sp < 64) { stack[sp++] = p; p = p->l; }
		p = stack[--sp];
		h = h * 31 + (u32)p->key;
		count++;
		p = p->r;
	}
	return h + count;
}

EXPORT("height")
u32 height(int unused)
{
	struct tnode *stack[64]; u8 depth[64];
	int sp = 0; u32 best = 0;
	if (root) { stack[0] = root; depth[0] = 1; sp = 1; }
	while (sp) {
		struct tnode *p = stack[--sp]; u8 d = depth[sp];
		if (d > best) best = d;
		if (p->l && sp < 64) { stack[sp] = p->l; depth[sp++] = d + 1; }
		if (p->r && sp < 64) { stack[sp] = p->r; depth[sp++] = d + 1; }
	}
	return best;
}
