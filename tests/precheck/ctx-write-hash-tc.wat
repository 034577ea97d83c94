;; ARGS: --entry f=tc
;; KERNEL: bounds
;; A tc program writes the context field hash (writable by nobody): the store
;; is "invalid bpf_context access".
(module
  (import "ctx" "set_hash" (func $set (param i32)))
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (call $set (local.get $len))
    (i32.const 0)))
