;; ARGS: --all-exports --max-loop-iters=1000001
;; A loop of 1,000,000 iterations with constant bounds: the verifier's cost
;; must not grow with the trip count (bpf_loop or iterator, and laundered
;; locals). sum_to makes one more iteration than it adds (the one that
;; leaves), hence one more than the default fuel.
;; TARGETS: 6.1 6.4
;; INVOKE: sum => i64:499999500000
;; INVOKE: sum_to i32:1000000 => i64:499999500000
;; INVOKE: sum_to i32:0 => i64:0
;; INVOKE: sum_to i32:10 => i64:45
;; STATS: sum verified_insns < 1000
;; STATS: sum_to verified_insns < 1000
(module
  (func (export "sum") (result i64)
    (local $i i32) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 1000000))))
    (local.get $acc))
  (func (export "sum_to") (param $n i32) (result i64)
    (local $i i32) (local $acc i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $acc)))
