// A function whose accesses, in a memory of 16 KiB blocks (its declared
// page), make it longer than BPF's 16-bit jumps reach (a jump over all of
// it, pkt[2] == 0x55's way out, is what does not reach): 1,536 reads at
// addresses nothing bounds (x + (s & 7) + k, x from the packet), each with
// its bounds check, hot-block test and slow path (~25 instructions; LLVM:
// "Branch target out of insn range"). wasm2bpf compiles it again with the
// memory at the end of the module's static layout (in the env value, ~13
// instructions an access), with a warning that says why and what that
// costs, as it does for a chain of calls over the stack (cli/pipeline.c).
// Before, it was refused. The verdicts are what the same C built natively
// returns; the run puts back what it wrote, so the runs are independent.
// WARNING: the memory's 65536 bytes need 16 KiB blocks whose accesses (a slow path that calls) made a function too long for BPF's 16-bit jumps: compiled with --memory-size=
// PACKET: f 0000000000000000000000000000 => i32:1494065945
// PACKET: f 0003000000000000000000000000 => i32:1133788127
// PACKET: f 0509000000000000000000000000 => i32:221386599
// PACKET: f c8ff000000000000000000000000 => i32:221861375
// PACKET: f ff01000000000000000000000000 => i32:1133788127
// PACKET: f 0000550000000000000000000000 => i32:1
#include "wasm2bpf_sdk.h"

static w2b_u8 arr[4096];

#define A(k) s = s * 31 + arr[x + (s & 7) + (k)];
#define A4(k) A(k) A(k + 1) A(k + 2) A(k + 3)
#define A16(k) A4(k) A4(k + 4) A4(k + 8) A4(k + 12)
#define A64(k) A16(k) A16(k + 16) A16(k + 32) A16(k + 48)
#define A256(k) A64(k) A64(k + 64) A64(k + 128) A64(k + 192)
#define A1024(k) A256(k) A256(k + 256) A256(k + 512) A256(k + 768)

W2B_PROGRAM("xdp", f)
{
	w2b_u32 x = pkt[0], y = pkt[1], s = 0;

	if (pkt[2] == 0x55)	/* a jump over the whole function */
		goto out;
	arr[x] = 1;
	arr[y] = 7;
	A1024(0) A256(1024) A256(1280)
	arr[x] = 0;
	arr[y] = 0;
out:
	return (int)(s & 0x7fffffff) | 1;
}
