;; Threads and atomics: one instance per CPU shares no memory.
(module
  (memory 1 1 shared)
  (func (export "f") (result i32) (i32.atomic.load (i32.const 0))))
