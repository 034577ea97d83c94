/*
 * maps_loader.c — a libbpf skeleton of an SDK module's object
 * (samples/counters: `bpftool gen skeleton counters.bpf.o`): the map the
 * module declared with W2B_MAP is skel->maps.proto_stats, with the type,
 * sizes and max entries it declared, and what the program counts is read
 * through it. Prints "skeleton maps: N passed, M failed".
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.skel.h"
#include "expect.h"


int main(void)
{
	/* Ethernet, IPv4 (protocol 17, UDP), 8 bytes of UDP header: 42 bytes */
	uint8_t frame[64] = { [12] = 0x08, [13] = 0x00, [14] = 0x45, [23] = 17 };
	struct counters *skel = counters__open_and_load();
	struct bpf_test_run_opts opts;
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *vals, packets = 0, bytes = 0;
	uint32_t key = 17;
	const struct bpf_map *m;

	if (!skel || ncpus <= 0) {
		perror("counters__open_and_load");
		return 1;
	}
	m = skel->maps.proto_stats;
	expect("proto_stats type (BPF_MAP_TYPE_PERCPU_ARRAY)", bpf_map__type(m), BPF_MAP_TYPE_PERCPU_ARRAY);
	expect("proto_stats key size", bpf_map__key_size(m), 4);
	expect("proto_stats value size", bpf_map__value_size(m), 16);
	expect("proto_stats max entries", bpf_map__max_entries(m), 256);

	memset(&opts, 0, sizeof(opts));
	opts.sz = sizeof(opts);
	opts.data_in = frame;
	opts.data_size_in = sizeof(frame);
	opts.repeat = 3;
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.counters), &opts)) {
		perror("bpf_prog_test_run_opts");
		counters__destroy(skel);
		return 1;
	}
	expect("verdict (XDP_PASS)", opts.retval, XDP_PASS);
	vals = calloc((size_t)ncpus * 2, sizeof(*vals));
	if (!vals || bpf_map__lookup_elem(m, &key, sizeof(key), vals,
					  (size_t)ncpus * 2 * sizeof(*vals), 0)) {
		perror("bpf_map__lookup_elem");
		free(vals);
		counters__destroy(skel);
		return 1;
	}
	for (int c = 0; c < ncpus; c++) {
		packets += vals[2 * c];
		bytes += vals[2 * c + 1];
	}
	expect("UDP packets, summed over CPUs", packets, 3);
	expect("UDP bytes, summed over CPUs", bytes, 3 * sizeof(frame));
	free(vals);
	counters__destroy(skel);
	printf("skeleton maps: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
