;; The instance state's cost is stated in a note, and past 16 MiB for the
;; CPUs the object is sized for, warned about with the ways to shrink it:
;; 2 pages of memory, used (no wasm-ld layout, so all of it), are 131,072
;; bytes per CPU in w2b_memory, 33.5 MB for 256 CPUs (24 x 256 + 131,072
;; x 256).
;; NOTE: instance state: 131,096 bytes per CPU (24 in w2b_env, 131,072 in w2b_memory), 33,560,576 for the 256 CPUs the object is sized for (--max-cpus)
;; WARNING: instance state of 33,560,576 bytes for 256 CPUs, more than 16 MiB: most of it is the module's linear memory, which its linker sized (its stack and initial memory); build with a small stack (C: -Wl,-z,stack-size=8192; Rust: -C link-arg=-zstack-size=8192), or set --memory-size or --max-cpus
;; INVOKE: poke i32:131068 i32:7 => i32:7
;; INVOKE: poke i32:131069 i32:7 => trap out of bounds memory access
(module
  (memory 2)
  (func (export "poke") (param $a i32) (param $v i32) (result i32)
    (i32.store (local.get $a) (local.get $v))
    (i32.load (local.get $a))))
