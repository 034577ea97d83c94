;; A module whose entries never touch its linear memory (wasm-ld gives
;; every C module one, a page at least) gets no memory at all: nothing in
;; PREFIX_mem or the env value. memory.size still answers the declared
;; pages, memory.grow(0) too, and the data segment is never observed.
;; NOTE: instance state: 32 bytes per possible CPU (32 in 
;; INVOKE: pages => i32:4
(module
  (memory 2)
  (data (i32.const 0) "never read")
  (func (export "pages") (result i32)
    (i32.add (memory.size) (memory.grow (i32.const 0)))))
