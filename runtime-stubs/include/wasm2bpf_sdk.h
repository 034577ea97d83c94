/*
 * wasm2bpf_sdk.h — what a C module compiled to wasm32 for wasm2bpf uses.
 *
 *     clang-19 --target=wasm32 -O2 -nostdlib -I runtime-stubs/include \
 *         -Wl,--no-entry -o filter.wasm filter.c
 *     wasm2bpf --entry filter=xdp filter.wasm -o filter.bpf.o
 *
 * Entries: a packet program is an exported function taking the packet and
 * its length and returning the verdict (docs/abi.md); W2B_PACKET_ENTRY
 * declares one. Reads and writes through `pkt` go to the packet itself.
 * Helpers are imports from module "bpf" under libbpf's names without the
 * "bpf_" prefix; only those in common/helpers.def exist (others are
 * refused at compile time with the list). Maps, logging and the entry
 * sections as metadata (so --entry becomes optional) come with the rest
 * of the kernel interface; docs/sdk.md says what is there today.
 *
 * The header needs no libc: it uses only the compiler's own types.
 */
#ifndef WASM2BPF_SDK_H
#define WASM2BPF_SDK_H

typedef __UINT8_TYPE__ w2b_u8;
typedef __UINT16_TYPE__ w2b_u16;
typedef __UINT32_TYPE__ w2b_u32;
typedef __UINT64_TYPE__ w2b_u64;

/* An exported function, under the name wasm2bpf's --entry uses. */
#define W2B_EXPORT(name) __attribute__((export_name(name)))

/* A packet entry: `int fn(w2b_u8 *pkt, w2b_u32 len)`, exported as "fn".
 * Compile with --entry fn=xdp (or tc, tcx/ingress, cgroup_skb/ingress...). */
#define W2B_PACKET_ENTRY(fn) W2B_EXPORT(#fn) int fn(w2b_u8 *pkt, w2b_u32 len)

/* Verdicts (linux/bpf.h, linux/pkt_cls.h). */
enum { XDP_ABORTED = 0, XDP_DROP = 1, XDP_PASS = 2, XDP_TX = 3, XDP_REDIRECT = 4 };
enum { TC_ACT_OK = 0, TC_ACT_SHOT = 2 };
enum { CGROUP_SKB_DROP = 0, CGROUP_SKB_ALLOW = 1 };

/* Kernel helpers (common/helpers.def). */
#define W2B_HELPER(name) __attribute__((import_module("bpf"), import_name(#name)))
W2B_HELPER(ktime_get_ns) w2b_u64 bpf_ktime_get_ns(void);
W2B_HELPER(ktime_get_boot_ns) w2b_u64 bpf_ktime_get_boot_ns(void);
W2B_HELPER(ktime_get_tai_ns) w2b_u64 bpf_ktime_get_tai_ns(void);
W2B_HELPER(jiffies64) w2b_u64 bpf_jiffies64(void);
W2B_HELPER(get_prandom_u32) w2b_u32 bpf_get_prandom_u32(void);
W2B_HELPER(get_smp_processor_id) w2b_u32 bpf_get_smp_processor_id(void);
W2B_HELPER(get_numa_node_id) w2b_u32 bpf_get_numa_node_id(void);

/* Network byte order (Wasm is little endian). */
static inline w2b_u16 w2b_ntohs(w2b_u16 x) { return __builtin_bswap16(x); }
static inline w2b_u32 w2b_ntohl(w2b_u32 x) { return __builtin_bswap32(x); }
#define w2b_htons w2b_ntohs
#define w2b_htonl w2b_ntohl

/* Unaligned loads from a packet (headers are not aligned in general). */
static inline w2b_u16 w2b_load_be16(const w2b_u8 *p) { return (w2b_u16)(p[0] << 8 | p[1]); }
static inline w2b_u32 w2b_load_be32(const w2b_u8 *p)
{
	return (w2b_u32)p[0] << 24 | (w2b_u32)p[1] << 16 | (w2b_u32)p[2] << 8 | p[3];
}

#endif
