;; A data segment past the end of the memory cannot be instantiated.
(module
  (memory 1)
  (data (i32.const 65530) "0123456789")
  (func (export "f") (result i32) (i32.load8_u (i32.const 0))))
