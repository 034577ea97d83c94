;; ARGS: --entry add=raw_tp/sys_enter --entry comm0=raw_tp/sys_enter --entry probe=raw_tracepoint/sys_exit --entry div=raw_tp/sys_enter
;; Raw tracepoint entries (section raw_tp/NAME or raw_tracepoint/NAME): the
;; parameters are the context's u64 words, the tracepoint's arguments in
;; order (an i32 their low half), and an i32 result is the program's
;; return value. The kernel test-runs raw tracepoints with the arguments
;; as the context (BPF_PROG_TEST_RUN's ctx_in), which is what run does.
;; comm0: the first byte of bpf_get_current_comm's name of the current task,
;; the process that test-runs it ('w' of wasm2bpf, 119). probe:
;; bpf_probe_read_kernel of address 0 fails with -EFAULT and zeroes the
;; 8 bytes it was to write (the result: -14 plus those bytes).
;; INVOKE: add i64:40 i64:2 => i32:42
;; INVOKE: add i64:4294967296 i64:7 => i32:7
;; INVOKE: comm0 => i32:119
;; INVOKE: probe i64:0 => i32:4294967262
;; INVOKE: div i64:7 i64:0 => trap integer divide by zero
;; INVOKE: div i64:7 i64:2 => i32:3
(module
  (import "bpf" "get_current_comm" (func $comm (param i32 i32) (result i32)))
  (import "bpf" "probe_read_kernel" (func $read (param i32 i32 i64) (result i32)))
  (memory 1)
  (func (export "add") (param $a i64) (param $b i64) (result i32)
    (i32.wrap_i64 (i64.add (local.get $a) (local.get $b))))
  (func (export "comm0") (result i32)
    (drop (call $comm (i32.const 64) (i32.const 16)))
    (i32.load8_u (i32.const 64)))
  (func (export "probe") (param $p i64) (result i32)
    (i64.store (i32.const 128) (i64.const -1))
    (i32.add (call $read (i32.const 128) (i32.const 8) (local.get $p))
             (i32.wrap_i64 (i64.load (i32.const 128)))))
  (func (export "div") (param $a i64) (param $b i64) (result i32)
    (i32.wrap_i64 (i64.div_u (local.get $a) (local.get $b)))))
