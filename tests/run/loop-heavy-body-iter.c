// A loop too heavy to be an iterator (ir/bound_loops.c, ITER_MAX_PASS_INSNS):
// on --target-kernel 6.4, where loops are bpf_iter_num iterators, the
// per-byte loop below (six calls of a 128-round table walk a pass: ~26,000
// estimated processed instructions, callees included) is a bpf_loop
// callback instead, and says so in a note; the table's fill loop stays an
// iterator, and so does the inner loop in the heavy one's body, whose
// `return 3` leaves the callback with that iterator live (the exit
// destroys it: the verifier refuses an unreleased iterator). This body
// would verify as an iterator too (its state repeats at once); the ones
// that do not, Rust debug builds, are in tests/loops (loops_host_iter).
// The verdicts are what the same C built natively with gcc returns;
// d7bc... is a packet that takes the return.
// ARGS: --target-kernel=6.4
// NOTE: func[0] 'f': loop body of ~
// PACKET: f d7bcdee043204a8cffd4e6186b7892a4 => i32:3
// PACKET: f 00112233445566778899aabbccddeeff => i32:1924140559
// PACKET: f 0102030405060708090a0b0c0d0e0f10111213 => i32:191618037
// PACKET: f ffffffffffffffffffffffffffffffffffffffff => i32:1907947279
#include "wasm2bpf_sdk.h"

#define ROUND(k) h = (h * 31u) ^ tab[(h + (k) + b) & 255u];
#define R4(k) ROUND(k) ROUND(k + 1) ROUND(k + 2) ROUND(k + 3)
#define R16(k) R4(k) R4(k + 4) R4(k + 8) R4(k + 12)
#define R64(k) R16(k) R16(k + 16) R16(k + 32) R16(k + 48)

static volatile w2b_u32 seed = 0x9e3779b9u;
static w2b_u32 tab[256];

static __attribute__((noinline)) w2b_u32 mix(w2b_u32 h, w2b_u32 b)
{
	R64(0) R64(64)
	return h;
}

W2B_PROGRAM("xdp", f)
{
	w2b_u32 h = 0, s = seed;

	for (int k = 0; k < 256; k++) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		tab[k] = s;
	}
	for (w2b_u32 i = 0; i < len; i++) {
		w2b_u32 b = pkt[i];

		h = mix(h, b);
		h = mix(h, b + 1);
		h = mix(h, b + 2);
		h = mix(h, b + 3);
		h = mix(h, b + 4);
		h = mix(h, b + 5);
		for (w2b_u32 j = 0; j < (b & 15u); j++) {
			h += tab[(j * 7u + b) & 255u];
			if ((h & 0xfffffu) == 0x12345u)
				return 3;
		}
	}
	return (int)(h & 0x7fffffff) | 1;
}
