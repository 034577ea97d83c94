;; ARGS: --all-exports --memory-size=1000
;; The memory has exactly 1000 bytes (--memory-size): an access of w bytes
;; at 1000 - w is the last one in bounds, at 1000 - w + 1 it traps, also
;; through a memarg offset, and an address plus offset past 2^32 does not
;; wrap around. memory.size still answers the declared page.
;; INVOKE: ld8 i32:999 => i32:0
;; INVOKE: ld8 i32:1000 => trap out of bounds memory access
;; INVOKE: ld8 i32:4294967295 => trap out of bounds memory access
;; INVOKE: ld16 i32:998 => i32:0
;; INVOKE: ld16 i32:999 => trap out of bounds memory access
;; INVOKE: ld16 i32:4294967295 => trap out of bounds memory access
;; INVOKE: ld32 i32:996 => i32:0
;; INVOKE: ld32 i32:997 => trap out of bounds memory access
;; INVOKE: ld32 i32:4294967295 => trap out of bounds memory access
;; INVOKE: ld64 i32:992 => i64:0
;; INVOKE: ld64 i32:993 => trap out of bounds memory access
;; INVOKE: ld64 i32:4294967295 => trap out of bounds memory access
;; INVOKE: st8 i32:999 i32:1432778632 =>
;; INVOKE: st8 i32:1000 i32:1 => trap out of bounds memory access
;; INVOKE: st16 i32:998 i32:1432778632 =>
;; INVOKE: st16 i32:999 i32:1 => trap out of bounds memory access
;; INVOKE: st32 i32:996 i32:1432778632 =>
;; INVOKE: st32 i32:997 i32:1 => trap out of bounds memory access
;; INVOKE: st64 i32:992 i64:1234605616436508552 =>
;; INVOKE: st64 i32:993 i64:1 => trap out of bounds memory access
;; INVOKE: ld64 i32:992 => i64:1234605616436508552
;; INVOKE: ld32_off996 i32:0 => i32:287454020
;; INVOKE: ld32_off996 i32:1 => trap out of bounds memory access
;; INVOKE: ld8_offmax i32:0 => trap out of bounds memory access
;; INVOKE: ld64_off8 i32:4294967295 => trap out of bounds memory access
;; INVOKE: ld64_off8 i32:984 => i64:1234605616436508552
;; INVOKE: ld64_off8 i32:985 => trap out of bounds memory access
;; INVOKE: size => i32:1
;; INVOKE: fill i32:1000 i32:0 i32:0 =>
;; INVOKE: fill i32:999 i32:0 i32:2 => trap out of bounds memory access
;; INVOKE: copy i32:0 i32:1000 i32:0 =>
;; INVOKE: copy i32:0 i32:993 i32:8 => trap out of bounds memory access
(module
  (memory 1)
  (func (export "ld8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "ld16") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "ld32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "ld64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "st8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "st16") (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
  (func (export "st32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "st64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "ld32_off996") (param i32) (result i32) (i32.load offset=996 (local.get 0)))
  (func (export "ld8_offmax") (param i32) (result i32) (i32.load8_u offset=4294967295 (local.get 0)))
  (func (export "ld64_off8") (param i32) (result i64) (i64.load offset=8 (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2))))
