/*
 * tail.c — bpf_tail_call from Wasm (the module half of kernel_tail_call;
 * tests/kernel/test_tail_call.py fills the program array and runs it).
 *
 * `dispatch` takes a frame on the shadow stack (an array whose address
 * escapes), then, from a function it calls (another frame), tail-calls
 * program pkt[14] of `jumps`. `second` reports where its own shadow stack
 * frame is: the address of a local array. If the run that tail-called had
 * left its frames' stack behind, every run through dispatch would find
 * that address lower; wasm2bpf puts the stack pointer back before the
 * call, so it is the same as when `second` runs on its own. An index with
 * no program returns from the call: dispatch then answers 7.
 */
#include "wasm2bpf_sdk.h"

W2B_PROG_ARRAY(jumps, 4);

/* keep the address-taken arrays on the shadow stack */
__attribute__((noinline)) static w2b_u32 addr_of(volatile w2b_u8 *p)
{
	return (w2b_u32)(unsigned long)p;
}

__attribute__((noinline)) static int jump(w2b_u32 index)
{
	volatile w2b_u8 frame[48];

	frame[0] = (w2b_u8)index;
	bpf_tail_call(&jumps, frame[0]);
	return 7 + (int)(addr_of(frame) & 0);
}

W2B_PROGRAM("xdp", dispatch)
{
	volatile w2b_u8 frame[64];

	frame[0] = len > 14 ? pkt[14] : 0;
	return jump(frame[0]) + (int)(addr_of(frame) & 0);
}

W2B_PROGRAM("xdp", second)
{
	volatile w2b_u8 mine[32];

	mine[0] = 1;
	(void)pkt;
	(void)len;
	return (int)addr_of(mine);
}
