;; Loads and stores of every width: sign and zero extension, little-endian
;; byte order, unaligned addresses (with a natural and with an unaligned
;; alignment promise), a memarg offset, and the last bytes of the memory.
;; The instance memory persists from one INVOKE to the next. STATS: one
;; access as the verifier walks it, prologue and trap paths (with the trap
;; word and what was accessed) included: ~300 and ~400 processed; a byte
;; by byte or unchecked-then-rechecked lowering would be far more.
;; INVOKE: st32 i32:0 i32:16909060 =>
;; INVOKE: ld8u i32:0 => i32:4
;; INVOKE: ld8u i32:3 => i32:1
;; INVOKE: ld16u i32:1 => i32:515
;; INVOKE: ld32 i32:1 => i32:66051
;; INVOKE: st64 i32:8 i64:9843086184167632639 =>
;; INVOKE: ld8s i32:8 => i32:4294967295
;; INVOKE: ld8u i32:8 => i32:255
;; INVOKE: ld16s i32:14 => i32:4294936729
;; INVOKE: ld16u i32:14 => i32:34969
;; INVOKE: ld64_8s i32:15 => i64:18446744073709551496
;; INVOKE: ld64_8u i32:15 => i64:136
;; INVOKE: ld64_16s i32:9 => i64:18446744073709542894
;; INVOKE: ld64_32s i32:12 => i64:18446744071706356411
;; INVOKE: ld64_32u i32:12 => i64:2291772091
;; INVOKE: ld64 i32:8 => i64:9843086184167632639
;; INVOKE: ld64 i32:5 => i64:13532434998891642880
;; INVOKE: ld64_off8 i32:0 => i64:9843086184167632639
;; INVOKE: st8 i32:20 i32:511 =>
;; INVOKE: ld32 i32:20 => i32:255
;; INVOKE: st16 i32:22 i32:74565 =>
;; INVOKE: ld32 i32:20 => i32:591724799
;; INVOKE: st64_32 i32:24 i64:16045690984503111693 =>
;; INVOKE: ld64 i32:24 => i64:3405705229
;; INVOKE: st64_16 i32:28 i64:-2 =>
;; INVOKE: st64_8 i32:30 i64:128 =>
;; INVOKE: ld64 i32:24 => i64:36310266811445261
;; INVOKE: ld32 i32:28 => i32:8454142
;; INVOKE: st8 i32:65535 i32:127 =>
;; INVOKE: ld8s i32:65535 => i32:127
;; INVOKE: ld32 i32:65532 => i32:2130706432
;; INVOKE: ld32 i32:65533 => trap out of bounds memory access
;; INVOKE: ld64 i32:65528 => i64:9151314442816847872
;; INVOKE: ld64 i32:65529 => trap out of bounds memory access
;; INVOKE: st16 i32:65535 i32:1 => trap out of bounds memory access
;; INVOKE: st32_a1 i32:33 i32:2712847316 =>
;; INVOKE: ld32_a1 i32:33 => i32:2712847316
;; INVOKE: ld32 i32:33 => i32:2712847316
;; INVOKE: ld16u i32:35 => i32:41394
;; STATS: ld64 verified_insns < 420
;; STATS: st32_a1 verified_insns < 420
(module
  (memory 1)
  (func (export "st8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "st16") (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
  (func (export "st32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "st32_a1") (param i32 i32) (i32.store align=1 (local.get 0) (local.get 1)))
  (func (export "st64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "st64_8") (param i32 i64) (i64.store8 (local.get 0) (local.get 1)))
  (func (export "st64_16") (param i32 i64) (i64.store16 (local.get 0) (local.get 1)))
  (func (export "st64_32") (param i32 i64) (i64.store32 (local.get 0) (local.get 1)))
  (func (export "ld8u") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "ld8s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "ld16u") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "ld16s") (param i32) (result i32) (i32.load16_s (local.get 0)))
  (func (export "ld32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "ld32_a1") (param i32) (result i32) (i32.load align=1 (local.get 0)))
  (func (export "ld64_8u") (param i32) (result i64) (i64.load8_u (local.get 0)))
  (func (export "ld64_8s") (param i32) (result i64) (i64.load8_s (local.get 0)))
  (func (export "ld64_16s") (param i32) (result i64) (i64.load16_s (local.get 0)))
  (func (export "ld64_32u") (param i32) (result i64) (i64.load32_u (local.get 0)))
  (func (export "ld64_32s") (param i32) (result i64) (i64.load32_s (local.get 0)))
  (func (export "ld64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "ld64_off8") (param i32) (result i64) (i64.load offset=8 (local.get 0))))
