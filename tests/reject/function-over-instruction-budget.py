#!/usr/bin/env python3
"""One function of 102,002 instructions, over the 100,000 wasm2bpf
compiles in one function (ir/budgets.c: LLVM's code generation time grows
faster than the size; 200,000 took 253 s). Refused at the function, in
the frontend's time."""
N = 17000   # statements of 6 instructions
print('(module (func (export "f") (param i32) (result i32)')
for k in range(N):
    print(' local.get 0 i32.const %d i32.xor i32.const %d i32.rotl local.set 0' % (k * 7 + 1, k % 13 + 1))
print(' local.get 0))')
