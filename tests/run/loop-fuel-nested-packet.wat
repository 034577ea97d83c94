;; The run's fuel on the packet targets, 5.10 among them: there a loop's
;; body is a global function the verifier checks once, so the counted loop
;; around it bounds one loop, not the nest; the fuel (--max-loop-iters,
;; default 1,000,000 for the whole run) bounds the nest. `nest` runs
;; len x len x len for a packet of len bytes: 99^3 = 970,299 iterations
;; fit, 100^3 do not and trap (XDP_ABORTED). The bounds the notes give on
;; 5.10 (thousands per loop) are no limit here.
;; ARGS: --entry nest=xdp
;; TARGETS: 5.10 6.1 6.4
;; PACKET: nest 00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 => trap loop iteration limit exceeded
;; PACKET: nest 000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 => i32:970299
(module
  (func (export "nest") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $k i32) (local $c i32)
    (loop $a
      (local.set $j (i32.const 0))
      (loop $b
        (local.set $k (i32.const 0))
        (loop $c
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $c (i32.lt_u (local.get $k) (local.get $n))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $b (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $a (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $c)))
