#!/usr/bin/env python3
# ARGS: --entry f=cgroup_skb/egress
# KERNEL: complexity
"""A cgroup_skb program with 8,400 tests of bytes of its memory, each a
branch around a helper call: past the kernel's 8,192 pending branch
states on the verifier's first path ("The sequence of 8193 jumps is too
complex")."""
N = 8400
body = "\n".join(
    "    (if (i32.eq (i32.load8_u (i32.const %d)) (i32.const %d))"
    " (then (local.set $s (i64.add (local.get $s) (call $now)))))" % (4 * k % 4096, k % 5)
    for k in range(N))
print("""(module
  (import "bpf" "ktime_get_ns" (func $now (result i64)))
  (memory 1)
  (func (export "f") (param $pkt i32) (param $len i32) (result i32) (local $s i64)
%s
    (i32.wrap_i64 (i64.and (local.get $s) (i64.const 1)))))""" % body)
