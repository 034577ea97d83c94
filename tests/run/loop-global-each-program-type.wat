;; Loops whose body is a global function (5.10: no bpf_loop) in each
;; packet program type: the body gets the program's own context (struct
;; xdp_md or struct __sk_buff, by name), finds the instance and the packet
;; again from it (in place for xdp and tc, copies for a socket filter,
;; either for cgroup_skb), and the sums agree with the packet (a socket
;; filter's and cgroup_skb's test runs see it after its 14-byte Ethernet
;; header, whose bytes sum to 65). `shared` is
;; reached from entries of two types, whose contexts differ: its loop is
;; an ordinary counted one instead.
;; ARGS: --entry sum_xdp=xdp --entry sum_tc=tc --entry sum_sock=socket --entry sum_cg=cgroup_skb/ingress --entry shared_xdp=xdp --entry shared_tc=tc
;; TARGETS: 5.10 6.1
;; PACKET: sum_xdp 0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a => i32:331
;; PACKET: sum_tc 0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a => i32:332
;; PACKET: sum_sock 0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a => i32:268
;; PACKET: sum_cg 0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a => i32:1
;; PACKET: shared_xdp 0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a => i32:330
;; PACKET: shared_tc 0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a0102030405060708090a => i32:330
(module (memory 1)
  (func (export "sum_xdp") (param $p i32) (param $len i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (local.get $s) (i32.const 1)))
  (func (export "sum_tc") (param $p i32) (param $len i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (local.get $s) (i32.const 2)))
  (func (export "sum_sock") (param $p i32) (param $len i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.add (local.get $s) (i32.const 3)))
  (func (export "sum_cg") (param $p i32) (param $len i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.eq (local.get $s) (i32.const 265)))
  (func $shared (param $p i32) (param $len i32) (result i32)
    (local $i i32) (local $s i32)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
  (func (export "shared_xdp") (param $p i32) (param $len i32) (result i32)
    (call $shared (local.get $p) (local.get $len)))
  (func (export "shared_tc") (param $p i32) (param $len i32) (result i32)
    (call $shared (local.get $p) (local.get $len))))
