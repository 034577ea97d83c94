;; ARGS: --all-exports -O0
;; More nested calls than the kernel's 8 stack frames, at -O0, where LLVM's
;; inliner leaves them calls (Rust's debug builds look like this): the
;; compiler inlines every function when the frames do not fit (only loop
;; bodies stay frames) instead of refusing the module.
;; INVOKE: f8 i32:41 => i32:42
(module
  (func $f1 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $f2 (param i32) (result i32) (call $f1 (local.get 0)))
  (func $f3 (param i32) (result i32) (call $f2 (local.get 0)))
  (func $f4 (param i32) (result i32) (call $f3 (local.get 0)))
  (func $f5 (param i32) (result i32) (call $f4 (local.get 0)))
  (func $f6 (param i32) (result i32) (call $f5 (local.get 0)))
  (func $f7 (param i32) (result i32) (call $f6 (local.get 0)))
  (func $f8 (export "f8") (param i32) (result i32) (call $f7 (local.get 0))))
