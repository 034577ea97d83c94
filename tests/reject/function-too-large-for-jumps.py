#!/usr/bin/env python3
# ARGS: --all-exports -O0
"""A branch over more BPF instructions than v3's 16-bit jump offset reaches
(32767): LLVM's BPF backend gives up with a fatal error, which wasm2bpf
turns into a refusal saying what to do (it used to abort: SIGABRT). Prints
the module: one br_if over 8000 statements around i32.popcnt, which BPF
has no instruction for (a dozen instructions each), so the function stays
under the 100,000-instruction budget (ir/budgets.c) and its code is still
well over the limit; --mcpu=v4's long jumps compile it."""
print('(module\n  (func (export "f") (param i32) (result i32)\n    (block\n'
      '      (br_if 0 (i32.eqz (local.get 0)))')
for i in range(8000):
    print("      (local.set 0 (i32.xor (i32.popcnt (local.get 0)) (i32.const %d)))" % (2 * i + 3))
print("    )\n    (local.get 0)))")
