// Context fields read and written in place (imports from module "ctx").
// tc: skb->len is the frame's 64 bytes, skb->protocol the EtherType as
// eth_type_trans stores it (big endian in a u32: 0x0008 for IPv4), and a
// mark set reads back: 64 + 8 * 256 + 0x10000.
// PACKET: tc_fields 00000000000000000000000008004500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 => i32:67648
// xdp: rx_queue_index of a test run is 0, its ingress_ifindex loopback's 1.
// PACKET: xdp_fields 00000000000000000000000008004500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 => i32:1
#include "wasm2bpf_sdk.h"

W2B_PROGRAM("tc", tc_fields)
{
	w2b_ctx_set_mark(0x42);
	return (int)(w2b_ctx_len() + w2b_ctx_protocol() * 256 +
		     (w2b_ctx_mark() == 0x42 ? 0x10000 : 0));
}

W2B_PROGRAM("xdp", xdp_fields)
{
	return (int)(w2b_ctx_rx_queue_index() * 100 + w2b_ctx_ingress_ifindex());
}
