;; ARGS: --all-exports --max-loop-iters=1000
;; A loop that never ends traps once its fuel is spent; one that stays
;; within the fuel runs to the end. `count n` jumps back n - 1 times.
;; INVOKE: forever => trap loop iteration limit exceeded
;; INVOKE: count i32:1001 => i32:1001
;; INVOKE: count i32:1002 => trap loop iteration limit exceeded
(module
  (func (export "forever") (result i32)
    (loop $l (br $l))
    (i32.const 0))
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))
