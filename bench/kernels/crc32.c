/*
 * crc32.c — table-driven CRC-32 (IEEE, reflected) over n bytes: builds the
 * 256-entry table and a 4 KiB pseudo-random buffer, then runs the classic
 * byte loop (a byte load and a table load whose index depends on the
 * previous iteration).
 */
#include "bench.h"

#define CRC_BUF_LEN 4096

static u32 crc_table[256];
static u8 crc_buf[CRC_BUF_LEN];

BENCH_KERNEL(crc32)
{
	u64 s = 0x243F6A8885A308D3ull;
	u32 crc = 0xFFFFFFFFu;
	int i, k;

	BENCH_FOR(i, 0, 256) {
		u32 c = (u32)i;

		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	BENCH_FOR(i, 0, CRC_BUF_LEN) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		crc_buf[i] = (u8)(s >> 56);
	}
	BENCH_FOR(i, 0, (int)n)
		crc = crc_table[(crc ^ crc_buf[BENCH_IDX(i, CRC_BUF_LEN)]) & 0xff] ^
		      (crc >> 8);
	return ~crc;
}

BENCH_LICENSE;
