#!/usr/bin/env python3
# ARGS: --all-exports
# KERNEL: complexity
"""8,300 independent ifs in a row, each calling a helper (so LLVM keeps a
branch, not a select): the verifier's first path passes every one of them
with the other way still to walk, and it keeps at most 8,192 such states
("The sequence of 8193 jumps is too complex", -E2BIG). 8,150 of them load."""
N = 8300
body = "\n".join(
    "    (if (i32.eq (i32.load8_u (i32.const %d)) (i32.const %d))"
    " (then (local.set $s (i64.add (local.get $s) (call $now)))))" % (k % 4096, k % 7)
    for k in range(N))
print("""(module
  (import "bpf" "ktime_get_ns" (func $now (result i64)))
  (memory 1)
  (func (export "f") (param $n i32) (result i64) (local $s i64)
%s
    (local.get $s)))""" % body)
