;; ARGS: --entry f=raw_tp/
;; A section that is a prefix (raw_tp/, tp_btf/, fentry/, kprobe/, ...)
;; needs what it attaches to after it: raw_tp/sys_enter.
(module
  (func (export "f") (param i64) (result i32) (i32.const 0)))
