;; ARGS: --entry f=cgroup_skb/ingress --license=Apache-2.0
;; KERNEL: license
;; bpf_trace_printk is GPL-only: a cgroup_skb/ingress program under license "Apache-2.0" is
;; refused ("cannot call GPL-restricted function from non-GPL compatible
;; program").
(module
  (import "bpf" "trace_printk" (func $printk (param i32 i32 i64 i64 i64) (result i32)))
  (memory 1)
  (data (i32.const 16) "len %d\00")
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (drop (call $printk (i32.const 16) (i32.const 7) (i64.extend_i32_u (local.get $len))
                        (i64.const 0) (i64.const 0)))
    (i32.const 1)))
