;; Program types this machine's kernel refuses to load for everyone
;; (fentry, fexit, lsm: EPERM, clang's objects too), loaded on Debian's
;; kernels in qemu by test_oldkernels.py with
;;   --entry fe=fentry/do_unlinkat --entry fx=fexit/do_unlinkat --entry open=lsm/file_open
;; The parameters are the traced function's or hook's arguments; the
;; pointers stay numbers the module holds (no arithmetic on them: the
;; verifier types them by BTF). lsm's result is its verdict: -EACCES for
;; uid 4242, else 0.
(module
  (import "bpf" "get_current_uid_gid" (func $uid (result i64)))
  (global $calls (mut i64) (i64.const 0))
  (func (export "open") (param $file i64) (result i32)
    (global.set $calls (i64.add (global.get $calls) (i64.const 1)))
    (if (result i32) (i64.eq (i64.and (call $uid) (i64.const 0xffffffff)) (i64.const 4242))
      (then (i32.const -13)) (else (i32.const 0))))
  (func (export "fe") (param $dfd i32) (param $name i64)
    (global.set $calls (i64.add (global.get $calls) (i64.const 1))))
  (func (export "fx") (param $dfd i32) (param $name i64) (param $ret i32)
    (global.set $calls (i64.add (global.get $calls) (i64.extend_i32_s (local.get $ret))))))
