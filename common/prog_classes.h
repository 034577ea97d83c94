/*
 * prog_classes.h — sets of program types, as bits over program_types.def's
 * rows in order: what helpers.def's PROGRAMS column names.
 *
 * The classes follow the kernel's func_proto per program type (net/core/
 * filter.c, kernel/trace/bpf_trace.c), measured on 6.1 and 6.18.
 */
#ifndef W2B_PROG_CLASSES_H
#define W2B_PROG_CLASSES_H

enum w2b_prog_row {
#define X(id, ...) W2B_PROG_ROW_##id,
#include "common/program_types.def"
#undef X
	W2B_PROG_ROWS
};

#define W2B_PROG_BIT(id) (1u << W2B_PROG_ROW_##id)

/* every program type */
#define W2B_PROGS_ALL ((1u << W2B_PROG_ROWS) - 1)
/* xdp */
#define W2B_PROGS_XDP W2B_PROG_BIT(XDP)
/* the tc family: tc, classifier, tcx */
#define W2B_PROGS_TC                                                            \
	(W2B_PROG_BIT(TC) | W2B_PROG_BIT(TC_CLASSIFIER) | W2B_PROG_BIT(TCX_INGRESS) | \
	 W2B_PROG_BIT(TCX_EGRESS))
/* direct packet access that may pass a packet on: xdp and tc */
#define W2B_PROGS_DIRECT (W2B_PROGS_XDP | W2B_PROGS_TC)
/* an skb context: tc, cgroup_skb, socket */
#define W2B_PROGS_SKB                                                           \
	(W2B_PROGS_TC | W2B_PROG_BIT(CGROUP_SKB_INGRESS) | W2B_PROG_BIT(CGROUP_SKB_EGRESS) | \
	 W2B_PROG_BIT(SOCKET))
/* every program with a packet */
#define W2B_PROGS_PACKET (W2B_PROGS_XDP | W2B_PROGS_SKB)
/* every program without one: the tracing types, and syscall, whose
 * func_proto falls back to the tracing one */
#define W2B_PROGS_TRACING (W2B_PROGS_ALL & ~W2B_PROGS_PACKET)
/* BPF_PROG_TYPE_KPROBE: kprobe, uprobe, kretprobe, uretprobe sections */
#define W2B_PROGS_KPROBE                                                        \
	(W2B_PROG_BIT(KPROBE) | W2B_PROG_BIT(UPROBE) | W2B_PROG_BIT(KRETPROBE) |   \
	 W2B_PROG_BIT(URETPROBE))

#endif
