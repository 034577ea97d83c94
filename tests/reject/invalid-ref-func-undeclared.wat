;; A body's ref.func may only name a function the module declares outside
;; function bodies (an element segment, an export, a global initializer):
;; the spec's C.refs (ref_func.wast:109).
(module
  (func $g)
  (func (export "f") (drop (ref.func $g))))
