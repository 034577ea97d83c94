/*
 * csum.c — UDP checksum verification at XDP, for the benchmark
 * (bench/perf.py): the wasm2bpf side of bench/native/csum.bpf.c, the same
 * algorithm.
 *
 * For an IPv4 UDP datagram with a checksum, the RFC 1071 ones' complement
 * sum over the pseudo-header (addresses, protocol, UDP length), the UDP
 * header (its checksum field included) and the payload. A correct
 * datagram sums to 0xffff: it passes; any other sum drops it. The folded
 * sum is stored in the array map csum_result (key 0), so that the result
 * is observable and the benchmark can compare it with its own. Frames
 * that are not IPv4 UDP, or carry no checksum (0), pass untouched.
 *
 * The sum, as RFC 1071 section 2 allows: 32-bit words added into a 64-bit
 * accumulator in the machine's byte order (the sum of byte-swapped words is
 * the byte-swapped sum, and 0xffff is its own swap), then a 16-bit and an
 * 8-bit tail, then the carries folded back in. The benchmark's datagram
 * carries 1400 bytes of payload: 352 words with the UDP header.
 */
#include "wasm2bpf_sdk.h"

enum { ETH_HLEN = 14, ETH_P_IP = 0x0800, IPPROTO_UDP = 17 };

W2B_MAP(csum_result, BPF_MAP_TYPE_ARRAY, w2b_u32, w2b_u32, 1);

static inline __attribute__((always_inline)) w2b_u32 load32(const w2b_u8 *p)
{
	w2b_u32 v;

	__builtin_memcpy(&v, p, 4);
	return v;
}

static inline __attribute__((always_inline)) w2b_u16 load16(const w2b_u8 *p)
{
	w2b_u16 v;

	__builtin_memcpy(&v, p, 2);
	return v;
}

W2B_PROGRAM("xdp", csum)
{
	w2b_u32 ihl, udp, ulen, i, key = 0, *res;
	w2b_u64 sum;

	if (len < ETH_HLEN + 20 || w2b_load_be16(pkt + 12) != ETH_P_IP)
		return XDP_PASS;
	ihl = (pkt[ETH_HLEN] & 0x0f) * 4u;
	if (pkt[ETH_HLEN + 9] != IPPROTO_UDP || ihl < 20)
		return XDP_PASS;
	udp = ETH_HLEN + ihl;
	if (udp + 8 > len)
		return XDP_PASS;
	ulen = w2b_load_be16(pkt + udp + 4);
	/* longer than a 1500-byte MTU allows: unchecked, as natively */
	if (ulen < 8 || ulen > 1500 || udp + ulen > len || load16(pkt + udp + 6) == 0)
		return XDP_PASS;

	/* pseudo-header: both addresses, then zero, protocol and UDP length as
	 * the two big-endian 16-bit words they are on the wire */
	sum = (w2b_u64)load32(pkt + ETH_HLEN + 12) + load32(pkt + ETH_HLEN + 16) +
	      ((w2b_u32)IPPROTO_UDP << 8) + load16(pkt + udp + 4);
	for (i = 0; i + 4 <= ulen; i += 4)
		sum += load32(pkt + udp + i);
	if (i + 2 <= ulen) {
		sum += load16(pkt + udp + i);
		i += 2;
	}
	if (i < ulen)
		sum += pkt[udp + i];	/* a last odd byte: the high byte of its word */
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);

	res = bpf_map_lookup_elem(&csum_result, &key);
	if (res)
		*res = (w2b_u32)sum;
	return sum == 0xffff ? XDP_PASS : XDP_DROP;
}
