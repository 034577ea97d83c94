;; ARGS: --entry x=xdp --entry s=syscall
;; A function that reads the packet cannot be reached from an entry that
;; has no packet.
(module
  (memory 1)
  (func $first (param $p i32) (result i32) (i32.load8_u (local.get $p)))
  (func (export "x") (param $pkt i32) (param $len i32) (result i32) (call $first (local.get $pkt)))
  (func (export "s") (param $a i32) (result i32) (call $first (local.get $a))))
