;; The run's fuel is shared by every loop it enters: three nested loops of
;; 100,000 iterations each would spin 10^15 times (years in softirq) if
;; each loop had fuel of its own; with --max-loop-iters (default
;; 1,000,000) for the whole run they trap after a million iterations in
;; all. `nest n` runs n x n x n; 99^3 = 970,299 iterations fit, 100^3 do
;; not.
;; TARGETS: 6.1 6.4
;; INVOKE: nest i32:100000 => trap loop iteration limit exceeded
;; INVOKE: nest i32:100 => trap loop iteration limit exceeded
;; INVOKE: nest i32:99 => i64:970299
(module
  (func (export "nest") (param $n i32) (result i64)
    (local $i i32) (local $j i32) (local $k i32) (local $c i64)
    (loop $a
      (local.set $j (i32.const 0))
      (loop $b
        (local.set $k (i32.const 0))
        (loop $c
          (local.set $c (i64.add (local.get $c) (i64.const 1)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $c (i32.lt_u (local.get $k) (local.get $n))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $b (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $a (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $c)))
