;; An import from "bpf" that is not a helper: the error lists what exists.
(module
  (import "bpf" "get_current_pid" (func $pid (result i64)))
  (func (export "f") (result i64) (call $pid)))
