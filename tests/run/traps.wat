;; Wasm's integer traps, with the spec's wording; rem_s of INT_MIN by -1 is 0.
;; INVOKE: div_s i32:2147483648 i32:4294967295 => trap integer overflow
;; INVOKE: div_s i32:7 i32:0 => trap integer divide by zero
;; INVOKE: div_s i32:4294967289 i32:2 => i32:4294967293
;; INVOKE: rem_s i32:2147483648 i32:4294967295 => i32:0
;; INVOKE: rem_s i32:4294967289 i32:2 => i32:4294967295
;; INVOKE: div_s64 i64:9223372036854775808 i64:18446744073709551615 => trap integer overflow
;; INVOKE: rem_u64 i64:5 i64:0 => trap integer divide by zero
;; INVOKE: boom => trap unreachable
(module
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "div_s64") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "rem_u64") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "boom") (unreachable)))
