;; ARGS: --entry ok=syscall
;; Code outside the subset is fine as long as no entry reaches it.
;; INVOKE: ok i32:41 => i32:42
(module
  (func $float (param f32) (result f32) (f32.mul (local.get 0) (local.get 0)))
  (func $rec (param i32) (result i32) (call $rec (local.get 0)))
  (func (export "ok") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "uses_float") (result f32) (call $float (f32.const 2))))
