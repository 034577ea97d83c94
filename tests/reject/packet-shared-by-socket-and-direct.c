// A socket filter reads its packet by copies, an XDP program in place: one
// function cannot serve both.
#include "wasm2bpf_sdk.h"
__attribute__((noinline)) static w2b_u32 sum(const w2b_u8 *p, w2b_u32 n)
{
	w2b_u32 s = 0;

	for (w2b_u32 i = 0; i < n; i++)	/* a loop called twice: not inlined */
		s = s * 31 + p[i];
	return s;
}
W2B_PROGRAM("xdp", a)
{
	return sum(pkt, len < 8 ? len : 8) & 3;
}
W2B_PROGRAM("socket", b)
{
	return (int)sum(pkt, len < 4 ? len : 4);
}
