;; ARGS: --entry f=syscall
;; An invalid module is refused by validation, whatever entries it has.
(module
  (func (export "f") (result i32) (i64.const 1)))
