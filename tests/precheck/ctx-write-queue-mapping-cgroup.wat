;; ARGS: --entry f=cgroup_skb/egress
;; KERNEL: bounds
;; A cgroup_skb/egress program writes the context field queue_mapping (writable by tc only): the store
;; is "invalid bpf_context access".
(module
  (import "ctx" "set_queue_mapping" (func $set (param i32)))
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (call $set (local.get $len))
    (i32.const 0)))
