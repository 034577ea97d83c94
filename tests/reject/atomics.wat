;; memory.atomic.wait and notify: a BPF program can neither block nor wake
;; another (atomic loads, stores and read-modify-writes are supported).
(module
  (memory 1 1 shared)
  (func (export "f") (result i32)
    (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
