;; ARGS: --entry f=kprobe/nothing
(module
  (func (export "f") (result i32) (i32.const 1)))
