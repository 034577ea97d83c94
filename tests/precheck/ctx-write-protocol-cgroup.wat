;; ARGS: --entry f=cgroup_skb/ingress
;; KERNEL: bounds
;; A cgroup_skb/ingress program writes the context field protocol (writable by nobody): the store
;; is "invalid bpf_context access".
(module
  (import "ctx" "set_protocol" (func $set (param i32)))
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (call $set (local.get $len))
    (i32.const 0)))
