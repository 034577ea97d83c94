;; Values crossing scopes go through locals; br_table with values jumps to
;; one trampoline per distinct target.
(module
  (func (export "pick") (param i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (br_table $a $b $a (i32.const 10) (local.get 0)))
      (i32.const 1)
      (i32.add)))
  (func (export "swap") (param i32 i32) (result i32 i32)
    (local.get 1) (local.get 0)))
