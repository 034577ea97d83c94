;; ARGS: --all-exports -O0
;; KERNEL: stack
;; Four nested loops whose innermost calls a function with four nested
;; loops of its own: on the default target each loop body is a bpf_loop
;; callback, a frame: 9 frames, the kernel allows 8 ("the call stack of 9
;; frames is too deep"). tests/reject/call-depth-loop-callbacks.wat is the
;; compiler's refusal of it.
(module
  (func $inner (param i32) (result i32)
    (loop $a (loop $b (loop $c (loop $d
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (br_if $d (i32.lt_u (local.get 0) (i32.const 10))))
      (br_if $c (i32.lt_u (local.get 0) (i32.const 20))))
      (br_if $b (i32.lt_u (local.get 0) (i32.const 30))))
      (br_if $a (i32.lt_u (local.get 0) (i32.const 40))))
    (local.get 0))
  (func (export "f") (param i32) (result i32)
    (loop $a (loop $b (loop $c (loop $d
      (local.set 0 (call $inner (local.get 0)))
      (br_if $d (i32.lt_u (local.get 0) (i32.const 50))))
      (br_if $c (i32.lt_u (local.get 0) (i32.const 60))))
      (br_if $b (i32.lt_u (local.get 0) (i32.const 70))))
      (br_if $a (i32.lt_u (local.get 0) (i32.const 80))))
    (local.get 0)))
