;; ir_bound_loops: a loop nothing branches back to runs once (plain); one
;; with a back edge, on the default target kernel (6.1), is a bpf_loop
;; callback: it launders the locals it writes, and its context carries
;; every local it reads or writes.
(module
  (func (export "once") (param i32) (result i32)
    (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))))
    (local.get 0))
  (func (export "count") (param $n i32) (result i32)
    (local $i i32) (local $unused i64)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))
