;; A memarg's alignment may not be larger than the access's natural one
;; (i32.load: 4 bytes, align=2^2).
(module
  (memory 1)
  (func (export "f") (result i32) (i32.load align=8 (i32.const 0))))
