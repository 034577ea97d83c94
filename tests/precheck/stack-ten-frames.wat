;; ARGS: --all-exports -O0
;; KERNEL: stack
;; Nine nested loops in one function and the program's own frame: 10
;; frames, each bpf_loop callback one.
(module
  (func (export "f") (param i32) (result i32)
    (loop $l0 (loop $l1 (loop $l2 (loop $l3 (loop $l4 (loop $l5 (loop $l6 (loop $l7 (loop $l8 (nop) (br_if $l8 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 90)))) (br_if $l7 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 80)))) (br_if $l6 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 70)))) (br_if $l5 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 60)))) (br_if $l4 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 50)))) (br_if $l3 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 40)))) (br_if $l2 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 30)))) (br_if $l1 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 20)))) (br_if $l0 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 10))))
    (local.get 0)))
