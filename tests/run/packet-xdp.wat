;; ARGS: --entry fw=xdp --entry proto=tc --entry peek=xdp
;; Packet entries read the packet in place through ordinary loads of the
;; pkt parameter (zero copy); reading past its end traps with the entry's
;; trap action (XDP_ABORTED, TC_ACT_SHOT), which run reports as a trap.
;; Ethernet + IPv4 (UDP, protocol 17) and the same with TCP (6):
;; PACKET: fw 000000000001 000000000002 0800 4500002e00000000 4011 0000 0a000001 0a000002 0035 0035 001a 0000 000000000000000000000000000000000000 => i32:1
;; PACKET: fw 000000000001 000000000002 0800 4500002e00000000 4006 0000 0a000001 0a000002 0035 0035 001a 0000 000000000000000000000000000000000000 => i32:2
;; An ARP frame (0x0806) passes:
;; PACKET: fw 000000000001 000000000002 0806 0001080006040001000000000001 0a000001000000000000 0a000002 => i32:2
;; The same decision in a TC program (TC_ACT_SHOT 2 for UDP, TC_ACT_OK 0):
;; PACKET: proto 000000000001 000000000002 0800 4500002e00000000 4011 0000 0a000001 0a000002 0035 0035 001a 0000 000000000000000000000000000000000000 => i32:2
;; A read at a dynamic offset, and one past the end:
;; PACKET: peek 0000000000010000000000020801 0102030405060708 => i32:258
;; PACKET: peek 0000000000010000000000020801 01 => trap out of bounds memory access
;; STATS: fw verified_insns < 400
(module
  (import "bpf" "ktime_get_ns" (func $now (result i64)))
  (memory 0)	;; loads need a memory; this module's are all packet reads
  ;; the IP protocol, or -1 for a frame too short or not IPv4
  (func $ip_proto (param $pkt i32) (param $len i32) (result i32)
    (if (i32.lt_u (local.get $len) (i32.const 34)) (then (return (i32.const -1))))
    (if (i32.ne (i32.load16_u offset=12 (local.get $pkt)) (i32.const 0x0008))
      (then (return (i32.const -1))))
    (i32.load8_u offset=23 (local.get $pkt)))
  ;; XDP: drop UDP, pass the rest
  (func (export "fw") (param $pkt i32) (param $len i32) (result i32)
    (drop (call $now))
    (select (i32.const 1) (i32.const 2)
      (i32.eq (call $ip_proto (local.get $pkt) (local.get $len)) (i32.const 17))))
  ;; TC: shoot UDP, let the rest through
  (func (export "proto") (param $pkt i32) (param $len i32) (result i32)
    (select (i32.const 2) (i32.const 0)
      (i32.eq (call $ip_proto (local.get $pkt) (local.get $len)) (i32.const 17))))
  ;; the big-endian u16 right after the Ethernet header, at an offset the
  ;; packet itself gives (byte 13 low bit set: offset 14)
  (func (export "peek") (param $pkt i32) (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (i32.add (local.get $pkt)
      (i32.add (i32.const 13) (i32.and (i32.load8_u offset=13 (local.get $pkt)) (i32.const 1)))))
    (i32.or (i32.shl (i32.load8_u (local.get $p)) (i32.const 8))
            (i32.load8_u offset=1 (local.get $p)))))
