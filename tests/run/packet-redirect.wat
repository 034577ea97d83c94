;; ARGS: --entry x=xdp --entry t=tc
;; bpf_redirect from XDP and tc: its result is the verdict that sends the
;; packet to interface 1 (lo), XDP_REDIRECT (4) and TC_ACT_REDIRECT (7),
;; as a test run returns it (no live frames: nothing is sent).
;; PACKET: x 000000000001000000000002080045000014000000004011000000000000000000000000 => i32:4
;; PACKET: t 000000000001000000000002080045000014000000004011000000000000000000000000 => i32:7
(module
  (import "bpf" "redirect" (func $redirect (param i32 i64) (result i32)))
  (memory 1)
  (func (export "x") (param i32 i32) (result i32) (call $redirect (i32.const 1) (i64.const 0)))
  (func (export "t") (param i32 i32) (result i32) (call $redirect (i32.const 1) (i64.const 0))))
