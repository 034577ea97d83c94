// Promoted frames (ir/promote_frames.c) the BPF stack cannot hold: six
// levels of calls, each with a 128-byte map key in its frame, inlined by
// LLVM into one program of more than 512 bytes of stack. The compile is
// retried with the frames left in the linear memory (cli/pipeline.c), and
// the program runs. The map stays empty: f0(x) = x,
// fN(x) = N + fN-1(3x + 1) + fN-1(5x + 2); the verdict is
// (f5(len) + f5(len + 1)) % 100000, computed independently in Python.
// PACKET: deep 0000000000000000000000000000 => i32:83122
// PACKET: deep 000000000000000000000000000000 => i32:48658
#include "wasm2bpf_sdk.h"

struct key {
	w2b_u64 a[16];
};
W2B_MAP(m, BPF_MAP_TYPE_HASH, struct key, w2b_u64, 16);

__attribute__((noinline)) w2b_u64 f0(w2b_u32 x)
{
	struct key k;
	w2b_u64 *v;

	for (int i = 0; i < 16; i++)
		k.a[i] = x ^ i;
	v = bpf_map_lookup_elem(&m, &k);
	return v ? *v : x;
}

#define LEVEL(n, next)                                                 \
	__attribute__((noinline)) w2b_u64 f##n(w2b_u32 x)              \
	{                                                              \
		struct key k;                                          \
		w2b_u64 *v;                                            \
		for (int i = 0; i < 16; i++)                           \
			k.a[i] = x + i;                                \
		v = bpf_map_lookup_elem(&m, &k);                       \
		return (v ? *v : n) + next(x * 3 + 1) + next(x * 5 + 2); \
	}
LEVEL(1, f0)
LEVEL(2, f1)
LEVEL(3, f2)
LEVEL(4, f3)
LEVEL(5, f4)

W2B_PROGRAM("xdp", deep)
{
	return (int)((f5(len) + f5(len + 1)) % 100000);
}
