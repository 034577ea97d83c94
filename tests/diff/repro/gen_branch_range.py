#!/usr/bin/env python3
"""Prints a module (branch_range.wat): one br_if over N (default 17000) straight-line
i32 operations. wasm2bpf aborts (SIGABRT, exit 134) after ~100 s with
`LLVM ERROR: Branch target out of insn range`: the BPF jump needs an offset
beyond eBPF's 16-bit range (32767 instructions) and nothing splits it or
refuses the function. Found by csmith_batch.py (--seed 4: csmith seed
1674490825 at O1+bulk, a 79 KB module). Expected: exit 1 with a located
"function too large" refusal (or a working long jump: `gotol` with
--mcpu=v4).

    python3 tests/diff/repro/gen_branch_range.py > /tmp/branch_range.wat
    wasm2bpf run /tmp/branch_range.wat --invoke f i32:1      # node: i32:4053771949
"""
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 17000
print('(module\n  (func (export "f") (param i32) (result i32)\n    (block\n'
      '      (br_if 0 (i32.eqz (local.get 0)))')
for i in range(n):
    print("      (local.set 0 (i32.xor (i32.mul (local.get 0) (i32.const %d)) (i32.const %d)))" % (2 * i + 3, i))
print("    )\n    (local.get 0)))")
