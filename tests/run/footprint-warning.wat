;; The instance state's cost is stated in a note, per possible CPU (the
;; kernel allocates the per-CPU maps for each one; the note's tail, the
;; total on the compiling machine, is not checked here), and past 1 MiB
;; per CPU warned about with the linker flags that shrink it: 17 pages
;; (what a Rust module's 1 MiB default stack makes), used: 68 blocks of
;; 16 KiB, the hot one (block 0: no wasm-ld layout) in the env value beside
;; 32 bytes of instance state, 67 in the memory map (PREFIX_mem).
;; NOTE: instance state: 1,114,144 bytes per possible CPU (16,416 in 
;; WARNING: instance state of 1,114,144 bytes per possible CPU, more than 1 MiB: most of it is the module's linear memory as its linker declared it (stack and initial memory); link with a small stack and initial memory (C: -Wl,-z,stack-size=8192 -Wl,--initial-memory=65536; Rust: -C link-arg=-zstack-size=8192 -C link-arg=--initial-memory=65536; AssemblyScript: --initialMemory 1), or shrink it with --memory-size
;; INVOKE: poke i32:1114108 i32:7 => i32:7
;; INVOKE: poke i32:1114109 i32:7 => trap out of bounds memory access
(module
  (memory 17)
  (func (export "poke") (param $a i32) (param $v i32) (result i32)
    (i32.store (local.get $a) (local.get $v))
    (i32.load (local.get $a))))
