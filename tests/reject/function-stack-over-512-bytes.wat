;; ARGS: --all-exports --target-kernel=6.4
;; 64 nested loops as bpf_iter_num iterators: 512 bytes of iterators alone,
;; and the function's other values spill too. LLVM finds the function
;; needs more than the kernel's 512 bytes of stack; the refusal names the
;; Wasm function and its offset (it named the internal symbol, w0_f).
(module (func (export "f") (result i32) (local $s i32)
(loop $l63
  (loop $l62
  (loop $l61
  (loop $l60
  (loop $l59
  (loop $l58
  (loop $l57
  (loop $l56
  (loop $l55
  (loop $l54
  (loop $l53
  (loop $l52
  (loop $l51
  (loop $l50
  (loop $l49
  (loop $l48
  (loop $l47
  (loop $l46
  (loop $l45
  (loop $l44
  (loop $l43
  (loop $l42
  (loop $l41
  (loop $l40
  (loop $l39
  (loop $l38
  (loop $l37
  (loop $l36
  (loop $l35
  (loop $l34
  (loop $l33
  (loop $l32
  (loop $l31
  (loop $l30
  (loop $l29
  (loop $l28
  (loop $l27
  (loop $l26
  (loop $l25
  (loop $l24
  (loop $l23
  (loop $l22
  (loop $l21
  (loop $l20
  (loop $l19
  (loop $l18
  (loop $l17
  (loop $l16
  (loop $l15
  (loop $l14
  (loop $l13
  (loop $l12
  (loop $l11
  (loop $l10
  (loop $l9
  (loop $l8
  (loop $l7
  (loop $l6
  (loop $l5
  (loop $l4
  (loop $l3
  (loop $l2
  (loop $l1
  (loop $l0
  (local.set $s (i32.add (local.get $s) (i32.const 1)))
  (br_if $l0 (i32.lt_u (local.get $s) (i32.const 2))))
  (br_if $l1 (i32.lt_u (local.get $s) (i32.const 3))))
  (br_if $l2 (i32.lt_u (local.get $s) (i32.const 4))))
  (br_if $l3 (i32.lt_u (local.get $s) (i32.const 5))))
  (br_if $l4 (i32.lt_u (local.get $s) (i32.const 6))))
  (br_if $l5 (i32.lt_u (local.get $s) (i32.const 7))))
  (br_if $l6 (i32.lt_u (local.get $s) (i32.const 8))))
  (br_if $l7 (i32.lt_u (local.get $s) (i32.const 9))))
  (br_if $l8 (i32.lt_u (local.get $s) (i32.const 10))))
  (br_if $l9 (i32.lt_u (local.get $s) (i32.const 11))))
  (br_if $l10 (i32.lt_u (local.get $s) (i32.const 12))))
  (br_if $l11 (i32.lt_u (local.get $s) (i32.const 13))))
  (br_if $l12 (i32.lt_u (local.get $s) (i32.const 14))))
  (br_if $l13 (i32.lt_u (local.get $s) (i32.const 15))))
  (br_if $l14 (i32.lt_u (local.get $s) (i32.const 16))))
  (br_if $l15 (i32.lt_u (local.get $s) (i32.const 17))))
  (br_if $l16 (i32.lt_u (local.get $s) (i32.const 18))))
  (br_if $l17 (i32.lt_u (local.get $s) (i32.const 19))))
  (br_if $l18 (i32.lt_u (local.get $s) (i32.const 20))))
  (br_if $l19 (i32.lt_u (local.get $s) (i32.const 21))))
  (br_if $l20 (i32.lt_u (local.get $s) (i32.const 22))))
  (br_if $l21 (i32.lt_u (local.get $s) (i32.const 23))))
  (br_if $l22 (i32.lt_u (local.get $s) (i32.const 24))))
  (br_if $l23 (i32.lt_u (local.get $s) (i32.const 25))))
  (br_if $l24 (i32.lt_u (local.get $s) (i32.const 26))))
  (br_if $l25 (i32.lt_u (local.get $s) (i32.const 27))))
  (br_if $l26 (i32.lt_u (local.get $s) (i32.const 28))))
  (br_if $l27 (i32.lt_u (local.get $s) (i32.const 29))))
  (br_if $l28 (i32.lt_u (local.get $s) (i32.const 30))))
  (br_if $l29 (i32.lt_u (local.get $s) (i32.const 31))))
  (br_if $l30 (i32.lt_u (local.get $s) (i32.const 32))))
  (br_if $l31 (i32.lt_u (local.get $s) (i32.const 33))))
  (br_if $l32 (i32.lt_u (local.get $s) (i32.const 34))))
  (br_if $l33 (i32.lt_u (local.get $s) (i32.const 35))))
  (br_if $l34 (i32.lt_u (local.get $s) (i32.const 36))))
  (br_if $l35 (i32.lt_u (local.get $s) (i32.const 37))))
  (br_if $l36 (i32.lt_u (local.get $s) (i32.const 38))))
  (br_if $l37 (i32.lt_u (local.get $s) (i32.const 39))))
  (br_if $l38 (i32.lt_u (local.get $s) (i32.const 40))))
  (br_if $l39 (i32.lt_u (local.get $s) (i32.const 41))))
  (br_if $l40 (i32.lt_u (local.get $s) (i32.const 42))))
  (br_if $l41 (i32.lt_u (local.get $s) (i32.const 43))))
  (br_if $l42 (i32.lt_u (local.get $s) (i32.const 44))))
  (br_if $l43 (i32.lt_u (local.get $s) (i32.const 45))))
  (br_if $l44 (i32.lt_u (local.get $s) (i32.const 46))))
  (br_if $l45 (i32.lt_u (local.get $s) (i32.const 47))))
  (br_if $l46 (i32.lt_u (local.get $s) (i32.const 48))))
  (br_if $l47 (i32.lt_u (local.get $s) (i32.const 49))))
  (br_if $l48 (i32.lt_u (local.get $s) (i32.const 50))))
  (br_if $l49 (i32.lt_u (local.get $s) (i32.const 51))))
  (br_if $l50 (i32.lt_u (local.get $s) (i32.const 52))))
  (br_if $l51 (i32.lt_u (local.get $s) (i32.const 53))))
  (br_if $l52 (i32.lt_u (local.get $s) (i32.const 54))))
  (br_if $l53 (i32.lt_u (local.get $s) (i32.const 55))))
  (br_if $l54 (i32.lt_u (local.get $s) (i32.const 56))))
  (br_if $l55 (i32.lt_u (local.get $s) (i32.const 57))))
  (br_if $l56 (i32.lt_u (local.get $s) (i32.const 58))))
  (br_if $l57 (i32.lt_u (local.get $s) (i32.const 59))))
  (br_if $l58 (i32.lt_u (local.get $s) (i32.const 60))))
  (br_if $l59 (i32.lt_u (local.get $s) (i32.const 61))))
  (br_if $l60 (i32.lt_u (local.get $s) (i32.const 62))))
  (br_if $l61 (i32.lt_u (local.get $s) (i32.const 63))))
  (br_if $l62 (i32.lt_u (local.get $s) (i32.const 64))))
  (br_if $l63 (i32.lt_u (local.get $s) (i32.const 65))))
(local.get $s)))
