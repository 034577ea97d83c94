/*
 * policy.c — the example docs/install.md builds from an installed
 * wasm2bpf, with CMake (docs/examples/cmake) and make + pkg-config
 * (docs/examples/make): an XDP program that drops IPv4 UDP to port 9,
 * written with the kernel's own header structs (linux/if_ether.h,
 * linux/ip.h, linux/udp.h: the UAPI headers the install's flags find).
 */
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include "wasm2bpf_sdk.h"

W2B_MAP(dropped, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u64, 1);

W2B_PROGRAM("xdp", discard_filter)
{
	const struct ethhdr *eth = (const struct ethhdr *)pkt;
	const struct iphdr *ip = (const struct iphdr *)(pkt + sizeof(*eth));
	const struct udphdr *udp;
	w2b_u32 zero = 0;
	w2b_u64 *n;

	if (len < sizeof(*eth) + sizeof(*ip) + sizeof(*udp) ||
	    eth->h_proto != __builtin_bswap16(ETH_P_IP) || ip->protocol != 17)
		return XDP_PASS;
	udp = (const struct udphdr *)((const w2b_u8 *)ip + ip->ihl * 4);
	if ((const w2b_u8 *)(udp + 1) > pkt + len || udp->dest != __builtin_bswap16(9))
		return XDP_PASS;
	n = bpf_map_lookup_elem(&dropped, &zero);
	if (n)
		w2b_atomic_add(n, 1);
	return XDP_DROP;
}
