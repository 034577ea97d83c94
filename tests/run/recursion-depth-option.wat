;; --max-recursion-depth=N sets how deep a cycle of calls may nest (at
;; most 64): fac 25 nests 26 calls (the spec test's fac-rec). A function
;; that calls into its cycle twice (fib) would be 1 + 2 + ... + 2^(N-1)
;; copies of itself once inlined, so it gets fewer levels than asked, and
;; the note says so: fib 12 nests 12 calls, fib 13 needs 13.
;; ARGS: --all-exports --max-recursion-depth=30
;; NOTE: func[0] 'fac': recursive (func[0] 'fac' -> func[0] 'fac'): eBPF has no recursion, so its calls are compiled as 30 nested copies, and a call 31 deep traps "call stack exhausted"
;; NOTE: func[1] 'fib': recursive (func[1] 'fib' -> func[1] 'fib'): eBPF has no recursion, so its calls are compiled as 12 nested copies, and a call 13 deep traps "call stack exhausted" (fewer than --max-recursion-depth: deeper copies would grow past 100,000 instructions where they are inlined)
;; INVOKE: fac i64:25 => i64:7034535277573963776
;; INVOKE: fac i64:29 => i64:11390785281054474240
;; INVOKE: fac i64:30 => trap call stack exhausted
;; INVOKE: fib i64:12 => i64:233
;; INVOKE: fib i64:13 => trap call stack exhausted
(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $fib (export "fib") (param i64) (result i64)
    (if (result i64) (i64.le_u (local.get 0) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.add
          (call $fib (i64.sub (local.get 0) (i64.const 2)))
          (call $fib (i64.sub (local.get 0) (i64.const 1))))))))
