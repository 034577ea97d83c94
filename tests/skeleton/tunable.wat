;; A policy with tunables: exported immutable globals land in .rodata with
;; BTF, so a libbpf skeleton exposes them and a loader sets them before load.
(module
  (global $threshold (export "threshold") i32 (i32.const 10))
  (global $scale (export "scale") i64 (i64.const 3))
  (func (export "over") (param i32) (result i32)
    (i32.gt_u (local.get 0) (global.get $threshold)))
  (func (export "scaled") (param i64) (result i64)
    (i64.mul (local.get 0) (global.get $scale))))
