;; ARGS: --all-exports --license=MIT
;; A loop's fuel is a kfunc (bpf_iter_num), which the kernel lets only
;; GPL-compatible programs call: refused when compiling, not when loading.
(module
  (func (export "spin") (param i32) (result i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 0)))
