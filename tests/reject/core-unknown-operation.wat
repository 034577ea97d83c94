;; ARGS: --entry f=tp_btf/sched_process_exec
;; The operations are read, exists and size.
(module
  (import "core" "write task_struct tgid" (func $x (param i64) (result i32)))
  (func (export "f") (param $task i64)
    (drop (call $x (local.get $task)))))
