#!/usr/bin/env python3
# ARGS: --all-exports
"""A memory over ~32 KiB keeps its hot 16 KiB block in the per-CPU env
value beside the mutable globals (backend-bpf/emit_memory.c), and a
per-CPU map value holds at most 32 KiB: 2,100 mutable globals (8 bytes
each) leave no room for it. Refused at compile time, not at load."""
N = 2100
print("(module\n  (memory 1)\n  %s\n  (func (export \"f\") (param $a i32) (result i32)\n    %s\n    (i32.load (local.get $a))))" % (
    "\n  ".join("(global $g%d (mut i32) (i32.const 0))" % k for k in range(N)),
    "\n    ".join("(global.set $g%d (local.get $a))" % k for k in range(N))))
