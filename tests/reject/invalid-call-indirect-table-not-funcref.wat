;; call_indirect (here return_call_indirect, validated though outside the
;; subset) calls through a table of funcref only.
(module
  (type $t (func))
  (table 1 externref)
  (func (export "f") (return_call_indirect 0 (type $t) (i32.const 0))))
