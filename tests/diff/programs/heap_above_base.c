/* Memory above __heap_base: the module owns all of its declared pages, and
 * a heap grown there (here a bump region from __heap_base to the end of
 * memory.size) must read back what was written, as in V8. With the 8 KiB
 * stack of the diff builds the memory is one page; the heap crosses the
 * 16 and 32 KiB boundaries of wasm2bpf's memory blocks (docs/abi.md), so this
 * reads and writes words that straddle it, and copies across it.
// ARGS: heap_bytes i32:0
// ARGS: fill i32:0 i32:7
// ARGS: sum32 i32:0 i32:1
// ARGS: sum32 i32:3 i32:1
// ARGS: sum64 i32:5 i32:1
// ARGS: at64 i32:32763
// ARGS: at32 i32:32766
// ARGS: at16 i32:32767
// ARGS: poke64 i32:32765 i32:99
// ARGS: at64 i32:32760
// ARGS: at64 i32:32768
// ARGS: move i32:23000 i32:32000 i32:12000
// ARGS: sum32 i32:1 i32:1
// ARGS: move i32:32100 i32:30000 i32:9000
// ARGS: sum64 i32:0 i32:1
// ARGS: zero i32:31000 i32:5000
// ARGS: sum32 i32:2 i32:1
// ARGS: at64 i32:65528
// ARGS: at64 i32:65529
*/
#include "diff.h"

extern u8 __heap_base;

static u8 *heap(void) { return &__heap_base; }

static u32 heap_end(void) { return (u32)__builtin_wasm_memory_size(0) * 65536u; }

/* the heap's bytes, from __heap_base to the end of the memory */
EXPORT("heap_bytes") u32 heap_bytes(int u) { return heap_end() - (u32)(size_t)heap(); }

/* every heap byte from a seed: b[i] = i * 131 + seed * 7 + (i >> 9) */
EXPORT("fill")
u32 fill(int u, u32 seed)
{
	u8 *h = heap();
	u32 n = heap_bytes(0);

	for (u32 i = 0; i < n; i++)
		h[i] = (u8)(i * 131u + seed * 7u + (i >> 9));
	return n;
}

static u32 load32(u32 a) { u32 v; memcpy(&v, (u8 *)(size_t)a, 4); return v; }
static u64 load64(u32 a) { u64 v; memcpy(&v, (u8 *)(size_t)a, 8); return v; }

/* a hash of the heap's u32 words starting `skew` bytes in (unaligned for
 * skew % 4), every `step`-th word */
EXPORT("sum32")
u32 sum32(u32 skew, u32 step)
{
	u32 a = (u32)(size_t)heap() + skew, end = heap_end() - 4, h = 2166136261u;

	for (; a <= end; a += 4 * step)
		h = (h ^ load32(a)) * 16777619u;
	return h;
}

EXPORT("sum64")
u64 sum64(u32 skew, u32 step)
{
	u32 a = (u32)(size_t)heap() + skew, end = heap_end() - 8;
	u64 h = 1469598103934665603ull;

	for (; a <= end; a += 8 * step)
		h = (h ^ load64(a)) * 1099511628211ull;
	return h;
}

/* the word at an absolute address (one past the end traps in both) */
EXPORT("at64") u64 at64(u32 a) { return *(volatile u64 *)(size_t)a; }
EXPORT("at32") u32 at32(u32 a) { return *(volatile u32 *)(size_t)a; }
EXPORT("at16") u32 at16(u32 a) { return *(volatile u16 *)(size_t)a; }

EXPORT("poke64")
u64 poke64(u32 a, u32 v)
{
	*(volatile u64 *)(size_t)a = (u64)v * 0x0101010101010101ull;
	return *(volatile u64 *)(size_t)a;
}

/* memmove within the heap (overlapping both ways in the ARGS) */
EXPORT("move")
u32 move(u32 dst, u32 src, u32 n)
{
	memmove((u8 *)(size_t)dst, (u8 *)(size_t)src, n);
	return load32(dst) ^ load32(dst + n - 4);
}

EXPORT("zero")
u32 zero(u32 dst, u32 n)
{
	memset((u8 *)(size_t)dst, 0, n);
	return load32(dst + n / 2);
}
