;; An address whose computation bounds it inside the memory the base
;; reaches directly (the hot block of this page in 16 KiB blocks: block 0,
;; no wasm-ld layout) needs no bounds check, no trap and no slow path
;; (ir/value_range.c): tab's (x & 255) * 4, tab8's four reads (an and, a
;; shr_u of 20 bits plus 8, offsets). tests/kernel/test_object.py checks
;; in --emit=asm that they have no more conditional jumps than `none`,
;; which reads no memory. Where the bound does not fit (far: up to
;; 0xffff + 0xfff0, past the page), or the address is a loaded byte above
;; the hot block (byteidx: 65280 + [0, 255], the last block), the access is
;; checked as before: far traps at 65536 and reads the page's last byte at
;; 65535. Values as node gives them.
;; INVOKE: tab i32:255 => i32:67305985
;; INVOKE: tab i32:256 => i32:0
;; INVOKE: tab8 i32:255 => i32:134611970
;; INVOKE: tab8 i32:2147483647 => i32:134611970
;; INVOKE: far i32:15 => i32:42
;; INVOKE: far i32:16 => trap out of bounds memory access
;; INVOKE: byteidx i32:100 => i32:42
;; INVOKE: byteidx i32:101 => i32:0
;; INVOKE: none i32:41 => i32:42
(module
  (memory 1)
  (data (i32.const 100) "\ff")
  (data (i32.const 1020) "\01\02\03\04")
  (data (i32.const 65535) "\2a")
  (func (export "tab") (param i32) (result i32)
    (i32.load (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2))))
  (func (export "tab8") (param i32) (result i32)
    (i32.add
      (i32.add (i32.load (i32.shl (i32.and (local.get 0) (i32.const 255)) (i32.const 2)))
               (i32.load offset=4 (i32.shl (i32.and (local.get 0) (i32.const 127)) (i32.const 3))))
      (i32.add (i32.load16_u (i32.add (i32.shr_u (local.get 0) (i32.const 20)) (i32.const 8)))
               (i32.load8_u offset=3 (i32.and (local.get 0) (i32.const 1023))))))
  (func (export "far") (param i32) (result i32)
    (i32.load8_u (i32.add (i32.and (local.get 0) (i32.const 0xffff)) (i32.const 0xfff0))))
  (func (export "byteidx") (param i32) (result i32)
    (i32.load8_u offset=65280 (i32.load8_u (local.get 0))))
  (func (export "none") (param i32) (result i32)
    (i32.add (local.get 0) (i32.const 1))))
