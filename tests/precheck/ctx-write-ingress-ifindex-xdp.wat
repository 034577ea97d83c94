;; ARGS: --entry f=xdp
;; KERNEL: bounds
;; A xdp program writes the context field ingress_ifindex (writable by nobody): the store
;; is "invalid bpf_context access".
(module
  (import "ctx" "set_ingress_ifindex" (func $set (param i32)))
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (call $set (local.get $len))
    (i32.const 0)))
