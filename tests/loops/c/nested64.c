/* nested64.c — a two-level nest over the first min(len, 64) bytes: every
 * pair (i, j), 4096 inner iterations on a full-size frame. */
#include "packet.h"

W2B_PROGRAM("xdp", nested64)
{
	w2b_u32 n = len < 64 ? len : 64, acc = 7;

	for (w2b_u32 i = 0; i < n; i++)
		for (w2b_u32 j = 0; j < n; j++)
			acc = acc * 31 + (pkt[i] ^ pkt[j]);
	return acc | RESULT_OK;
}
