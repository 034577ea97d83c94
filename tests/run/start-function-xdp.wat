;; A packet entry's instance runs the start function too, before the
;; entry's first run: it fills a table in memory that the entry reads.
;; ARGS: --entry classify=xdp
;; PACKET: classify 00000000000000000000000000000000 => i32:2
;; PACKET: classify 05000000000000000000000000000000 => i32:1
(module
  (memory 1)
  (func $fill
    (local $i i32)
    (loop $l
      (i32.store8 (i32.add (i32.const 16) (local.get $i)) (i32.const 2))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 5))))
    (i32.store8 (i32.const 21) (i32.const 1)))
  (start $fill)
  (func (export "classify") (param $p i32) (param $len i32) (result i32)
    (i32.load8_u (i32.add (i32.const 16) (i32.load8_u (local.get $p))))))
