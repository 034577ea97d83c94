;; table.size (and table.get, set, grow, fill, copy, init): a table holds
;; only what its element segments set, so that call_indirect can dispatch
;; over it.
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (func (export "f") (param i32) (result i32)
    (if (i32.ge_u (local.get 0) (table.size 0)) (then (return (i32.const 0))))
    (call_indirect (type $t) (local.get 0))))
