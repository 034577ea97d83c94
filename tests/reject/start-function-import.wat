;; ARGS: --all-exports
;; A start function that is an import is valid Wasm (`wasm2bpf check`
;; accepts it) but cannot run where an instance starts: refused, at the
;; start section.
(module
  (func $print (import "spectest" "print"))
  (start $print)
  (func (export "f") (result i32) (i32.const 1)))
