;; ARGS: --entry f=xdp
;; bpf_get_current_pid_tgid is the tracing programs' (and syscall's) on the
;; default target, 6.1: an XDP program calling it is refused, as the
;; kernel would ("unknown func bpf_get_current_pid_tgid#14").
(module
  (import "bpf" "get_current_pid_tgid" (func $id (result i64)))
  (func (export "f") (param i32 i32) (result i32)
    (i32.wrap_i64 (i64.and (call $id) (i64.const 1)))))
