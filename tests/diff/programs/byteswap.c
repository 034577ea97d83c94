/* Byte swaps and endianness: bswap builtins and the hand-written forms.
// ARGS: bswap32 i32:0x11223344
// ARGS: bswap32 i32:0xff
// ARGS: bswap64 i64:0x1122334455667788
// ARGS: bswap64 i64:-2
// ARGS: bswap16 i32:0x1234
// ARGS: bswap16 i32:0xffff8001
// ARGS: be_load i32:0
// ARGS: be_load i32:3
*/
#include "diff.h"

EXPORT("bswap32")
u32 bswap32(u32 x)
{
	u32 a = __builtin_bswap32(x);
	u32 b = (x >> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
	return a ^ (b * 3);
}

EXPORT("bswap64")
u64 bswap64(u64 x)
{
	u64 r = 0;

	for (int i = 0; i < 8; i++) {
		r = (r << 8) | (x & 0xff);
		x >>= 8;
	}
	return r + __builtin_bswap64(r);
}

EXPORT("bswap16")
u32 bswap16(u32 x)
{
	u16 h = (u16)x;
	return __builtin_bswap16(h) | (u32)(u16)((h << 8) | (h >> 8)) << 16;
}

static const u8 wire[12] = { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x80, 0x00, 0x00, 0x7f };

/* big-endian 32-bit field at byte offset off (0..8) of a packet */
EXPORT("be_load")
u32 be_load(u32 off)
{
	const u8 *p = wire + (off % 9);
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}
