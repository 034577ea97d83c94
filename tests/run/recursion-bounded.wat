;; Recursion: eBPF has none (the verifier rejects a cycle of calls), so a
;; cycle is compiled as nested copies of its functions, as deep as
;; --max-recursion-depth (default 8), and a call one deeper traps "call
;; stack exhausted", as a Wasm engine may at any depth. fac(n) nests n + 1
;; calls: fac 7 fits in 8, fac 8 does not. The depth counts every call
;; into the cycle, as an engine's stack counts frames: a(n) -> b -> c ->
;; a(n - 1) nests 3(n + 1) calls, so a 1 (6) fits and a 2 (9) does not. sums(n) runs a loop (sum of 1..n) in
;; each level before it recurses: each copy is a function of its own, so
;; the loops' state (in the env value, per function) is never shared by
;; two live levels (callback and iterator loops).
;; TARGETS: 6.1 6.4
;; NOTE: func[0] 'fac': recursive (func[0] 'fac' -> func[0] 'fac'): eBPF has no recursion, so its calls are compiled as 8 nested copies, and a call 9 deep traps "call stack exhausted"
;; NOTE: func[4] 'sums': recursive (func[4] 'sums' -> func[4] 'sums'): eBPF has no recursion, so its calls are compiled as 8 nested copies, and a call 9 deep traps "call stack exhausted"
;; NOTE: func[1] 'a': recursive (func[1] 'a' -> func[2] 'b' -> func[3] 'c' -> func[1] 'a'): eBPF has no recursion, so its calls are compiled as 8 nested copies, and a call 9 deep traps "call stack exhausted"
;; INVOKE: fac i64:0 => i64:1
;; INVOKE: fac i64:7 => i64:5040
;; INVOKE: fac i64:8 => trap call stack exhausted
;; INVOKE: fac i64:1000000 => trap call stack exhausted
;; INVOKE: a i32:1 => i32:77
;; INVOKE: a i32:2 => trap call stack exhausted
;; INVOKE: sums i32:7 => i32:84
;; INVOKE: sums i32:8 => trap call stack exhausted
(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $a (export "a") (param i32) (result i32) (call $b (local.get 0)))
  (func $b (param i32) (result i32) (call $c (local.get 0)))
  (func $c (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (call $a (i32.sub (local.get 0) (i32.const 1))))
      (else (i32.const 77))))
  ;; sums(n) = (1 + ... + n) + sums(n - 1), sums(0) = 0
  (func $sums (export "sums") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $s) (call $sums (i32.sub (local.get $n) (i32.const 1))))))
