;; ARGS: --entry f=xdp
;; KERNEL: helper
;; bpf_get_socket_cookie reads the skb's socket: tc, cgroup_skb and socket
;; filters may call it, XDP (no skb, no socket) may not.
(module
  (import "bpf" "get_socket_cookie" (func $cookie (result i64)))
  (func (export "f") (param i32 i32) (result i32) (i32.wrap_i64 (call $cookie))))
