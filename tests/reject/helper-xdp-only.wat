;; ARGS: --entry f=tc
;; KERNEL: helper
;; bpf_xdp_adjust_head moves an XDP frame's start; a tc program may not
;; call it (the refusal names the skb helpers that do that job).
(module
  (import "bpf" "xdp_adjust_head" (func $adjust (param i32) (result i32)))
  (func (export "f") (param i32 i32) (result i32) (call $adjust (i32.const 14))))
