;; ARGS: --entry f=syscall
;; KERNEL: helper
;; The same call inside a loop: on the default target the loop body is a
;; bpf_loop callback, a function of its own the precheck walks from
;; bpf_loop's call.
(module
  (import "bpf" "ktime_get_coarse_ns" (func $coarse (result i64)))
  (func (export "f") (param $n i32) (result i64) (local $s i64) (local $i i32)
    (loop $l
      (local.set $s (i64.add (local.get $s) (call $coarse)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))
