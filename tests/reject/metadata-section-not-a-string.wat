;; ARGS: --license=GPL
;; An export named w2b_section__FUNC must hold the address of an
;; AssemblyScript static string (UTF-16 after its length and class id 2):
;; bytes that are not one are refused.
(module
  (memory 1)
  (data (i32.const 16) "xdp\00")
  (global (export "w2b_section__f") i32 (i32.const 16))
  (func (export "f") (param i32 i32) (result i32) (i32.const 2)))
