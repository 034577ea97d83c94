;; ARGS: --entry f=xdp
;; A packet address written to memory would no longer say which region it
;; points into.
(module
  (memory 1)
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $pkt))
    (i32.const 2)))
