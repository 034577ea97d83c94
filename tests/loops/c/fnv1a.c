/* fnv1a.c — 32-bit FNV-1a over the whole frame (a flow-hash shape: one
 * multiply per byte, a loop-carried dependency). */
#include "packet.h"

W2B_PROGRAM("xdp", fnv1a)
{
	w2b_u32 h = FNV_OFFSET;

	for (w2b_u32 i = 0; i < len; i++)
		h = (h ^ pkt[i]) * FNV_PRIME;
	return h | RESULT_OK;
}
