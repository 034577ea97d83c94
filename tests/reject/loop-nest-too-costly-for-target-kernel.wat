;; ARGS: --entry deep=xdp --entry deep_tc=tc --target-kernel=5.10
;; A kernel without bpf_loop (before 5.17) walks every iteration of an
;; ordinary loop. Loops are ordinary there when their bodies cannot be
;; global functions: here the function is reached from entries of two
;; program types (a global function takes one type's context). Five
;; nested loops leave each too few iterations to be worth compiling.
;; Refused at the outermost loop with the estimate and the ways out,
;; instead of an object the verifier would reject.
(module (memory 1)
  (func (export "deep_tc") (param $p i32) (param $n i32) (result i32)
    (call $deep (local.get $p) (local.get $n)))
  (func $deep (export "deep") (param $p i32) (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $s i32)
    (local.set $a (i32.const 0))
    (loop $La
      (local.set $b (i32.const 0))
    (loop $Lb
      (local.set $c (i32.const 0))
    (loop $Lc
      (local.set $d (i32.const 0))
    (loop $Ld
      (local.set $e (i32.const 0))
    (loop $Le
      
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $e)))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $e)))))
      (local.set $e (i32.add (local.get $e) (i32.const 1)))
      (br_if $Le (i32.lt_u (local.get $e) (local.get $n))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $d)))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $d)))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br_if $Ld (i32.lt_u (local.get $d) (local.get $n))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $c)))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $c)))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br_if $Lc (i32.lt_u (local.get $c) (local.get $n))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $b)))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $b)))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $Lb (i32.lt_u (local.get $b) (local.get $n))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $a)))))
      (local.set $s (i32.add (i32.mul (local.get $s) (i32.const 31)) (i32.load8_u (i32.add (local.get $p) (local.get $a)))))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br_if $La (i32.lt_u (local.get $a) (local.get $n))))
    (local.get $s)))
