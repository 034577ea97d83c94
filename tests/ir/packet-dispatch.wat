;; ARGS: --entry f=xdp
;; A pointer that is the packet on one path and instance memory on the
;; other is dispatched at run time.
(module
  (memory 1)
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (i32.load8_u
      (select (local.get $pkt) (i32.const 100) (i32.gt_u (local.get $len) (i32.const 20))))))
