// Packet helpers that take the program's context (helpers.def's 'c'
// argument: the compiler passes it) and helpers that move the packet
// (EFFECT PACKET: data and data_end reloaded after the call), run in the
// kernel on one UDP/IPv4 frame: 10.0.0.1:1234 -> 10.0.0.100:80, valid
// checksums. The expected packets were computed independently (Python's
// RFC 1071 sum over the rewritten headers).
//
// tc nat: dst 10.0.0.100:80 -> 10.0.0.2:8080 with skb_store_bytes and
// l3/l4_csum_replace (pseudo-header for the address); then reads the new
// bytes back through pkt: 0x02 << 16 | 0x1f90.
// PACKET: nat 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:139152 packet:02000000000202000000000108004500003a00010000401166b00a0000010a00000204d21f900026d49268656c6c6f207761736d3262706621210000000000000000000000000000
// xdp strip: xdp_adjust_head(14) drops the Ethernet header; pkt[0] is then
// the IP header's first byte, and XDP_TX (3) sends the rest.
// PACKET: strip 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:3 packet:4500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000
// xdp trim: xdp_adjust_tail(-30) cuts the padding; the last byte left is
// readable, the one after it not: pkt[41] = 0x70 (the UDP checksum's low
// byte), and a read of pkt[42] traps.
// PACKET: trim 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:112 packet:02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f370
// PACKET: trim_past 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => trap out of bounds memory access
// tc grow: skb_change_tail to 80 bytes (zeroes appended), then the new
// last byte is in the packet: ctx.len 80, pkt[79] 0.
// PACKET: grow 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:80 packet:02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d32627066212100000000000000000000000000000000000000000000
// xdp csum: bpf_csum_diff of the old and new destination addresses folded
// to 16 bits: the ones' complement sum of ~old and new in little-endian
// 16-bit words, 0xfff5 + 0x9bff + 0x000a + 0x0200 = 0x9dff.
// PACKET: csum 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:40447
// tc fib: the kernel reads the struct from the module's memory: a lookup
// from an interface that does not exist is -ENODEV (-19). (What a real
// lookup answers depends on the machine's forwarding settings; the veth
// test of samples/nat makes one where they are known.)
// PACKET: fib 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:4294967277
// xdp to a devmap entry nobody filled: the flags' action, XDP_PASS (2).
// PACKET: via_devmap 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:2
// socket filter: skb_load_bytes of the IP addresses (the test run's
// socket filter sees the frame from its IP header): 10.0.0.1 and
// 10.0.0.100 summed byte-wise: 10 + 1 + 10 + 100 = 121.
// PACKET: load 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:121
// tc in a helper-calling callee: the packet moved in a function the
// entry calls, and the entry reads it afterwards through its own pkt.
// PACKET: nat_in_callee 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:2 packet:02000000000202000000000108004500003a000100004011664e0a0000010a00000204d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000
// tc store_loop: a loop whose body moves the packet (as a bpf_loop
// callback on 6.1, a global function on 5.10, a counted loop on 6.18),
// reading each byte it wrote back through pkt: 6 rounds of 0x11 at
// 42..47, summed = 102.
// PACKET: store_loop 02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f37068656c6c6f207761736d3262706621210000000000000000000000000000 => i32:102 packet:02000000000202000000000108004500003a000100004011664e0a0000010a00006404d200500026f3701111111111117761736d3262706621210000000000000000000000000000
// TARGETS: 5.10 6.1 6.18
#include "wasm2bpf_sdk.h"

W2B_DEVMAP(ports, 4);

static const w2b_u8 new_dst[4] = { 10, 0, 0, 2 };
static const w2b_u8 new_port[2] = { 0x1f, 0x90 };

static w2b_u32 load32(const w2b_u8 *p)
{
	w2b_u32 v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

W2B_PROGRAM("tc", nat)
{
	w2b_u32 old = load32(pkt + 30), new = load32(new_dst);
	w2b_u16 oldp, newp;

	if (len < 42)
		return TC_ACT_SHOT;
	__builtin_memcpy(&oldp, pkt + 36, 2);
	__builtin_memcpy(&newp, new_port, 2);
	bpf_l3_csum_replace(14 + 10, old, new, 4);
	bpf_l4_csum_replace(14 + 20 + 6, old, new, BPF_F_PSEUDO_HDR | 4);
	bpf_skb_store_bytes(30, new_dst, 4, 0);
	bpf_l4_csum_replace(14 + 20 + 6, oldp, newp, 2);
	bpf_skb_store_bytes(36, new_port, 2, 0);
	return pkt[33] << 16 | pkt[36] << 8 | pkt[37];
}

W2B_PROGRAM("xdp", strip)
{
	if (bpf_xdp_adjust_head(14))
		return XDP_ABORTED;
	return pkt[0] == 0x45 ? XDP_TX : XDP_DROP;
}

W2B_PROGRAM("xdp", trim)
{
	if (bpf_xdp_adjust_tail(-30))
		return XDP_ABORTED;
	return pkt[41];
}

W2B_PROGRAM("xdp", trim_past)
{
	if (bpf_xdp_adjust_tail(-30))
		return XDP_ABORTED;
	return pkt[42];
}

W2B_PROGRAM("tc", grow)
{
	if (bpf_skb_change_tail(80, 0))
		return TC_ACT_SHOT;
	return (int)w2b_ctx_len() + pkt[79];
}

static w2b_u32 addrs[2] = { 0x6400000a, 0x0200000a };	/* 10.0.0.100, 10.0.0.2 */

W2B_PROGRAM("xdp", csum)
{
	w2b_u64 d = bpf_csum_diff(&addrs[0], 4, &addrs[1], 4, 0);

	d = (d & 0xffff) + (d >> 16 & 0xffff) + (d >> 32);
	d = (d & 0xffff) + (d >> 16);
	return (int)d;
}

static struct w2b_fib_lookup params;

W2B_PROGRAM("tc", fib)
{
	params.family = 2;
	params.ifindex = 0x7fffffff;
	params.ipv4_src = 0x0100007f;
	params.ipv4_dst = 0x0100007f;
	params.tot_len = 20;
	return (int)bpf_fib_lookup(&params, sizeof(params), 0);
}

W2B_PROGRAM("xdp", via_devmap)
{
	return (int)bpf_redirect_map(&ports, 0, XDP_PASS);
}

static w2b_u8 addr_bytes[8];

W2B_PROGRAM("socket", load)
{
	int sum = 0;

	if (bpf_skb_load_bytes(12, addr_bytes, 8))
		return 0;
	for (int k = 0; k < 8; k++)
		sum += addr_bytes[k];
	return sum;
}

__attribute__((noinline)) static long rewrite_dst(void)
{
	return bpf_skb_store_bytes(30, new_dst, 4, 0);
}

W2B_PROGRAM("tc", nat_in_callee)
{
	if (rewrite_dst())
		return TC_ACT_SHOT;
	return pkt[33];
}

static w2b_u32 rounds = 6;
static const w2b_u8 marker = 0x11;

W2B_PROGRAM("tc", store_loop)
{
	int sum = 0;

#pragma clang loop unroll(disable)
	for (w2b_u32 k = 0; k < rounds && k < 16; k++) {
		if (bpf_skb_store_bytes(42 + k, &marker, 1, 0))
			return TC_ACT_SHOT;
		sum += pkt[42 + k];
	}
	return sum;
}
