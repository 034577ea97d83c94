;; A frame whose address leaves its function (here into a call, which
;; stores through it) stays in the linear memory: nothing is promoted,
;; and the accesses stay `instance` ones, bounds-checked.
(module
  (memory 1)
  (global $__stack_pointer (mut i32) (i32.const 4096))
  (func $fill (param i32 i32)
    local.get 0
    local.get 1
    i32.store offset=4)
  (func (export "f") (param i32) (result i32)
    (local $fp i32)
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $fp
    global.set $__stack_pointer
    local.get $fp
    local.get 0
    call $fill
    local.get $fp
    i32.load offset=4
    local.get $fp
    i32.const 16
    i32.add
    global.set $__stack_pointer))
