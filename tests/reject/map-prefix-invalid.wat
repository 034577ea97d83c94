;; ARGS: --all-exports --map-prefix=9lives
;; --map-prefix must make C identifiers of at most 15 characters with
;; "_traps" (BTF names the maps; the kernel keeps 15 characters): 1 to 9
;; letters, digits and underscores, not starting with a digit.
(module
  (func (export "f") (result i32) (i32.const 1)))
