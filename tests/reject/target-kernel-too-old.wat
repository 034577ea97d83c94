;; ARGS: --all-exports --target-kernel=4.19
;; wasm2bpf targets kernels from 5.10 (Debian 11), the oldest it tests.
(module
  (func (export "one") (result i32) (i32.const 1)))
