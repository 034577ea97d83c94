/* Shifts: arithmetic vs logical, by amounts masked to the width (Wasm's
 * rule; C's undefined cases avoided by masking), rotates by variable
 * amounts, 64-bit shifts of 32-bit values.
// ARGS: sh32 i32:0x80000001 i32:1
// ARGS: sh32 i32:0x80000001 i32:31
// ARGS: sh32 i32:0x80000001 i32:32
// ARGS: sh32 i32:-5 i32:33
// ARGS: sh64 i64:0x8000000000000001 i32:63
// ARGS: sh64 i64:0x8000000000000001 i32:64
// ARGS: sh64 i64:-12345 i32:100
// ARGS: rot i32:0x12345678 i32:4
// ARGS: rot i32:0x12345678 i32:36
// ARGS: wide i32:-1 i32:40
*/
#include "diff.h"

EXPORT("sh32")
u32 sh32(int x, u32 n)
{
	u32 m = n & 31;
	return (u32)(x << m) ^ (u32)(x >> m) ^ ((u32)x >> m) * 3;
}

EXPORT("sh64")
u64 sh64(i64 x, u32 n)
{
	u32 m = n & 63;
	return (u64)(x << m) ^ (u64)(x >> m) ^ ((u64)x >> m) * 5;
}

EXPORT("rot")
u64 rot(u32 x, u32 n)
{
	u32 l = (x << (n & 31)) | (x >> ((32 - n) & 31));
	u32 r = (x >> (n & 31)) | (x << ((32 - n) & 31));
	return (u64)l << 32 | r;
}

EXPORT("wide")
u64 wide(int x, u32 n)
{
	return ((u64)(u32)x << (n & 63)) + ((i64)x << (n & 31)) + ((u64)x >> (n & 63));
}
