;; ARGS: --entry f=tp_btf/sched_process_exec
;; A member the struct does not have (its anonymous members searched too):
;; refused, with the nearest member names.
(module
  (import "core" "read task_struct real_parnt->tgid" (func $ppid (param i64) (result i32)))
  (func (export "f") (param $task i64)
    (drop (call $ppid (local.get $task)))))
