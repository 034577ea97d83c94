;; Mutual recursion through three functions: the whole cycle is printed.
(module
  (func $a (export "a") (param i32) (result i32) (call $b (local.get 0)))
  (func $b (param i32) (result i32) (call $c (local.get 0)))
  (func $c (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $a (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 0)))))
