// A map value pointer whose provenance goes through more than an add:
// `* 1`, `^ 0` (the 1 and 0 read from volatiles, so clang keeps the
// operations), `p + (q - p)` with q the value of another lookup (the
// address moves to q's window; the difference goes through a volatile
// local, i.e. the frame in memory), an i64 round trip, an i64 stored into
// the frame and read back. Each
// reaches the value the lookup returned (dispatched by the address at run
// time where it may be more than one window, ir/lower_memory.c). Each entry
// adds its amount through the laundered pointer and returns the slot read
// through the lookup's own pointer (each entry its own slot, pkt[0]: 0 before).
// PACKET: mul 00000000000000000000000000000000 => i32:3
// PACKET: xor 01000000000000000000000000000000 => i32:5
// PACKET: diff 02000000000000000000000000000000 => i32:11
// PACKET: round_trip 03000000000000000000000000000000 => i32:9
// PACKET: stored 04000000000000000000000000000000 => i32:13
#include "wasm2bpf_sdk.h"

W2B_MAP(totals, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 8);
W2B_MAP(other, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 4);

static volatile w2b_u32 one = 1, zero = 0;
static volatile w2b_u64 zero64 = 0;

#define LOOKUP(map, v)                                        \
	w2b_u32 key = pkt[0];                                 \
	w2b_u64 *v = bpf_map_lookup_elem(&map, &key);         \
	if (!v)                                               \
		return 0

W2B_PROGRAM("xdp", mul)
{
	LOOKUP(totals, v);
	w2b_u64 *w = (w2b_u64 *)((w2b_u32)v * one);

	*w += 3;
	return (int)*v;
}

W2B_PROGRAM("xdp", xor)
{
	LOOKUP(totals, v);
	w2b_u64 *w = (w2b_u64 *)((w2b_u32)v ^ zero);

	*w += 5;
	return (int)*v;
}

W2B_PROGRAM("xdp", diff)
{
	LOOKUP(totals, p);
	w2b_u64 *q = bpf_map_lookup_elem(&other, &key);
	volatile w2b_u32 d;	/* in the frame: stored and read back */

	if (!q)
		return 0;
	*q = 7;
	d = (w2b_u32)q - (w2b_u32)p;
	w2b_u64 *r = (w2b_u64 *)((w2b_u32)p + d);
	*r += 4;
	return (int)*q;
}

W2B_PROGRAM("xdp", round_trip)
{
	LOOKUP(totals, v);
	w2b_u64 *w = (w2b_u64 *)(w2b_u32)((w2b_u64)(w2b_u32)v + zero64);

	*w += 9;
	return (int)*v;
}

W2B_PROGRAM("xdp", stored)
{
	LOOKUP(totals, v);
	volatile w2b_u64 wide;	/* in the frame */

	wide = (w2b_u64)(w2b_u32)v;
	w2b_u64 *w = (w2b_u64 *)(w2b_u32)wide;
	*w += 13;
	return (int)*v;
}
