;; Atomic read-modify-writes, loads and stores (threads proposal) on the
;; instance memory: each returns the old value and leaves the new one; an
;; address that is not a multiple of the width traps "unaligned atomic".
;; INVOKE: rmw32 i32:0 i32:100 i32:7 => i32:100 i32:107
;; INVOKE: rmw32 i32:1 i32:100 i32:7 => i32:100 i32:93
;; INVOKE: rmw32 i32:2 i32:0xff0f i32:0x0ff0 => i32:65295 i32:3840
;; INVOKE: rmw32 i32:3 i32:0xff0f i32:0x0ff0 => i32:65295 i32:65535
;; INVOKE: rmw32 i32:4 i32:0xff0f i32:0x0ff0 => i32:65295 i32:61695
;; INVOKE: rmw32 i32:5 i32:5 i32:9 => i32:5 i32:9
;; INVOKE: rmw64 i32:0 i64:-1 i64:1 => i64:18446744073709551615 i64:0
;; INVOKE: rmw64 i32:1 i64:0 i64:1 => i64:0 i64:18446744073709551615
;; INVOKE: rmw64 i32:5 i64:0x123456789 i64:42 => i64:4886718345 i64:42
;; INVOKE: cas32 i32:5 i32:5 i32:6 => i32:5 i32:6
;; INVOKE: cas32 i32:5 i32:4 i32:6 => i32:5 i32:5
;; INVOKE: cas64 i64:0x100000000 i64:0x100000000 i64:3 => i64:4294967296 i64:3
;; INVOKE: narrow i32:0x12345678 => i64:120
;; INVOKE: rmw32_at i32:4 => i32:0
;; INVOKE: rmw32_at i32:6 => trap unaligned atomic
;; INVOKE: rmw32_at i32:65534 => trap out of bounds memory access
(module
  (memory 1 1 shared)
  ;; op: 0 add, 1 sub, 2 and, 3 or, 4 xor, 5 xchg; returns (old, new)
  (func (export "rmw32") (param $op i32) (param $init i32) (param $v i32) (result i32 i32)
    (i32.atomic.store (i32.const 16) (local.get $init))
    (block $done (result i32)
      (block $xchg (block $xor (block $or (block $and (block $sub (block $add
        (br_table $add $sub $and $or $xor $xchg (local.get $op)))
        (br $done (i32.atomic.rmw.add (i32.const 16) (local.get $v))))
        (br $done (i32.atomic.rmw.sub (i32.const 16) (local.get $v))))
        (br $done (i32.atomic.rmw.and (i32.const 16) (local.get $v))))
        (br $done (i32.atomic.rmw.or (i32.const 16) (local.get $v))))
        (br $done (i32.atomic.rmw.xor (i32.const 16) (local.get $v))))
      (i32.atomic.rmw.xchg (i32.const 16) (local.get $v)))
    (i32.atomic.load (i32.const 16)))
  (func (export "rmw64") (param $op i32) (param $init i64) (param $v i64) (result i64 i64)
    (i64.atomic.store (i32.const 24) (local.get $init))
    (block $done (result i64)
      (block $xchg (block $sub (block $add
        (br_table $add $sub $xchg $xchg $xchg $xchg (local.get $op)))
        (br $done (i64.atomic.rmw.add (i32.const 24) (local.get $v))))
        (br $done (i64.atomic.rmw.sub (i32.const 24) (local.get $v))))
      (i64.atomic.rmw.xchg (i32.const 24) (local.get $v)))
    (i64.atomic.load (i32.const 24)))
  (func (export "cas32") (param $init i32) (param $expect i32) (param $new i32) (result i32 i32)
    (i32.atomic.store (i32.const 32) (local.get $init))
    (i32.atomic.rmw.cmpxchg (i32.const 32) (local.get $expect) (local.get $new))
    (i32.atomic.load (i32.const 32)))
  (func (export "cas64") (param $init i64) (param $expect i64) (param $new i64) (result i64 i64)
    (i64.atomic.store (i32.const 40) (local.get $init))
    (i64.atomic.rmw.cmpxchg (i32.const 40) (local.get $expect) (local.get $new))
    (i64.atomic.load (i32.const 40)))
  ;; narrow atomic loads and stores are plain ones; the fence is nothing
  (func (export "narrow") (param $x i32) (result i64)
    (i32.atomic.store (i32.const 48) (local.get $x))
    (atomic.fence)
    (i64.atomic.load8_u (i32.const 48)))
  (func (export "rmw32_at") (param $a i32) (result i32)
    (i32.atomic.rmw.add (local.get $a) (i32.const 1))))
