;; A table holding an imported function (a helper) of the called type:
;; only the module's own functions are dispatched to.
(module
  (import "bpf" "ktime_get_ns" (func $kt (result i64)))
  (type $t (func (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $kt $own)
  (func $own (result i64) (i64.const 1))
  (func (export "f") (param i32) (result i64) (call_indirect (type $t) (local.get 0))))
