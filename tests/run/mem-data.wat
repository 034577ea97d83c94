;; Data segments are the memory's initial contents on every CPU from the
;; first run on (overlapping segments: the later one wins; one is longer than
;; the constant-store threshold and is copied in a loop from .rodata). Mutable
;; globals start at their initial values and persist across runs; `answer` is
;; an exported immutable global, a .rodata variable.
;; INVOKE: byte i32:0 => i32:104
;; INVOKE: byte i32:7 => i32:119
;; INVOKE: word i32:64 => i64:1074606175335821323
;; INVOKE: word i32:96 => i64:17216961131905929387
;; INVOKE: word i32:100 => i64:17216961135462248174
;; INVOKE: word i32:256 => i64:14891579187408531659
;; INVOKE: word i32:264 => i64:0
;; INVOKE: byte i32:65535 => i32:100
;; INVOKE: word i32:65528 => i64:7236832701905371136
;; INVOKE: sum i32:64 i32:200 => i32:26161
;; INVOKE: next => i32:101
;; INVOKE: next => i32:102
;; INVOKE: next => i32:103
;; INVOKE: wide => i64:18446744073709551615
;; INVOKE: setwide i64:5 =>
;; INVOKE: wide => i64:5
;; INVOKE: answer_get => i32:42
;; INVOKE: next => i32:104
;; STATS: byte verified_insns < 400
;; STATS: sum verified_insns < 800
(module
  (memory 1)
  (data (i32.const 0) "hello, world")
  (data (i32.const 64) "\0b\30\55\7a\9f\c4\e9\0e\33\58\7d\a2\c7\ec\11\36\5b\80\a5\ca\ef\14\39\5e\83\a8\cd\f2\17\3c\61\86\ab\d0\f5\1a\3f\64\89\ae\d3\f8\1d\42\67\8c\b1\d6\fb\20\45\6a\8f\b4\d9\fe\23\48\6d\92\b7\dc\01\26\4b\70\95\ba\df\04\29\4e\73\98\bd\e2\07\2c\51\76\9b\c0\e5\0a\2f\54\79\9e\c3\e8\0d\32\57\7c\a1\c6\eb\10\35\5a\7f\a4\c9\ee\13\38\5d\82\a7\cc\f1\16\3b\60\85\aa\cf\f4\19\3e\63\88\ad\d2\f7\1c\41\66\8b\b0\d5\fa\1f\44\69\8e\b3\d8\fd\22\47\6c\91\b6\db\01\25\4a\6f\94\b9\de\03\28\4d\72\97\bc\e1\06\2b\50\75\9a\bf\e4\09\2e\53\78\9d\c2\e7\0c\31\56\7b\a0\c5\ea\0f\34\59\7e\a3\c8\ed\12\37\5c\81\a6\cb\f0\15\3a\5f\84\a9\ce")
  (data (i32.const 100) "\ee\ee\ee\ee\ee\ee\ee\ee")
  (data (i32.const 65533) "end")
  (global $count (mut i32) (i32.const 100))
  (global $wide (mut i64) (i64.const -1))
  (global $answer (export "answer") i32 (i32.const 42))
  (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "word") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "next") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count))
  (func (export "wide") (result i64) (global.get $wide))
  (func (export "setwide") (param i64) (global.set $wide (local.get 0)))
  (func (export "answer_get") (result i32) (global.get $answer))
  ;; the sum of the bytes [p, p + n)
  (func (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $s)))
