;; ARGS: --entry f=xdp
;; ir_lower_memory follows locals through the control flow: clang reuses a
;; local (here the pkt parameter) for an unrelated value, and what a
;; local.get reads is what the sets that reach it stored.
;;   1. pkt itself: the packet;
;;   2. $q, the packet or (if len) a number: a run-time dispatch;
;;   3. pkt after it was set to 64: instance memory;
;;   4. $r in a loop: a number on entry, a packet address from the back
;;      edge on: the loop head's state grows, so a dispatch.
(module
  (memory 1)
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (local $acc i32) (local $q i32) (local $r i32) (local $orig i32)
    (local.set $orig (local.get $pkt))
    (local.set $acc (i32.load8_u (local.get $pkt)))
    (local.set $q (local.get $pkt))
    (if (local.get $len)
      (then (local.set $q (i32.const 128))))
    (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $q))))
    (local.set $pkt (i32.const 64))
    (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $pkt))))
    (local.set $r (i32.const 0))
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.load8_u (local.get $r))))
      (local.set $r (i32.add (local.get $orig) (i32.const 1)))
      (br_if $l (i32.eqz (local.get $acc))))
    (local.get $acc)))
