;; ARGS: --entry f=xdp
;; A packet entry receives (pkt, len) and returns the verdict.
(module
  (func (export "f") (param i32) (result i32) (local.get 0)))
