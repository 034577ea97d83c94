;; ARGS: --all-exports --target-kernel=6.4
;; ir_bound_loops on a kernel with open-coded iterators (6.4+): a loop with
;; a back edge gets a bpf_iter_num iterator and launders the locals it
;; writes; the one without stays plain.
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
