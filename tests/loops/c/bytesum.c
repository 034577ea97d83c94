/* bytesum.c — the sum of every byte of the frame: the simplest loop whose
 * trip count is the packet length. */
#include "packet.h"

W2B_PROGRAM("xdp", bytesum)
{
	w2b_u32 sum = 0;

	for (w2b_u32 i = 0; i < len; i++)
		sum += pkt[i];
	return sum | RESULT_OK;
}
