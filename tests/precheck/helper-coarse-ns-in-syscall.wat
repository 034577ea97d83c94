;; ARGS: --entry f=syscall
;; KERNEL: helper
;; bpf_ktime_get_coarse_ns is for packet programs only (its func_proto is
;; in the networking program types): a syscall program calling it is
;; "unknown func bpf_ktime_get_coarse_ns#160".
(module
  (import "bpf" "ktime_get_coarse_ns" (func $coarse (result i64)))
  (func (export "f") (result i64) (call $coarse)))
