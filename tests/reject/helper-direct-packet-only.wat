;; ARGS: --entry f=cgroup_skb/ingress
;; KERNEL: helper
;; bpf_redirect is for programs that may pass a packet on (xdp, tc, tcx);
;; a cgroup_skb program may not call it.
(module
  (import "bpf" "redirect" (func $redirect (param i32 i64) (result i32)))
  (func (export "f") (param i32 i32) (result i32) (call $redirect (i32.const 1) (i64.const 0))))
