;; A helper imported with a type that is not its own.
(module
  (import "bpf" "ktime_get_ns" (func $now (result i32)))
  (func (export "f") (result i32) (call $now)))
