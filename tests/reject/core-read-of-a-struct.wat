;; ARGS: --entry f=tp_btf/sched_process_exec
;; A read takes an integer, enum or pointer; se is a struct (read one of
;; its members: se.vruntime).
(module
  (import "core" "read task_struct se" (func $x (param i64) (result i64)))
  (func (export "f") (param $task i64)
    (drop (call $x (local.get $task)))))
