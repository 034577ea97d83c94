;; ARGS: --entry pidtype=raw_tp/sys_enter --entry size=raw_tp/sys_enter --entry exists=raw_tp/sys_enter --entry same_tgid=raw_tp/sys_enter --entry parent=raw_tp/sys_enter --entry null=raw_tp/sys_enter
;; Kernel fields by name (imports from module "core"), resolved against the
;; running kernel's BTF and relocated by libbpf at load (CO-RE), in raw
;; tracepoint programs test-run by the process that runs them:
;; size and exists are what the loading kernel says of task_struct.pid;
;; same_tgid reads the current task's tgid (bpf_get_current_task, then
;; task->tgid) and compares it with bpf_get_current_pid_tgid's; parent
;; follows task->real_parent->tgid, a process (not 0); null reads through a
;; NULL pointer, which gives 0; pidtype is enum pid_type's PIDTYPE_TGID in
;; the loading kernel (an enum value relocation).
;; INVOKE: pidtype => i32:1
;; INVOKE: size => i32:4
;; INVOKE: exists => i32:1
;; INVOKE: same_tgid => i32:1
;; INVOKE: parent => i32:1
;; INVOKE: null => i32:0
(module
  (import "bpf" "get_current_task" (func $task (result i64)))
  (import "bpf" "get_current_pid_tgid" (func $id (result i64)))
  (import "core" "size task_struct pid" (func $size (result i32)))
  (import "core" "enum pid_type PIDTYPE_TGID" (func $tgid_type (result i64)))
  (import "core" "exists task_struct pid" (func $exists (result i32)))
  (import "core" "read task_struct tgid" (func $tgid (param i64) (result i32)))
  (import "core" "read task_struct real_parent->tgid" (func $ppid (param i64) (result i32)))
  (func (export "pidtype") (result i32) (i32.wrap_i64 (call $tgid_type)))
  (func (export "size") (result i32) (call $size))
  (func (export "exists") (result i32) (call $exists))
  (func (export "same_tgid") (result i32)
    (i64.eq (i64.extend_i32_u (call $tgid (call $task)))
            (i64.shr_u (call $id) (i64.const 32))))
  (func (export "parent") (result i32)
    (i32.ne (call $ppid (call $task)) (i32.const 0)))
  (func (export "null") (result i32)
    (call $tgid (i64.const 0))))
