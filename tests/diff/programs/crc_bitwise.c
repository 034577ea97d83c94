/* CRC-32C and CRC-16/CCITT bit by bit, no table: pure register work.
// ARGS: crc32c_u32 i32:0
// ARGS: crc32c_u32 i32:0xdeadbeef
// ARGS: crc32c_u32 i32:-1
// ARGS: crc16 i32:0x31323334
// ARGS: crc16 i32:0
// ARGS: crc32c_chain i64:0x0123456789abcdef i32:5
// ARGS: crc32c_chain i64:-1 i32:100
*/
#include "diff.h"

static u32 crc32c_byte(u32 crc, u8 b)
{
	crc ^= b;
	for (int k = 0; k < 8; k++)
		crc = crc & 1 ? (crc >> 1) ^ 0x82f63b78u : crc >> 1;
	return crc;
}

EXPORT("crc32c_u32")
u32 crc32c_u32(u32 v)
{
	u32 crc = ~0u;

	for (int i = 0; i < 4; i++)
		crc = crc32c_byte(crc, (u8)(v >> (8 * i)));
	return ~crc;
}

EXPORT("crc16")
u32 crc16(u32 v)
{
	u16 crc = 0xffff;

	for (int i = 3; i >= 0; i--) {
		crc ^= (u16)((v >> (8 * i)) & 0xff) << 8;
		for (int k = 0; k < 8; k++)
			crc = crc & 0x8000 ? (u16)(crc << 1) ^ 0x1021 : (u16)(crc << 1);
	}
	return crc;
}

/* CRC of v, then of the CRC, `rounds` times */
EXPORT("crc32c_chain")
u32 crc32c_chain(u64 v, u32 rounds)
{
	u32 crc = ~0u;

	for (int i = 0; i < 8; i++)
		crc = crc32c_byte(crc, (u8)(v >> (8 * i)));
	while (rounds--)
		crc = crc32c_byte(crc, (u8)(crc >> 8) ^ (u8)rounds);
	return ~crc;
}
