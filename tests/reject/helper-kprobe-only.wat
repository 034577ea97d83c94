;; ARGS: --entry f=raw_tp/sys_enter
;; KERNEL: helper
;; bpf_override_return changes a probed function's return value: kprobes
;; only, not a raw tracepoint.
(module
  (import "bpf" "override_return" (func $override (param i64) (result i32)))
  (func (export "f") (param i64 i64) (result i32) (call $override (i64.const -1))))
