;; ARGS: --entry f=tp_btf/sched_process_exec --btf=/nonexistent/vmlinux
;; The BTF the names are resolved against cannot be read.
(module
  (import "core" "read task_struct tgid" (func $x (param i64) (result i32)))
  (func (export "f") (param $task i64)
    (drop (call $x (local.get $task)))))
