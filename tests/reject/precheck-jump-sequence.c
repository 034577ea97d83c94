// ARGS: --check
// CFLAGS: -g
// KERNEL: complexity
// More conditional jumps on one path than the verifier keeps pending
// (8,192: "The sequence of 8193 jumps is too complex"): 8,300 tests of
// bits of the argument, each a branch around a helper call. The compiler's own
// passes accept it; the precheck refuses it before anything is written,
// at the C line of the jump that is one too many (--check: compile and
// precheck only).
#include "wasm2bpf_sdk.h"

/* a test of its own (__COUNTER__ makes each one different, so none is
 * the same as another), a branch around a helper call, which keeps LLVM
 * from turning it into a select */
#define T if (((x ^ __COUNTER__) * 0x9E3779B97F4A7C15ull) >> 63) s += bpf_ktime_get_ns();
#define T10 T T T T T T T T T T
#define T100 T10 T10 T10 T10 T10 T10 T10 T10 T10 T10

/* nine functions of 470 tests, each called twice, so that they stay
 * functions (one function of them all would take clang's wasm32 backend
 * half a minute): the verifier's first path goes through each call, and
 * the pending branches add up */
#define PART(n) \
	static __attribute__((noinline)) w2b_u64 part##n(w2b_u64 x) \
	{ \
		w2b_u64 s = 0; \
		T100 T100 T100 T100 T10 T10 T10 T10 T10 T10 T10 \
		return s; \
	}
PART(0) PART(1) PART(2) PART(3) PART(4) PART(5) PART(6) PART(7) PART(8)

W2B_SECTION(scan, "syscall");
W2B_EXPORT("scan") w2b_u64 scan(w2b_u64 x)
{
	w2b_u64 s = 0, y = ~x;

	s += part0(x) + part1(x) + part2(x) + part3(x) + part4(x) + part5(x) + part6(x) +
	     part7(x) + part8(x);
	s += part0(y) + part1(y) + part2(y) + part3(y) + part4(y) + part5(y) + part6(y) +
	     part7(y) + part8(y);
	return s;
}
