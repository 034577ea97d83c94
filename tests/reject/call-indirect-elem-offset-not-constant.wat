;; An element segment at an offset read from an imported global: where
;; its functions land is not known when compiling.
(module
  (import "env" "base" (global i32))
  (type $t (func (result i32)))
  (table 4 funcref)
  (elem (global.get 0) $one)
  (func $one (result i32) (i32.const 1))
  (func (export "f") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))
