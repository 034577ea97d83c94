// A socket filter: the kernel gives it no direct packet access, so each
// read is a bpf_skb_load_bytes copy. Offset 0 is where the skb's data
// starts: the network header in BPF_PROG_TEST_RUN (which pulls the
// Ethernet header given to it) and on an AF_PACKET SOCK_DGRAM socket
// (TCP and UDP sockets: the transport header; SOCK_RAW: the MAC header).
// It keeps IPv4 UDP to port 53 and drops the rest; a read past the end
// traps, and the filter then drops (0). (Test runs of socket filters
// refuse frames much shorter than 64 bytes: -EINVAL.)
// PACKET: dns 00000000000000000000000008004500002000000000401100000000000000000000303900350000aaaa => i32:2147483647
// PACKET: dns 00000000000000000000000008004500002000000000401100000000000000000000303900360000aaaa => i32:0
// PACKET: dns 00000000000000000000000008004500002000000000400600000000000000000000303900350000aaaa => i32:0
// PACKET: past_end 00000000000000000000000008004500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 => trap out of bounds memory access
#include "wasm2bpf_sdk.h"

W2B_PROGRAM("socket", dns)
{
	w2b_u32 ihl;

	if (len < 20 || (pkt[0] >> 4) != 4 || pkt[9] != 17)
		return 0;
	ihl = (pkt[0] & 0x0f) * 4u;
	if (len < ihl + 8)
		return 0;
	return w2b_load_be16(pkt + ihl + 2) == 53 ? W2B_SOCKET_KEEP_ALL : 0;
}

W2B_PROGRAM("socket", past_end)
{
	return pkt[len + 3];
}
