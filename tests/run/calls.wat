;; Calls: more than five parameters, several results, and traps that
;; happen inside a callee and end the whole program.
;; INVOKE: sum7 i32:1 i32:2 i32:3 i32:4 i32:5 i32:6 i64:7 => i64:28
;; INVOKE: divmod i32:17 i32:5 => i32:3 i32:2 i32:22
;; INVOKE: divmod i32:17 i32:0 => trap integer divide by zero
;; INVOKE: deep i32:5 => i32:11
(module
  (func $add7 (param i32 i32 i32 i32 i32 i32 i64) (result i64)
    (i64.add
      (i64.extend_i32_u (i32.add (i32.add (local.get 0) (local.get 1))
                                 (i32.add (i32.add (local.get 2) (local.get 3))
                                          (i32.add (local.get 4) (local.get 5)))))
      (local.get 6)))
  (func (export "sum7") (param i32 i32 i32 i32 i32 i32 i64) (result i64)
    (call $add7 (local.get 0) (local.get 1) (local.get 2) (local.get 3)
                (local.get 4) (local.get 5) (local.get 6)))
  (func $qr (param i32 i32) (result i32 i32)
    (i32.div_u (local.get 0) (local.get 1))
    (i32.rem_u (local.get 0) (local.get 1)))
  (func (export "divmod") (param i32 i32) (result i32 i32 i32)
    (local $q i32) (local $r i32)
    (call $qr (local.get 0) (local.get 1))
    (local.set $r)
    (local.set $q)
    (local.get $q) (local.get $r)
    (i32.add (local.get 0) (local.get 1)))
  (func $d1 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $d2 (param i32) (result i32) (call $d1 (i32.add (local.get 0) (i32.const 1))))
  (func $d3 (param i32) (result i32) (call $d2 (i32.add (local.get 0) (i32.const 1))))
  (func $d4 (param i32) (result i32) (call $d3 (i32.add (local.get 0) (i32.const 1))))
  (func $d5 (param i32) (result i32) (call $d4 (i32.add (local.get 0) (i32.const 1))))
  (func $d6 (param i32) (result i32) (call $d5 (i32.add (local.get 0) (i32.const 1))))
  (func (export "deep") (param i32) (result i32) (call $d6 (local.get 0))))
