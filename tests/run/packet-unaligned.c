// 8- 4- and 2-byte packet reads at odd offsets (a memcpy from a u8 *
// promises alignment 1): one full-width load each by default, as the
// verifier allows on CPUs with fast unaligned access; byte by byte with
// --strict-align (packet-unaligned-strict.c). Same values either way.
// PACKET: f 00112233445566778899aabbccddeeff => i32:16711680
#include "wasm2bpf_sdk.h"

static inline __attribute__((always_inline)) w2b_u64 at64(const w2b_u8 *p)
{
	w2b_u64 v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline __attribute__((always_inline)) w2b_u32 at32(const w2b_u8 *p)
{
	w2b_u32 v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

W2B_PROGRAM("xdp", f)
{
	w2b_u64 a;
	w2b_u32 b;
	w2b_u16 c;

	if (len < 16)
		return 0;
	a = at64(pkt + 1);	/* 0x8877665544332211 */
	b = at32(pkt + 9);	/* 0xccbbaa99 */
	__builtin_memcpy(&c, pkt + 13, 2);	/* 0xeedd */
	return (int)((w2b_u32)a ^ (w2b_u32)(a >> 32) ^ b ^ c);
}
