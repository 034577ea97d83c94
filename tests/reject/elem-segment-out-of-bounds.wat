;; An active element segment past the end of its table: instantiation
;; fails, so the module can never run.
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 1) $one $one)
  (func $one (result i32) (i32.const 1))
  (func (export "f") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))
