;; ARGS: --entry f=tp_btf/sched_process_exec
;; A "core" import names a struct the kernel's BTF does not have: refused,
;; with the nearest names it has.
(module
  (import "core" "read task_strcut real_parent->tgid" (func $ppid (param i64) (result i32)))
  (func (export "f") (param $task i64)
    (drop (call $ppid (local.get $task)))))
