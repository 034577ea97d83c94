;; Reference types have no meaning in eBPF.
(module
  (func (export "f") (result i32) (ref.is_null (ref.null func))))
