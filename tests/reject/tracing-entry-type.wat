;; ARGS: --entry f=kprobe/do_nanosleep
;; A kprobe entry's parameters are the probed function's argument
;; registers, of which wasm2bpf reads 5 (x86-64: di, si, dx, cx, r8): six
;; parameters are refused, as a result other than one i32 would be.
(module
  (func (export "f") (param i64 i64 i64 i64 i64 i64) (result i32) (i32.const 0)))
