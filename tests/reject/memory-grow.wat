;; memory.grow: an instance's memory has a fixed size.
(module
  (memory 1)
  (func (export "f") (result i32) (memory.grow (i32.const 1))))
