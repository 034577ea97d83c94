;; A 64-bit memory (memory64) is outside the subset.
(module
  (memory i64 1)
  (func (export "f") (result i32) (i32.const 0)))
