#!/usr/bin/env python3
# ARGS: --all-exports -O0
"""A branch over more BPF instructions than v3's 16-bit jump offset reaches
(32767): LLVM's BPF backend gives up with a fatal error, which wasm2bpf
turns into a refusal saying what to do (it used to abort: SIGABRT). Prints
the module: one br_if over 17000 straight-line i32 operations (at -O0,
well over the limit; --mcpu=v4's long jumps compile it)."""
print('(module\n  (func (export "f") (param i32) (result i32)\n    (block\n'
      '      (br_if 0 (i32.eqz (local.get 0)))')
for i in range(17000):
    print("      (local.set 0 (i32.xor (i32.mul (local.get 0) (i32.const %d)) (i32.const %d)))"
          % (2 * i + 3, i))
print("    )\n    (local.get 0)))")
