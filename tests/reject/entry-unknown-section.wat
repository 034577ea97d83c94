;; ARGS: --entry f=perf_event
(module
  (func (export "f") (result i32) (i32.const 1)))
