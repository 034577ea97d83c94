;; ARGS: --entry f=tc
;; A helper that takes the program's context (bpf_skb_load_bytes) in code
;; the start function runs: the instance's first run has no program
;; context to give it.
(module
  (import "bpf" "skb_load_bytes" (func $load (param i32 i32 i32) (result i32)))
  (memory 1)
  (func $init (drop (call $load (i32.const 0) (i32.const 16) (i32.const 4))))
  (start $init)
  (func (export "f") (param i32 i32) (result i32) (i32.const 0)))
