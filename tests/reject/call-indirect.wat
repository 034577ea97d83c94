;; Tables and call_indirect: eBPF has no indirect calls.
(module
  (type $t (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $one)
  (func $one (result i32) (i32.const 1))
  (func (export "f") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0))))
