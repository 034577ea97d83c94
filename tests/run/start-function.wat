;; The start function runs once per instance, after the data segments and
;; globals are set up and before the first entry: main bumps the byte the
;; data segment put at 0 three times ('A' = 65 -> 68) and sets a global.
;; Every call here is one instance's (the same CPU), so the bump is seen
;; once, and inc's increments add up.
;; ARGS: --all-exports
;; INVOKE: get => i32:1068
;; INVOKE: inc =>
;; INVOKE: get => i32:1069
(module
  (memory (data "A"))
  (global $g (mut i32) (i32.const 10))
  (func $inc (i32.store8 (i32.const 0) (i32.add (i32.load8_u (i32.const 0)) (i32.const 1))))
  (func $get (result i32) (i32.add (i32.load8_u (i32.const 0)) (global.get $g)))
  (func $main (call $inc) (call $inc) (call $inc) (global.set $g (i32.const 1000)))
  (start $main)
  (export "inc" (func $inc))
  (export "get" (func $get)))
