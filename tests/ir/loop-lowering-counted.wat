;; ARGS: --entry once=xdp --entry count=xdp --entry nest=xdp --entry count_tc=tc --entry nest_tc=tc --target-kernel=5.10
;; ir_bound_loops on a kernel without bpf_loop (5.10), for loops whose
;; bodies cannot be global functions (here: functions reached from entries
;; of two program types, whose contexts differ): a loop with a back edge
;; is an ordinary loop the verifier walks, counted to the iterations its
;; budget allows (a note says how many), its carried locals laundered. A
;; single loop gets thousands; a nest shares the budget among its levels.
(module
  (func (export "count_tc") (param $p i32) (param $n i32) (result i32)
    (call $count (local.get $p) (local.get $n)))
  (func (export "nest_tc") (param $p i32) (param $n i32) (result i32)
    (call $nest (local.get $p) (local.get $n)))
  (func (export "once") (param i32 i32) (result i32)
    (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))))
    (local.get 0))
  (func $count (export "count") (param $p i32) (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func $nest (export "nest") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32)
    (loop $a
      (local.set $j (i32.const 0))
      (loop $b
        (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $b (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $a (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s)))
