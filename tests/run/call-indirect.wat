;; call_indirect: eBPF has no indirect calls, so the call is a dispatch
;; over what the table holds once the module is instantiated (its active
;; element segments), with the spec's traps: an index past the table is
;; an "undefined element", a null one an "uninitialized element", a
;; function of another type an "indirect call type mismatch". Two slots
;; may hold one function. A cycle through the table (even -> odd ->
;; even, by index) is recursion like any other: nested copies, 8 deep by
;; default.
;; NOTE: func[3] 'even': recursive (func[3] 'even' -> func[3] 'even'): eBPF has no recursion, so its calls are compiled as 8 nested copies, and a call 9 deep traps "call stack exhausted"
;; INVOKE: apply i32:0 i32:10 => i32:11
;; INVOKE: apply i32:1 i32:10 => i32:20
;; INVOKE: apply i32:2 i32:10 => trap indirect call type mismatch
;; INVOKE: apply i32:3 i32:10 => i32:11
;; INVOKE: apply i32:4 i32:10 => trap uninitialized element
;; INVOKE: apply i32:5 i32:10 => i32:20
;; INVOKE: apply i32:6 i32:3 => i32:0
;; INVOKE: apply i32:8 i32:10 => trap undefined element
;; INVOKE: apply i32:4294967295 i32:10 => trap undefined element
;; INVOKE: one i32:2 => i32:1
;; INVOKE: one i32:0 => trap indirect call type mismatch
;; INVOKE: even i32:7 => i32:0
;; INVOKE: even i32:6 => i32:1
;; INVOKE: even i32:8 => trap call stack exhausted
(module
  (type $t (func (param i32) (result i32)))
  (type $u (func (result i32)))
  (table 8 funcref)
  (elem (i32.const 0) $inc $dbl $one $inc)
  (elem (i32.const 5) $dbl)
  (elem (i32.const 6) $even $odd)
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $dbl (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $one (result i32) (i32.const 1))
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 7)))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call_indirect (type $t) (i32.sub (local.get 0) (i32.const 1)) (i32.const 6)))))
  (func (export "apply") (param i32 i32) (result i32)
    (call_indirect (type $t) (local.get 1) (local.get 0)))
  (func (export "one") (param i32) (result i32)
    (call_indirect (type $u) (local.get 0))))
