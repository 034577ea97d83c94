;; ARGS: --all-exports -O0
;; Where loops are bpf_loop callbacks (the default target, 6.1), each loop
;; with a back edge is a frame of its own for the kernel: five nested calls
;; under two loops need 9 frames, one more than it allows.
(module
  (func $f1 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $f2 (param i32) (result i32) (call $f1 (local.get 0)))
  (func $f3 (param i32) (result i32) (call $f2 (local.get 0)))
  (func $f4 (param i32) (result i32) (call $f3 (local.get 0)))
  (func $f5 (param i32) (result i32) (call $f4 (local.get 0)))
  (func $f6 (export "f6") (param i32) (result i32)
    (loop $a
      (loop $b
        (local.set 0 (call $f5 (local.get 0)))
        (br_if $b (i32.lt_u (local.get 0) (i32.const 10))))
      (br_if $a (i32.lt_u (local.get 0) (i32.const 20))))
    (local.get 0)))
