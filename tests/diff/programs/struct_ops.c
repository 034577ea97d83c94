/* Structs: passed by pointer, returned by value (through a hidden
 * pointer), nested, copied whole; a 2-D vector "library".
// ARGS: dot i32:3 i32:4 i32:5 i32:6
// ARGS: dot i32:-70000 i32:3 i32:70000 i32:-9
// ARGS: rect_area i32:0 i32:0 i32:10 i32:20
// ARGS: rect_area i32:5 i32:5 i32:-5 i32:-5
// ARGS: walk i32:100
// ARGS: walk i32:0
*/
#include "diff.h"

struct vec { int x, y; };
struct rect { struct vec lo, hi; u8 tag; };

static struct vec add(struct vec a, struct vec b)
{
	struct vec r = { a.x + b.x, a.y + b.y };
	return r;
}

NOINLINE static struct vec rot90(struct vec v)
{
	struct vec r = { -v.y, v.x };
	return r;
}

static i64 vdot(const struct vec *a, const struct vec *b)
{
	return (i64)a->x * b->x + (i64)a->y * b->y;
}

EXPORT("dot")
i64 dot(int ax, int ay, int bx, int by)
{
	struct vec a = { ax, ay }, b = { bx, by };
	struct vec c = rot90(a);
	return vdot(&a, &b) * 3 + vdot(&c, &b);
}

NOINLINE static struct rect normalise(struct rect r)
{
	struct rect n = r;
	if (n.lo.x > n.hi.x) { n.lo.x = r.hi.x; n.hi.x = r.lo.x; }
	if (n.lo.y > n.hi.y) { n.lo.y = r.hi.y; n.hi.y = r.lo.y; }
	n.tag = 1;
	return n;
}

EXPORT("rect_area")
i64 rect_area(int x0, int y0, int x1, int y1)
{
	struct rect r = { { x0, y0 }, { x1, y1 }, 0 };
	struct rect n = normalise(r);
	return (i64)(n.hi.x - n.lo.x) * (n.hi.y - n.lo.y) + n.tag * 1000000 + r.tag;
}

/* a spiral walk: step, turn, grow */
EXPORT("walk")
i64 walk(u32 steps)
{
	struct vec pos = { 0, 0 }, dir = { 1, 0 };
	i64 acc = 0;

	for (u32 i = 0; i < steps; i++) {
		pos = add(pos, dir);
		if (i % 3 == 2)
			dir = rot90(dir);
		if (i % 7 == 6)
			dir = add(dir, dir);
		acc += (i64)pos.x * 7 - pos.y;
	}
	return acc;
}
