;; ARGS: --entry f=syscall --license=MIT
;; KERNEL: license
;; A GPL-only call in a loop body: under a non-GPL license every loop is
;; a bpf_loop callback, and the call is in the callback.
(module
  (import "bpf" "trace_printk" (func $printk (param i32 i32 i64 i64 i64) (result i32)))
  (memory 1)
  (data (i32.const 16) "i %d\00")
  (func (export "f") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (drop (call $printk (i32.const 16) (i32.const 5) (i64.extend_i32_u (local.get $i))
                          (i64.const 0) (i64.const 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))
