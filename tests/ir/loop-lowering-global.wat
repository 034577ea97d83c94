;; ARGS: --all-exports=xdp --target-kernel=5.10
;; ir_bound_loops on a kernel without bpf_loop (5.10): a loop with a back
;; edge whose function is reached from one program type and holds no map
;; value is GLOBAL: its body a global function the verifier checks once,
;; called from an ordinary loop it walks. The loop context (ctx=) holds
;; the locals it carries; nothing is laundered (they live in the env
;; value); the counts are what the budget allows for the calls, a nest's
;; inner loops no longer dividing it by the outer's.
(module
  (func (export "once") (param i32 i32) (result i32)
    (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))))
    (local.get 0))
  (func (export "count") (param $p i32) (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))
  (func (export "nest") (param $p i32) (param $n i32) (result i32)
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
