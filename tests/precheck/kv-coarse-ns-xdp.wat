;; ARGS: --entry f=xdp --target-kernel=5.10
;; KERNEL: kernel version
;; ON: 5.10
;; bpf_ktime_get_coarse_ns came in 5.11: 5.10 does not know it.
(module
  (import "bpf" "ktime_get_coarse_ns" (func $coarse (result i64)))
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (i32.wrap_i64 (i64.and (call $coarse) (i64.const 1)))))
