;; A syntax error in the text format is located by line and column.
(module
  (func (export "f") (result i32) (i32.const 1) (i32.bogus)))
