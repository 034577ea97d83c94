;; ARGS: --all-exports=xdp --target-kernel=5.10
;; Before 5.12 the kernel has one atomic instruction, an add that returns
;; nothing (BPF_XADD): an atomic whose old value is used needs the fetch
;; forms and is refused, at the instruction, with the two ways out
;; (common/kernel_features.def's ATOMIC_FETCH).
(module (memory 1 1 shared)
  (func (export "count") (param $p i32) (param $len i32) (result i32)
    (i32.atomic.rmw.add (i32.const 64) (local.get $len))))
