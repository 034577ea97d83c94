;; An atomic access's alignment must be exactly its natural one (threads).
(module
  (memory 1 1 shared)
  (func (export "f") (result i32) (i32.atomic.load align=2 (i32.const 0))))
