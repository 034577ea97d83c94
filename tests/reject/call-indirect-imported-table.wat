;; call_indirect through an imported table: its elements are set by
;; whoever provides it, unknown when compiling, so there is nothing to
;; dispatch over.
(module
  (import "env" "tab" (table 2 funcref))
  (type $t (func (result i32)))
  (func (export "f") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))
