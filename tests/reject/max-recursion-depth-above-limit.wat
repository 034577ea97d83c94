;; --max-recursion-depth above 64: each level is a copy of the recursive
;; functions, so the depth is bounded like --max-loop-iters.
;; ARGS: --all-exports --max-recursion-depth=65
(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))
