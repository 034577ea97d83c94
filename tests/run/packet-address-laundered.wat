;; ARGS: --entry rt=xdp --entry mul=xdp --entry xor=xdp --entry st64=xdp --entry bytes=xdp --entry global=xdp --entry neg=xdp --entry diff=xdp --entry in_packet=xdp
;; A packet address whose provenance goes through more than an add: an
;; i64 round trip, `* 1`, `^ 0`, an i64 store read back as i32, a pointer
;; put together from its four bytes, a global, `0 - (0 - p)`, `q + (p - q)`
;; with q an address in the memory, the packet's own first word. Each still reaches the packet (the
;; access is dispatched by the address at run time, ir/lower_memory.c):
;; every entry returns the frame's byte 14 (0x45 = 69), and traps on a
;; frame without it.
;; PACKET: rt 00000000000100000000000208004500 => i32:69
;; PACKET: mul 00000000000100000000000208004500 => i32:69
;; PACKET: xor 00000000000100000000000208004500 => i32:69
;; PACKET: st64 00000000000100000000000208004500 => i32:69
;; PACKET: bytes 00000000000100000000000208004500 => i32:69
;; PACKET: global 00000000000100000000000208004500 => i32:69
;; PACKET: neg 00000000000100000000000208004500 => i32:69
;; PACKET: diff 00000000000100000000000208004500 => i32:69
;; PACKET: in_packet 00000000000100000000000208004500 => i32:69 packet:00000080000100000000000208004500
;; PACKET: rt 0000000000010000000000020800 => trap out of bounds memory access
;; PACKET: bytes 0000000000010000000000020800 => trap out of bounds memory access
;; PACKET: global 0000000000010000000000020800 => trap out of bounds memory access
;; PACKET: diff 0000000000010000000000020800 => trap out of bounds memory access
(module
  (memory 1)
  (global $cursor (mut i32) (i32.const 0))
  (func (export "rt") (param $pkt i32) (param $len i32) (result i32)
    (i32.load8_u offset=14 (i32.wrap_i64 (i64.extend_i32_u (local.get $pkt)))))
  (func (export "mul") (param $pkt i32) (param $len i32) (result i32)
    (i32.load8_u offset=14 (i32.mul (local.get $pkt) (i32.const 1))))
  (func (export "xor") (param $pkt i32) (param $len i32) (result i32)
    (i32.load8_u offset=14 (i32.xor (local.get $pkt) (i32.const 0))))
  (func (export "st64") (param $pkt i32) (param $len i32) (result i32)
    (i64.store (i32.const 8) (i64.extend_i32_u (local.get $pkt)))
    (i32.load8_u offset=14 (i32.load (i32.const 8))))
  (func (export "bytes") (param $pkt i32) (param $len i32) (result i32)
    (i32.store (i32.const 16) (local.get $pkt))
    (i32.load8_u offset=14
      (i32.or (i32.or (i32.load8_u (i32.const 16))
                      (i32.shl (i32.load8_u (i32.const 17)) (i32.const 8)))
              (i32.or (i32.shl (i32.load8_u (i32.const 18)) (i32.const 16))
                      (i32.shl (i32.load8_u (i32.const 19)) (i32.const 24))))))
  (func $at (result i32)
    (i32.load8_u offset=14 (global.get $cursor)))
  (func (export "global") (param $pkt i32) (param $len i32) (result i32)
    (global.set $cursor (local.get $pkt))
    (call $at))
  (func (export "neg") (param $pkt i32) (param $len i32) (result i32)
    (i32.load8_u offset=14 (i32.sub (i32.const 0) (i32.sub (i32.const 0) (local.get $pkt)))))
  (func (export "diff") (param $pkt i32) (param $len i32) (result i32)
    (local $q i32)
    (local.set $q (i32.const 1024))
    (i32.load8_u offset=14 (i32.add (local.get $q) (i32.sub (local.get $pkt) (local.get $q)))))
  (func (export "in_packet") (param $pkt i32) (param $len i32) (result i32)
    (i32.store (local.get $pkt) (local.get $pkt))
    (i32.load8_u offset=14 (i32.load (local.get $pkt)))))
