;; ARGS: --all-exports --memory-size=131072
;; --memory-size can shrink the instance memory, never grow it.
(module
  (memory 1)
  (func (export "f") (result i32) (i32.load (i32.const 0))))
