;; ARGS: --entry f=tp_btf/sched_process_exec --license=MIT
;; A core read is a bpf_probe_read_kernel, GPL-only.
(module
  (import "core" "read task_struct tgid" (func $x (param i64) (result i32)))
  (func (export "f") (param $task i64)
    (drop (call $x (local.get $task)))))
