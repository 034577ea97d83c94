;; ARGS: --entry f=xdp
;; KERNEL: helper
;; bpf_skb_store_bytes writes into an skb: tc programs only, not XDP.
(module
  (import "bpf" "skb_store_bytes" (func $store (param i32 i32 i32 i64) (result i32)))
  (memory 1)
  (func (export "f") (param i32 i32) (result i32)
    (call $store (i32.const 30) (i32.const 16) (i32.const 4) (i64.const 0))))
