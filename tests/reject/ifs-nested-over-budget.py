#!/usr/bin/env python3
"""1,025 `if`s nested inside each other, one more than wasm2bpf compiles
(ir/budgets.c: LLVM's analyses of dominating conditions make the time
grow with the square of the depth; 1,000 take ~13 s). Refused at the
first `if` past the budget."""
N = 1025
print('(module (func (export "f") (param i32) (result i32)')
for k in range(N):
    print(' local.get 0 i32.const %d i32.gt_u (if (then local.get 0 i32.const %d i32.add local.set 0' % (k, k + 1))
print(')' * (2 * N))
print(' local.get 0))')
