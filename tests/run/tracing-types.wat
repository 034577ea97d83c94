;; ARGS: --entry exec=tp_btf/sched_process_exec --entry sleep=kprobe/do_nanosleep --entry slept=kretprobe/do_nanosleep --entry main=uprobe/bin/true:main --entry done=uretprobe/bin/true:main --entry enter=raw_tracepoint/sys_enter --entry tp=tracepoint/sched/sched_process_exec --entry sample=perf_event
;; Each tracing program type wasm2bpf emits loads in the kernel (the batch
;; loads every entry before the first call): tp_btf (libbpf finds the
;; tracepoint's BTF id from the section), kprobe and uprobe (their
;; parameters read from pt_regs), kretprobe and uretprobe (the return
;; value from pt_regs' ax), raw_tracepoint (test-run: its result),
;; tracepoint and perf_event (their one parameter the context pointer,
;; which the kernel lets a program pass on and compare, not compute with).
;; fentry, fexit and lsm are not here: this machine's kernel refuses every
;; one with EPERM, clang's too (docs/abi.md); tests/oldkernel loads them
;; on Debian's 6.1 and 5.10 in qemu (tracing-btf-types.wat).
;; INVOKE: enter i64:5 i64:59 => i32:64
(module
  (global $n (mut i64) (i64.const 0))
  (func (export "exec") (param $task i64) (param $old_pid i32) (param $bprm i64)
    (global.set $n (i64.add (global.get $n) (i64.extend_i32_u (local.get $old_pid)))))
  (func (export "sleep") (param $rqtp i64) (param $mode i32) (result i32)
    (global.set $n (i64.add (global.get $n) (local.get $rqtp)))
    (i32.const 0))
  (func (export "slept") (param $ret i64) (result i32)
    (global.set $n (i64.add (global.get $n) (local.get $ret)))
    (i32.const 0))
  (func (export "done") (param $ret i32)
    (global.set $n (i64.add (global.get $n) (i64.extend_i32_u (local.get $ret)))))
  (func (export "main") (param $argc i32) (param $argv i64) (result i32)
    (local.get $argc))
  (func (export "tp") (param $record i64) (result i32)
    (global.set $n (i64.add (global.get $n) (i64.const 1)))
    (i32.const 0))
  (func (export "sample") (param $ctx i64)
    (global.set $n (i64.add (global.get $n) (i64.const 1))))
  (func (export "enter") (param $regs i64) (param $id i64) (result i32)
    (i32.wrap_i64 (i64.add (local.get $regs) (local.get $id)))))
