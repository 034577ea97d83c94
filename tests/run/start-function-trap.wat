;; A start function that traps: the run reports its trap as an entry's, and
;; the instance stays uninitialised, so every run tries again and traps
;; (Wasm: the instance could not be instantiated).
;; ARGS: --all-exports
;; INVOKE: f => trap unreachable
;; INVOKE: f => trap unreachable
(module
  (func $main (unreachable))
  (start $main)
  (func (export "f") (result i32) (i32.const 1)))
