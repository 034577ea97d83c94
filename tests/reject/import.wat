;; Calls to imports: none exist yet for this module's host.
(module
  (import "env" "get" (func $get (result i32)))
  (func (export "f") (result i32) (call $get)))
