;; ARGS: --entry f=cgroup_skb/ingress --target-kernel=5.10
;; KERNEL: kernel version
;; ON: 5.10
;; bpf_ktime_get_tai_ns came in 6.1: a cgroup_skb/ingress program calling it does not load
;; on 5.10.
(module
  (import "bpf" "ktime_get_tai_ns" (func $tai (result i64)))
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (i32.wrap_i64 (i64.and (call $tai) (i64.const 1)))))
