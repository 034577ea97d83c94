;; A memory larger than the env value is cut into 16 KiB blocks
;; (backend-bpf/emit_memory.c): the hot one (here block 0: no wasm-ld
;; layout) in the env value as the memory base, the others in PREFIX_mem,
;; reached through w2b_mem_gather/w2b_mem_scatter, also when an access's
;; bytes lie in two blocks. 3 pages = 12 blocks.
;; Checked here: a data segment written across the boundary at 32768;
;; loads and stores straddling 16384 (the hot block's end: the env value
;; and PREFIX_mem in one access), 32768 and 65536 (sign and
;; zero extension, memarg offsets that carry the address across); accesses
;; in the last block and past the end; an atomic in block 10; memory.copy
;; forwards and backwards (overlapping) across blocks, between the hot
;; block and others, and memory.fill across three blocks. Every expected
;; value was computed by node on the same module.
;; INVOKE: ld64 i32:32764 => i64:867798387104613893
;; INVOKE: ld64 i32:32760 => i64:578437695752307201
;; INVOKE: ld32 i32:32766 => i32:168364039
;; INVOKE: ld16s i32:32767 => i32:2312
;; INVOKE: ld16s_off i32:32765 => i32:2312
;; INVOKE: st64 i32:65533 i64:-8613303245920329199 =>
;; INVOKE: ld64 i32:65533 => i64:9833440827789222417
;; INVOKE: ld8s i32:65535 => i32:51
;; INVOKE: ld8u i32:65536 => i32:68
;; INVOKE: ld16s i32:65535 => i32:17459
;; INVOKE: ld16u i32:65535 => i32:17459
;; INVOKE: st64 i32:16380 i64:-81985529216486896 =>
;; INVOKE: ld64 i32:16380 => i64:18364758544493064720
;; INVOKE: ld32 i32:16382 => i32:3130553940
;; INVOKE: ld8s i32:16384 => i32:4294967192
;; INVOKE: ld8u i32:16383 => i32:118
;; INVOKE: copy i32:16000 i32:16380 i32:40 =>
;; INVOKE: ld64 i32:16000 => i64:18364758544493064720
;; INVOKE: fill i32:16370 i32:5 i32:30 =>
;; INVOKE: ld64 i32:16380 => i64:361700864190383365
;; INVOKE: st16 i32:98303 i32:32897 =>
;; INVOKE: ld16s i32:98303 => i32:4294934657
;; INVOKE: ld8s i32:98303 => i32:4294967169
;; INVOKE: ld32 i32:98302 => i32:8421632
;; INVOKE: st32_off i32:65530 i32:4294967295 =>
;; INVOKE: ld64 i32:65533 => i64:9833609786363421201
;; INVOKE: st64 i32:196600 i64:42 =>
;; INVOKE: ld64 i32:196600 => i64:42
;; INVOKE: ld64 i32:196601 => trap out of bounds memory access
;; INVOKE: st16 i32:196607 i32:1 => trap out of bounds memory access
;; INVOKE: ld8u i32:196607 => i32:0
;; INVOKE: add i32:180000 i64:5 => i64:0
;; INVOKE: add i32:180000 i64:5 => i64:5
;; INVOKE: add i32:180004 i64:5 => trap unaligned atomic
;; INVOKE: copy i32:100000 i32:32760 i32:16 =>
;; INVOKE: ld64 i32:100004 => i64:867798387104613893
;; INVOKE: copy i32:32770 i32:32760 i32:20 =>
;; INVOKE: ld64 i32:32770 => i64:578437695752307201
;; INVOKE: ld64 i32:32778 => i64:1157159078456920585
;; INVOKE: copy i32:32755 i32:32770 i32:20 =>
;; INVOKE: ld64 i32:32755 => i64:578437695752307201
;; INVOKE: ld64 i32:32763 => i64:1157159078456920585
;; INVOKE: copy i32:8 i32:100004 i32:8 =>
;; INVOKE: ld64 i32:8 => i64:867798387104613893
;; INVOKE: fill i32:32000 i32:171 i32:70000 =>
;; INVOKE: ld64 i32:31992 => i64:0
;; INVOKE: ld64 i32:32000 => i64:12370169555311111083
;; INVOKE: ld64 i32:65533 => i64:12370169555311111083
;; INVOKE: ld64 i32:101992 => i64:12370169555311111083
;; INVOKE: ld8u i32:102000 => i32:0
;; INVOKE: fill i32:196600 i32:1 i32:9 => trap out of bounds memory access
;; INVOKE: size => i32:3
(module
  (memory 3)
  (data (i32.const 32760) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14\15\16\17\18\19\1a\1b\1c")
  (func (export "ld64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "ld32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "ld16s") (param i32) (result i32) (i32.load16_s (local.get 0)))
  (func (export "ld16u") (param i32) (result i32) (i32.load16_u (local.get 0)))
  (func (export "ld16s_off") (param i32) (result i32) (i32.load16_s offset=2 (local.get 0)))
  (func (export "ld8s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "ld8u") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "st64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "st32_off") (param i32 i32) (i32.store offset=5 (local.get 0) (local.get 1)))
  (func (export "st16") (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
  (func (export "add") (param i32 i64) (result i64) (i64.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "size") (result i32) (memory.size)))
