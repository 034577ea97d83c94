;; An address bounded by an `and` whose operand LLVM bounds by itself (a
;; udiv of a byte): LLVM drops the `and` as redundant, and the verifier,
;; which does not bound a division, refused the access with no check left
;; ("math between map_value pointer and register with unbounded min value";
;; tests/diff/run_generated.py, gen program of seed 100011).
;; ARGS: f i32:200 i32:3
;; ARGS: f i32:0xffffffff i32:0
;; ARGS: g i32:1000 i32:7
(module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c\1d\1e\1f\20\21\22\23\24\25\26\27\28\29\2a\2b\2c\2d\2e\2f\30\31\32\33\34\35\36\37\38\39\3a\3b\3c\3d\3e\3f\40\41\42\43\44\45\46\47\48\49\4a\4b\4c\4d\4e\4f\50")
  (func (export "f") (param i32 i32) (result i32)
    (i32.load8_u offset=3
      (i32.and (i32.div_u (i32.and (local.get 0) (i32.const 255))
                          (i32.or (local.get 1) (i32.const 1)))
               (i32.const 1023))))
  (func (export "g") (param i32 i32) (result i32)
    (i32.load16_u offset=1
      (i32.and (i32.rem_u (local.get 0) (i32.or (local.get 1) (i32.const 8)))
               (i32.const 255)))))
