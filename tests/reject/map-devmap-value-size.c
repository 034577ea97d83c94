// A devmap's value is an ifindex (4 bytes) or struct bpf_devmap_val (8).
#include "wasm2bpf_sdk.h"
W2B_MAP_DEF(ports, BPF_MAP_TYPE_DEVMAP, 4, 16, 8, 0u, LIBBPF_PIN_NONE);
W2B_PROGRAM("xdp", f)
{
	return (int)bpf_redirect_map(&ports, 0, XDP_PASS);
}
