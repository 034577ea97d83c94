;; All or nothing: g's frame could be promoted, but f reads the memory
;; through an address it was given, which could be a slot of g's frame
;; (its bytes stay in the memory after g returns). So no frame is
;; promoted.
(module
  (memory 1)
  (global $__stack_pointer (mut i32) (i32.const 4096))
  (func $g (param i32) (result i32)
    (local $fp i32)
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $fp
    global.set $__stack_pointer
    local.get $fp
    local.get 0
    i32.store offset=4
    local.get $fp
    i32.load offset=4
    local.get $fp
    i32.const 16
    i32.add
    global.set $__stack_pointer)
  (func (export "f") (param i32) (result i32)
    local.get 0
    i32.load
    local.get 0
    call $g
    i32.add))
