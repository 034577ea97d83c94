;; ARGS: --entry f=tp_btf/sched_process_exec
;; An 8-byte field (a pointer) read into an i32 would lose half of it.
(module
  (import "core" "read task_struct real_parent" (func $x (param i64) (result i32)))
  (func (export "f") (param $task i64)
    (drop (call $x (local.get $task)))))
