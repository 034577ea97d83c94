;; ARGS: --entry fw=xdp
;; ir_lower_memory: addresses derived from the packet entry's pkt parameter
;; (through locals, arithmetic and calls) are packet accesses; the functions
;; that make them are marked packet.
(module
  (import "bpf" "ktime_get_ns" (func $now (result i64)))
  (memory 1)
  (func $proto (param $pkt i32) (param $len i32) (result i32)
    (if (i32.lt_u (local.get $len) (i32.const 34)) (then (return (i32.const -1))))
    (i32.load8_u offset=23 (local.get $pkt)))
  (func (export "fw") (param $pkt i32) (param $len i32) (result i32)
    (local $p i32)
    (drop (call $now))
    (local.set $p (i32.add (local.get $pkt) (i32.const 12)))
    (if (i32.ne (i32.load16_u (local.get $p)) (i32.const 8)) (then (return (i32.const 2))))
    (if (i32.eq (call $proto (local.get $pkt) (local.get $len)) (i32.const 17)) (then (return (i32.const 1))))
    (i32.const 2)))
