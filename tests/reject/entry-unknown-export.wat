;; ARGS: --entry nosuch=syscall
;; EXIT: 2
;; A wrong --entry is a usage error, not a refused module.
(module
  (func (export "f") (result i32) (i32.const 1)))
