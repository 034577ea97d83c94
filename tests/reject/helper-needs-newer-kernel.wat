;; ARGS: --all-exports --target-kernel=5.15
;; bpf_ktime_get_tai_ns exists from kernel 6.1: a call of it is refused for
;; an older target, at the call, with what to use instead where there is
;; something (common/helpers.def's kernel column).
(module
  (import "bpf" "ktime_get_tai_ns" (func $tai (result i64)))
  (func (export "now") (result i64)
    (call $tai)))
