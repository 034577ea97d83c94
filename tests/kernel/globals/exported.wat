;; Exported mutable globals (tests/kernel/test_object.py): members of the
;; env value's `globals` by their export names (as C identifiers), the
;; unexported one by its Wasm index; each run of f counts a hit, keeps the
;; packet's length and adds 2 to the hidden one.
(module
  (global $hits (export "hits") (mut i64) (i64.const 0))
  (global $last (export "last-len") (mut i32) (i32.const 7))
  (global $hidden (mut i32) (i32.const 0))
  (global $ro (export "limit") i32 (i32.const 100))
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (global.set $hits (i64.add (global.get $hits) (i64.const 1)))
    (global.set $last (local.get $len))
    (global.set $hidden (i32.add (global.get $hidden) (i32.const 2)))
    (i32.const 2)))
