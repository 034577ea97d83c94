// Maps whose keys and values are C types, built with -g: the object's BTF
// describes them by field (frontend/dwarf_types.c), as clang's BPF objects
// do, so bpftool prints a value by field. A bit-field value is described
// by its size only (a note says so).
// CFLAGS: -g
#include "wasm2bpf_sdk.h"

struct flow {
	w2b_u32 saddr, daddr;
	w2b_u16 sport, dport;
	w2b_u8 proto;
	w2b_u8 pad[3];
};

union addr {
	w2b_u32 v4;
	w2b_u8 bytes[4];
};

enum verdict { PASS, DROP, REDIRECT = -1 };

typedef struct {
	w2b_u64 hits[2][3];
	union addr last;
	enum verdict v;
	const char *note;
	_Bool seen;
	signed char level;
} stats_t;

struct bits {
	w2b_u32 a : 3, b : 29;
};

struct event {
	w2b_u32 pid;
	char comm[16];
};

W2B_MAP(flows, BPF_MAP_TYPE_HASH, struct flow, stats_t, 64);
W2B_MAP(packed, BPF_MAP_TYPE_ARRAY, w2b_u32, struct bits, 4);
W2B_RINGBUF_OF(events, 4096, struct event);

W2B_PROGRAM("xdp", count)
{
	struct flow fl = { 0 };
	stats_t *s;

	if (len < 34)
		return XDP_PASS;
	__builtin_memcpy(&fl.saddr, pkt + 26, 4);
	__builtin_memcpy(&fl.daddr, pkt + 30, 4);
	fl.proto = pkt[23];
	s = bpf_map_lookup_elem(&flows, &fl);
	if (s) {
		s->hits[1][2]++;
		s->seen = 1;
	}
	return XDP_PASS;
}
