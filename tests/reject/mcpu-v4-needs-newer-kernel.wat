;; ARGS: --all-exports --mcpu=v4
;; BPF ISA v4 needs kernel 6.6; the default target is 6.1, so --mcpu=v4
;; needs --target-kernel=6.6 or later.
(module
  (func (export "one") (result i32) (i32.const 1)))
