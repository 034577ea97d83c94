/* Mutable globals of every width (i8 .. i64), updated and read across
 * calls: the instance's state must persist between runs.
// ARGS: tick i32:1
// ARGS: tick i32:1
// ARGS: tick i32:250
// ARGS: snapshot i32:0
// ARGS: tick i32:-7
// ARGS: snapshot i32:0
// ARGS: set64 i64:-1
// ARGS: tick i32:2
// ARGS: snapshot i32:0
// ARGS: get8 i32:0
*/
#include "diff.h"

static i8 c8 = -3;
static u16 c16 = 65530;
static int c32;
static u64 c64 = 1;
static u32 calls;

EXPORT("tick")
int tick(int by)
{
	calls++;
	c8 += (i8)by;
	c16 += (u16)(by * 3);
	c32 -= by;
	c64 = c64 * 3 + (u64)(i64)by;
	return c32;
}

EXPORT("snapshot")
u64 snapshot(int unused)
{
	return ((u64)(u8)c8 << 56) ^ ((u64)c16 << 40) ^ ((u64)(u32)c32 << 8) ^ c64 ^ calls;
}

EXPORT("set64")
u64 set64(u64 v)
{
	u64 old = c64;
	c64 = v;
	return old;
}

EXPORT("get8") int get8(int unused) { return c8; }
