;; A shadow-stack frame whose address stays in its function (the pattern
;; clang and rustc emit for an address-taken local) moves to the BPF stack
;; (ir/promote_frames.c): its accesses become `frame` accesses at their
;; offset in it, the function says `frame 16`, and the prologue's and the
;; epilogue's updates of __stack_pointer are gone.
(module
  (memory 1)
  (global $__stack_pointer (mut i32) (i32.const 4096))
  (func (export "f") (param i32 i32) (result i32)
    (local $fp i32)
    global.get $__stack_pointer
    i32.const 16
    i32.sub
    local.tee $fp
    global.set $__stack_pointer
    local.get $fp
    local.get 0
    i32.store offset=8
    local.get $fp
    local.get 1
    i32.store offset=12
    local.get $fp
    i32.load offset=8
    local.get $fp
    i32.const 12
    i32.add
    i32.load
    i32.add
    local.get $fp
    i32.const 16
    i32.add
    global.set $__stack_pointer))
