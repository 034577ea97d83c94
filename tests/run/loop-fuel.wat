;; ARGS: --all-exports --max-loop-iters=1000
;; A loop that never ends traps once the run's fuel is spent; one that
;; stays within it runs to the end. `count n` makes n iterations.
;; INVOKE: forever => trap loop iteration limit exceeded
;; INVOKE: count i32:1000 => i32:1000
;; INVOKE: count i32:1001 => trap loop iteration limit exceeded
;; TARGETS: 6.1 6.4
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
