;; ARGS: --entry f=xdp
;; An export named w2b_map__NAME (AssemblyScript's way to declare a map)
;; must be an immutable i32 global holding the definition's address.
(module
  (memory 1)
  (global (export "w2b_map__counts") (mut i32) (i32.const 64))
  (func (export "f") (param i32 i32) (result i32) (i32.const 2)))
