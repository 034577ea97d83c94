;; A typed select's operands must have its type (found by
;; tests/malformed/mutate_vs_wabt.py: wabt 1.0.32 accepts it, V8 does not).
(module
  (func (export "f") (result i32)
    (select (result i32) (i64.const 1) (i64.const 2) (i32.const 0))))
