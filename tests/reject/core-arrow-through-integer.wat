;; ARGS: --entry f=tp_btf/sched_process_exec
;; '->' follows a pointer; tgid is an integer.
(module
  (import "core" "read task_struct tgid->pid" (func $x (param i64) (result i32)))
  (func (export "f") (param $task i64)
    (drop (call $x (local.get $task)))))
