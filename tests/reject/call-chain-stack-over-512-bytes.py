#!/usr/bin/env python3
# ARGS: --entry deep=xdp --target-kernel=5.10
# KERNEL: stack
"""Two nested loops on 5.10, each body a global function (a stack frame)
that keeps 34 values from a helper live across another helper call: ~260
bytes of stack each, under the 512 each function may have, but the kernel
adds up the frames of a chain of calls, each rounded up to 32 bytes, and
refuses the program at load ("combined stack size of 3 calls is 544. Too
large", as measured on 6.18 with the check turned off). Refused at compile
time, at the entry, with the bytes of each frame."""
N = 34


def body(d):
    out = ["(local.set $v%d_%d (call $now))" % (d, k) for k in range(N)]
    out.append("(drop (call $now))")
    acc = "(i64.const 7)"
    for k in reversed(range(N)):   # used in the reverse order: all live at once
        acc = "(i64.xor (i64.mul %s (i64.const 31)) (local.get $v%d_%d))" % (acc, d, k)
    out.append("(local.set $s (i64.add (local.get $s) %s))" % acc)
    return "\n      ".join(out)


print("""(module
  (import "bpf" "ktime_get_ns" (func $now (result i64)))
  (func (export "deep") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $s i64) %s
    (loop $a
      %s
      (local.set $j (i32.const 0))
      (loop $b
        %s
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $b (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $a (i32.lt_u (local.get $i) (local.get $n))))
    (i32.wrap_i64 (local.get $s))))""" % (
    " ".join("(local $v%d_%d i64)" % (d, k) for d in range(2) for k in range(N)),
    body(0), body(1)))
