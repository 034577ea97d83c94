/* Function pointers: a handler table indexed by an opcode, a callback
 * passed down, and a struct of function pointers (an "interface"), all
 * compiled by clang into call_indirect over the module's table, which
 * wasm2bpf dispatches statically. An index past the table traps.
// ARGS: run_ops i32:0 i32:10 i32:3
// ARGS: run_ops i32:1 i32:10 i32:3
// ARGS: run_ops i32:2 i32:10 i32:3
// ARGS: run_ops i32:3 i32:10 i32:3
// ARGS: run_ops i32:4 i32:10 i32:0
// ARGS: run_ops i32:7 i32:10 i32:3
// ARGS: fold i32:0 i32:10
// ARGS: fold i32:1 i32:10
// ARGS: fold i32:2 i32:100
// ARGS: shapes i32:3
// ARGS: shapes i32:100
*/
#include "diff.h"

typedef u32 (*binop)(u32, u32);

static u32 op_add(u32 a, u32 b) { return a + b; }
static u32 op_sub(u32 a, u32 b) { return a - b; }
static u32 op_mul(u32 a, u32 b) { return a * b; }
static u32 op_div(u32 a, u32 b) { return b ? a / b : 0xffffffffu; }
static u32 op_rotl(u32 a, u32 b) { return a << (b & 31) | a >> ((32 - b) & 31); }

static binop const ops[] = { op_add, op_sub, op_mul, op_div, op_rotl };

EXPORT("run_ops")
u32 run_ops(u32 op, u32 a, u32 b)
{
	/* out of range: the index still goes to call_indirect, which traps
	 * (clang does not check it) */
	volatile binop const *t = ops;

	return t[op](a, b);
}

static u32 sq(u32 x) { return x * x; }
static u32 tri(u32 x) { return x * (x + 1) / 2; }
static u32 bits(u32 x) { return (u32)__builtin_popcount(x); }

static u32 sum_of(u32 (*f)(u32), u32 n)
{
	u32 s = 0;

	for (u32 i = 0; i < n; i++)
		s += f(i);
	return s;
}

EXPORT("fold")
u32 fold(u32 which, u32 n)
{
	u32 (*fs[3])(u32) = { sq, tri, bits };

	return sum_of(fs[which % 3], n);
}

struct shape_ops {
	u32 (*area)(u32);
	u32 (*sides)(void);
};

static u32 sq_area(u32 s) { return s * s; }
static u32 sq_sides(void) { return 4; }
static u32 tri_area(u32 s) { return s * s / 2; }
static u32 tri_sides(void) { return 3; }

static const struct shape_ops square = { sq_area, sq_sides };
static const struct shape_ops triangle = { tri_area, tri_sides };

EXPORT("shapes")
u32 shapes(u32 n)
{
	const struct shape_ops *const all[2] = { &square, &triangle };
	u32 acc = 0;

	for (u32 i = 0; i < n; i++) {
		volatile const struct shape_ops *s = all[i & 1];

		acc += s->area(i) * s->sides();
	}
	return acc;
}
