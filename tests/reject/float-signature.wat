;; An entry whose signature has a float cannot be called through the ABI.
(module
  (func (export "f") (param f64) (result i32) (i32.const 0)))
