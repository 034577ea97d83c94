;; ARGS: --entry f=syscall -O0
;; KERNEL: helper
;; The call in a function the program calls (at -O0 LLVM inlines
;; nothing: a bpf-to-bpf call, whose callee the precheck walks with the
;; caller's arguments).
(module
  (import "bpf" "ktime_get_coarse_ns" (func $coarse (result i64)))
  (func $stamp (param $k i64) (result i64) (i64.add (local.get $k) (call $coarse)))
  (func (export "f") (result i64) (call $stamp (i64.const 7))))
