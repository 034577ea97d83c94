;; ARGS: --entry f=xdp --target-kernel=5.10
;; KERNEL: kernel version
;; ON: 5.10
;; an atomic add whose result is used (a fetch) needs BPF's atomics of 5.12 (5.10 has only the add whose result is
;; not used, the old XADD).
(module
  (memory 1 1 shared)
  (func (export "f") (param $pkt i32) (param $len i32) (result i32)
    (i32.atomic.rmw.add (i32.const 64) (local.get $len))))
