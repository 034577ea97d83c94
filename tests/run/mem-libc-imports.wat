;; Without -mbulk-memory and without a libc, clang leaves memcpy, memmove
;; and memset as imports from "env": they are memory.copy / memory.fill.
;; (All calls run on one instance: move sees what copy left.)
;; INVOKE: copy i32:100 i32:0 i32:8 => i32:100 i64:506097522914230528
;; INVOKE: move i32:2 i32:0 i32:8 => i32:2 i64:361417177238077696
;; INVOKE: set i32:16 i32:171 i32:4 => i32:16 i32:2880154539
;; INVOKE: copy i32:65530 i32:0 i32:8 => trap out of bounds memory access
(module
  (import "env" "memcpy" (func $memcpy (param i32 i32 i32) (result i32)))
  (import "env" "memmove" (func $memmove (param i32 i32 i32) (result i32)))
  (import "env" "memset" (func $memset (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09")
  (func (export "copy") (param i32 i32 i32) (result i32 i64)
    (call $memcpy (local.get 0) (local.get 1) (local.get 2))
    (i64.load (local.get 0)))
  (func (export "move") (param i32 i32 i32) (result i32 i64)
    (call $memmove (local.get 0) (local.get 1) (local.get 2))
    (i64.load (i32.const 0)))
  (func (export "set") (param i32 i32 i32) (result i32 i32)
    (call $memset (local.get 0) (local.get 1) (local.get 2))
    (i32.load (local.get 0))))
