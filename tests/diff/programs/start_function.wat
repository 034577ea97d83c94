;; A start function runs once per instance before the first export is
;; called (wasm2bpf: before the first entry runs on the CPU): it fills a
;; table of squares in memory, sets a global, and counts its own runs.
;; Later calls read what it left and keep changing it.
;; ARGS: get i32:0
;; ARGS: get i32:9
;; ARGS: runs
;; ARGS: bump i32:5
;; ARGS: get i32:5
;; ARGS: runs
;; ARGS: get i32:70000
(module
  (memory 1)
  (global $runs (mut i32) (i32.const 0))
  (global $base (mut i32) (i32.const 0))
  (func $init
    (local $i i32)
    (global.set $runs (i32.add (global.get $runs) (i32.const 1)))
    (global.set $base (i32.const 1024))
    (loop $l
      (i32.store (i32.add (global.get $base) (i32.shl (local.get $i) (i32.const 2)))
                 (i32.mul (local.get $i) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 16)))))
  (start $init)
  (func (export "get") (param $k i32) (result i32)
    (i32.load (i32.add (global.get $base) (i32.shl (local.get $k) (i32.const 2)))))
  (func (export "bump") (param $k i32) (result i32)
    (local $a i32)
    (local.set $a (i32.add (global.get $base) (i32.shl (local.get $k) (i32.const 2))))
    (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 100)))
    (i32.load (local.get $a)))
  (func (export "runs") (result i32) (global.get $runs)))
