;; ARGS: --entry f=tp_btf/sched_process_exec
;; '.' names a member of a struct member; real_parent is a pointer, which
;; '->' follows.
(module
  (import "core" "read task_struct real_parent.tgid" (func $ppid (param i64) (result i32)))
  (func (export "f") (param $task i64)
    (drop (call $ppid (local.get $task)))))
