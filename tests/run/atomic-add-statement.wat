;; An atomic add or sub whose result is dropped is BPF_XADD, which every
;; target kernel has (5.10 included: tests/oldkernel loads this there);
;; only the fetch forms need 5.12 (reject/atomic-fetch-needs-newer-kernel).
;; Each run starts from 0 (the old kernels' runs repeat): len - 1.
;; ARGS: --entry count=xdp
;; TARGETS: 5.10 6.1
;; PACKET: count 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f => i32:31
;; PACKET: count 000102030405060708090a0b0c0d0e0f => i32:15
(module (memory 1 1 shared)
  (func (export "count") (param $p i32) (param $len i32) (result i32)
    (i32.store (i32.const 64) (i32.const 0))
    (drop (i32.atomic.rmw.add (i32.const 64) (local.get $len)))
    (drop (i32.atomic.rmw.sub (i32.const 64) (i32.const 1)))
    (i32.load (i32.const 64))))
