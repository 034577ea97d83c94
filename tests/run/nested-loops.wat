;; Nested loops with exits through both levels: every iterator is released
;; on every path (the verifier rejects a program exiting with a live one).
;; INVOKE: grid i32:300 i32:400 => i64:120000
;; INVOKE: find i32:7 => i32:49
;; INVOKE: find i32:0 => i32:4294967295
;; STATS: grid verified_insns < 3000
;; TARGETS: 6.1 6.4
(module
  (func (export "grid") (param $w i32) (param $h i32) (result i64)
    (local $x i32) (local $y i32) (local $n i64)
    (block $out
      (loop $rows
        (br_if $out (i32.ge_u (local.get $y) (local.get $h)))
        (local.set $x (i32.const 0))
        (block $row_done
          (loop $cols
            (br_if $row_done (i32.ge_u (local.get $x) (local.get $w)))
            (local.set $n (i64.add (local.get $n) (i64.const 1)))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $cols)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $rows)))
    (local.get $n))
  ;; returns the first x*y == k*k with x, y < 100, leaving both loops early
  (func (export "find") (param $k i32) (result i32)
    (local $x i32) (local $y i32)
    (if (i32.eqz (local.get $k)) (then (return (i32.const -1))))
    (loop $ys
      (local.set $x (i32.const 0))
      (loop $xs
        (if (i32.eq (i32.mul (local.get $x) (local.get $y))
                    (i32.mul (local.get $k) (local.get $k)))
          (then (return (i32.mul (local.get $x) (local.get $y)))))
        (local.set $x (i32.add (local.get $x) (i32.const 1)))
        (br_if $xs (i32.lt_u (local.get $x) (i32.const 100))))
      (local.set $y (i32.add (local.get $y) (i32.const 1)))
      (br_if $ys (i32.lt_u (local.get $y) (i32.const 100))))
    (i32.const -1)))
