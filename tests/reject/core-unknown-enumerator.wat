;; ARGS: --entry f=tp_btf/sched_process_exec
;; An enumerator the enum does not have: refused, with the nearest ones.
(module
  (import "core" "enum pid_type PIDTYPE_TGD" (func $x (result i64)))
  (func (export "f") (param $task i64)
    (drop (call $x))))
