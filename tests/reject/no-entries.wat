;; ARGS: -O2
;; Without --entry (or --all-exports) there is nothing to compile.
(module
  (func (export "f") (result i32) (i32.const 1)))
