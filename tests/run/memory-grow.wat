;; memory.grow: an instance's memory is map memory allocated before the
;; program runs, so it cannot grow; Wasm lets memory.grow fail (-1) at any
;; time (-1 is printed unsigned: 4294967295), and a grow by nothing
;; answers the size, as V8 does (allocators ask it so). memory.size stays
;; the declared page count.
;; INVOKE: grow i32:1 => i32:4294967295
;; INVOKE: grow i32:0 => i32:1
;; INVOKE: size => i32:1
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (drop (memory.grow (i32.const 5))) (memory.size)))
