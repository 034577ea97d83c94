;; A cycle of calls, a -> b -> a, at --max-recursion-depth=2: the
;; originals are level 0 and call each other's copies at level 1
;; (symbols w<index>r1_<name>), whose calls into the cycle trap
;; call_stack_exhausted; what followed such a call in its block is gone.
;; ARGS: --all-exports --max-recursion-depth=2
(module
  (func $a (export "a") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (call $b (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0))))
  (func $b (param i32) (result i32)
    (i32.mul (call $a (local.get 0)) (i32.const 2))))
