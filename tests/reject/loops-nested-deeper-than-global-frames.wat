;; ARGS: --all-exports=xdp --target-kernel=5.10
;; Eight nested loops on a kernel without bpf_loop (5.10): every loop's
;; body is a global function the verifier checks on its own, called from
;; the loop around it, each a stack frame: with the program's own frame
;; that is nine of the kernel's eight. Refused before LLVM, at the loop
;; that crosses the line.
(module (func (export "f") (param $p i32) (param $n i32) (result i32) (local $s i32)
(loop $l7
  (loop $l6
  (loop $l5
  (loop $l4
  (loop $l3
  (loop $l2
  (loop $l1
  (loop $l0
  (local.set $s (i32.add (local.get $s) (i32.const 1)))
  (br_if $l0 (i32.lt_u (local.get $s) (i32.const 2))))
  (br_if $l1 (i32.lt_u (local.get $s) (i32.const 3))))
  (br_if $l2 (i32.lt_u (local.get $s) (i32.const 4))))
  (br_if $l3 (i32.lt_u (local.get $s) (i32.const 5))))
  (br_if $l4 (i32.lt_u (local.get $s) (i32.const 6))))
  (br_if $l5 (i32.lt_u (local.get $s) (i32.const 7))))
  (br_if $l6 (i32.lt_u (local.get $s) (i32.const 8))))
  (br_if $l7 (i32.lt_u (local.get $s) (i32.const 9))))
(local.get $s)))
