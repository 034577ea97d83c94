;; memory.copy and memory.fill: overlapping copies in both directions
;; (memmove), lengths that are not a multiple of 8, length 0 at the end of
;; the memory, and out-of-bounds spans (64-bit sums: no wrap), which trap
;; before anything is written. Copies of the whole memory too: the verifier
;; checks the loops once, whatever the length (one page is in 16 KiB
;; blocks: the loops inside the hot block and those whose units look up
;; their blocks, each once; a loop of segments took 500,000).
;; INVOKE: word i32:0 => i64:578437695752307201
;; INVOKE: word i32:8 => i64:1157159078456920585
;; INVOKE: copy i32:3 i32:0 i32:21 =>
;; INVOKE: word i32:0 => i64:361417177238274561
;; INVOKE: word i32:8 => i64:940138559942690566
;; INVOKE: word i32:16 => i64:1518859942647303950
;; INVOKE: word i32:24 => i64:2314601843866147353
;; INVOKE: copy i32:1 i32:4 i32:20 =>
;; INVOKE: word i32:0 => i64:578437695752307201
;; INVOKE: word i32:8 => i64:1157159078456920585
;; INVOKE: word i32:16 => i64:1518859955582734865
;; INVOKE: word i32:24 => i64:2314601843866147353
;; INVOKE: copy i32:40 i32:0 i32:32 =>
;; INVOKE: word i32:40 => i64:578437695752307201
;; INVOKE: word i32:48 => i64:1157159078456920585
;; INVOKE: word i32:56 => i64:1518859955582734865
;; INVOKE: word i32:64 => i64:2314601843866147353
;; INVOKE: copy i32:41 i32:40 i32:9 =>
;; INVOKE: word i32:40 => i64:506097522914230529
;; INVOKE: word i32:48 => i64:1157159078456920328
;; INVOKE: copy i32:100 i32:100 i32:16 =>
;; INVOKE: word i32:96 => i64:0
;; INVOKE: word i32:104 => i64:0
;; INVOKE: word i32:112 => i64:0
;; INVOKE: fill i32:70 i32:426 i32:13 =>
;; INVOKE: word i32:64 => i64:12297674842862983705
;; INVOKE: word i32:72 => i64:12297829382473034410
;; INVOKE: word i32:80 => i64:11184810
;; INVOKE: fill i32:80 i32:0 i32:0 =>
;; INVOKE: copy i32:65536 i32:0 i32:0 =>
;; INVOKE: copy i32:0 i32:65536 i32:0 =>
;; INVOKE: fill i32:65536 i32:1 i32:0 =>
;; INVOKE: copy i32:65530 i32:0 i32:7 => trap out of bounds memory access
;; INVOKE: copy i32:0 i32:65530 i32:7 => trap out of bounds memory access
;; INVOKE: copy i32:4294967295 i32:0 i32:2 => trap out of bounds memory access
;; INVOKE: copy i32:0 i32:1 i32:4294967295 => trap out of bounds memory access
;; INVOKE: fill i32:65535 i32:1 i32:2 => trap out of bounds memory access
;; INVOKE: fill i32:65537 i32:1 i32:0 => trap out of bounds memory access
;; INVOKE: word i32:0 => i64:578437695752307201
;; INVOKE: word i32:8 => i64:1157159078456920585
;; INVOKE: word i32:16 => i64:1518859955582734865
;; INVOKE: fill i32:65520 i32:90 i32:16 =>
;; INVOKE: word i32:65520 => i64:6510615555426900570
;; INVOKE: word i32:65528 => i64:6510615555426900570
;; INVOKE: copy i32:8 i32:0 i32:65528 =>
;; INVOKE: word i32:0 => i64:578437695752307201
;; INVOKE: word i32:8 => i64:578437695752307201
;; INVOKE: word i32:16 => i64:1157159078456920585
;; INVOKE: word i32:65520 => i64:0
;; INVOKE: word i32:65528 => i64:6510615555426900570
;; INVOKE: copy i32:0 i32:8 i32:65528 =>
;; INVOKE: word i32:0 => i64:578437695752307201
;; INVOKE: word i32:8 => i64:1157159078456920585
;; INVOKE: word i32:65512 => i64:0
;; INVOKE: word i32:65520 => i64:6510615555426900570
;; INVOKE: word i32:65528 => i64:6510615555426900570
;; INVOKE: fill i32:0 i32:255 i32:65536 =>
;; INVOKE: word i32:0 => i64:18446744073709551615
;; INVOKE: word i32:32760 => i64:18446744073709551615
;; INVOKE: word i32:65528 => i64:18446744073709551615
;; STATS: copy verified_insns < 2000
;; STATS: fill verified_insns < 800
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f\20")
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "word") (param i32) (result i64) (i64.load (local.get 0))))
