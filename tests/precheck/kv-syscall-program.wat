;; ARGS: --entry f=syscall --target-kernel=5.10
;; KERNEL: kernel version
;; ON: 5.10
;; Syscall programs (BPF_PROG_TYPE_SYSCALL) came in 5.14.
(module
  (func (export "f") (param $a i32) (result i32) (i32.add (local.get $a) (i32.const 1))))
