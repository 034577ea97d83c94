;; ARGS: --entry f=xdp
;; A map value pointer kept in the function's stack frame (slot 8), then
;; the frame's bytes copied with memory.copy into memory outside it, where
;; another function could read the pointer back: refused at the copy.
(module
  (import "bpf" "map_lookup_elem" (func $lookup (param i32 i32) (result i32)))
  (memory 1)
  (global $__stack_pointer (mut i32) (i32.const 4096))
  (data (i32.const 64) "\02\00\00\00\04\00\00\00\08\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00")
  (global (export "w2b_map__counts") i32 (i32.const 64))
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (local $fp i32) (local $v i32)
    (local.set $fp (i32.sub (global.get $__stack_pointer) (i32.const 16)))
    (global.set $__stack_pointer (local.get $fp))
    (i32.store (local.get $fp) (i32.const 0))
    (local.set $v (call $lookup (i32.const 64) (local.get $fp)))
    (if (local.get $v)
      (then
        (i32.store offset=8 (local.get $fp) (local.get $v))
        (memory.copy (i32.const 256) (local.get $fp) (i32.const 16))))
    (global.set $__stack_pointer (i32.add (local.get $fp) (i32.const 16)))
    (i32.const 2)))
