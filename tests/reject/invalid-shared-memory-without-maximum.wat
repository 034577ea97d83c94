;; A shared memory (threads) must have a maximum.
(module
  (memory 1 shared)
  (func (export "f") (result i32) (i32.const 0)))
