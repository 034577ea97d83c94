;; ARGS: --entry f=xdp
;; A packet address stored into linear memory and loaded back (clang at -O0
;; keeps `pkt` in its stack in memory) still reaches the packet: the access
;; through it is dispatched by the address at run time. f returns the
;; frame's byte 14 (0x45, the IPv4 header's first) plus memory byte 16 (5,
;; stored through the same kind of reloaded pointer into instance memory);
;; a frame without byte 14 traps.
;; PACKET: f 00000000000100000000000208004500 => i32:74
;; PACKET: f 0000000000010000000000020800 => trap out of bounds memory access
(module
  (memory 1)
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (i32.store (i32.const 0) (local.get $pkt))
    (i32.store (i32.const 4) (i32.const 16))
    (i32.store8 (i32.load (i32.const 4)) (i32.const 5))
    (i32.add (i32.load8_u offset=14 (i32.load (i32.const 0)))
             (i32.load8_u (i32.load (i32.const 4))))))
