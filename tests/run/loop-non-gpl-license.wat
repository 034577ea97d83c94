;; ARGS: --all-exports --license=MIT
;; Under a license the kernel does not count as GPL-compatible no kfunc may
;; be called, so no bpf_iter_num: loops are bpf_loop callbacks (not
;; GPL-only) on every target from 5.17, 6.4 and later included.
;; TARGETS: 6.1 6.4
;; INVOKE: spin i32:1000 => i32:0
;; INVOKE: spin i32:1 => i32:0
(module
  (func (export "spin") (param i32) (result i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 0)))
