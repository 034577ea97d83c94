;; The instance owns its memory: an imported one is refused where it is used.
(module
  (import "env" "memory" (memory 1))
  (func (export "f") (result i32) (i32.load (i32.const 0))))
