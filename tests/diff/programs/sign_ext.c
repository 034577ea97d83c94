/* Narrow types: sign and zero extension from 8, 16 and 32 bits, in both
 * widths; truncation; the sign-extension instructions.
// ARGS: ext8 i32:0x80
// ARGS: ext8 i32:0x7f
// ARGS: ext8 i32:0x12345681
// ARGS: ext16 i32:0x8000
// ARGS: ext16 i32:0xffff7fff
// ARGS: ext32 i64:0x80000000
// ARGS: ext32 i64:0xffffffff7fffffff
// ARGS: narrow_sum i64:0x0123456789abcdef
// ARGS: narrow_sum i64:-1
// ARGS: bytes_signed i32:0x80ff7f01
*/
#include "diff.h"

EXPORT("ext8")
i64 ext8(u32 x)
{
	i8 s = (i8)x;
	u8 u = (u8)x;
	return (i64)s * 1000 + u + ((i32)s >> 1);
}

EXPORT("ext16")
i64 ext16(u32 x)
{
	i16 s = (i16)x;
	u16 u = (u16)x;
	return ((i64)s << 20) + u;
}

EXPORT("ext32")
i64 ext32(u64 x)
{
	i32 s = (i32)x;
	u32 u = (u32)x;
	return (i64)s + (i64)u * 2;
}

EXPORT("narrow_sum")
i64 narrow_sum(u64 v)
{
	i64 s = 0;
	for (int i = 0; i < 8; i++) {
		i8 b = (i8)(v >> (8 * i));
		s += b;
	}
	for (int i = 0; i < 4; i++) {
		i16 h = (i16)(v >> (16 * i));
		s = s * 3 + h;
	}
	return s;
}

EXPORT("bytes_signed")
int bytes_signed(u32 x)
{
	volatile i8 b[4];
	for (int i = 0; i < 4; i++)
		b[i] = (i8)(x >> (8 * i));
	return b[0] * 1000000 + b[1] * 10000 + b[2] * 100 + b[3];
}
