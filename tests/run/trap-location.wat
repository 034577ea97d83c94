;; Where a trap happened: the trap word in the env value (common/abi.h)
;; holds the code, the Wasm function and the byte offset of the
;; instruction, and `wasm2bpf run --invoke` prints them after the message
;; (the load at 0x33 in 'inner', reached through a call; the division at
;; 0x41 in 'f'; a packet entry's read past the end at 0x4e), and for an
;; out of bounds access what it accessed, from the env's trap_at: the
;; region, the width, the offset and the region's size where it is a
;; number the program has (the packet's is not).
;; RUN: --invoke f i32:70000 => trap: out of bounds memory access at func[0] 'inner', offset 0x33, memory: 4 bytes at offset 70000 of 65536
;; RUN: --invoke f i32:0 => trap: integer divide by zero at func[1] 'f', offset 0x41
;; RUN: --entry p=xdp --invoke p --packet 0011223344556677889900112233 => trap: out of bounds memory access at func[2] 'p', offset 0x4e, packet: 1 byte at offset 19, past its end
;; INVOKE: f i32:0 => trap integer divide by zero
(module
  (memory 1)
  (func $inner (param i32) (result i32)
    (i32.load (local.get 0)))
  (func (export "f") (param i32) (result i32)
    (i32.add (call $inner (local.get 0)) (i32.div_u (i32.const 10) (local.get 0))))
  (func (export "p") (param $pkt i32) (param $len i32) (result i32)
    (i32.load8_u (i32.add (local.get $pkt) (i32.add (local.get $len) (i32.const 5))))))
