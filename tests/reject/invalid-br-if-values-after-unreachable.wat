;; br_if leaves its label's values on the stack as the label's types, even
;; after an unreachable (the spec's pop_vals then push_vals): here an i32 the
;; inner block must not end with (spec unreached-invalid.wast:676).
(module
  (func (export "f") (result i32)
    (block (result i32)
      (block
        (br_if 1 (unreachable) (i32.const 0)))
      (i32.const 0))))
