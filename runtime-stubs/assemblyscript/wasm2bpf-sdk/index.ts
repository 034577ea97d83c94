// The wasm2bpf SDK for AssemblyScript (docs/sdk-assemblyscript.md).
//
// A module becomes an eBPF object through wasm2bpf; what the compiler must
// know travels as exported constants, since AssemblyScript writes no custom
// sections:
//
//   export const w2b_section__counters = "xdp";   // program `counters`, section xdp
//   export const w2b_map__proto_stats = memory.data<u32>([BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, 256, 0, 0]);
//
// (a map's definition is six u32 in memory: type, key size, value size,
// max entries, map flags, pinning: docs/abi.md). Build with
//   asc policy.ts -O2 --runtime stub --initialMemory 1 --path runtime-stubs/assemblyscript
// and compile the .wasm with wasm2bpf. Packet programs are
//   export function NAME(pkt: usize, len: u32): u32
// with pkt the packet's first byte: load<u8>(pkt + i), load<u64>(pkt + i)
// read it in place (an access past its end traps: the entry's trap action).
// Code that allocates (new, arrays, strings built at run time) grows memory,
// which eBPF cannot do: use static buffers (memory.data) and @unmanaged
// classes as views of map values and headers.

// --- verdicts and map types (linux/bpf.h's values) ---------------------------

export const XDP_ABORTED: u32 = 0;
export const XDP_DROP: u32 = 1;
export const XDP_PASS: u32 = 2;
export const XDP_TX: u32 = 3;
export const XDP_REDIRECT: u32 = 4;
export const TC_ACT_OK: u32 = 0;
export const TC_ACT_SHOT: u32 = 2;
export const CGROUP_SKB_DROP: u32 = 0;
export const CGROUP_SKB_ALLOW: u32 = 1;

export const BPF_MAP_TYPE_HASH: u32 = 1;
export const BPF_MAP_TYPE_ARRAY: u32 = 2;
export const BPF_MAP_TYPE_PERCPU_HASH: u32 = 5;
export const BPF_MAP_TYPE_PERCPU_ARRAY: u32 = 6;
export const BPF_MAP_TYPE_LRU_HASH: u32 = 9;
export const BPF_MAP_TYPE_LPM_TRIE: u32 = 11;
export const BPF_MAP_TYPE_PROG_ARRAY: u32 = 3;
export const BPF_MAP_TYPE_PERF_EVENT_ARRAY: u32 = 4;
export const BPF_MAP_TYPE_STACK_TRACE: u32 = 7;
export const BPF_MAP_TYPE_LRU_PERCPU_HASH: u32 = 10;
export const BPF_MAP_TYPE_DEVMAP: u32 = 14;
export const BPF_MAP_TYPE_CPUMAP: u32 = 16;
export const BPF_MAP_TYPE_XSKMAP: u32 = 17;
export const BPF_MAP_TYPE_DEVMAP_HASH: u32 = 25;
export const BPF_MAP_TYPE_RINGBUF: u32 = 27;
export const BPF_F_NO_PREALLOC: u32 = 1;
export const LIBBPF_PIN_BY_NAME: u32 = 1;
export const BPF_ANY: u64 = 0;
export const BPF_NOEXIST: u64 = 1;
export const BPF_EXIST: u64 = 2;

// --- kernel helpers: imports from "bpf" (common/helpers.def) ----------------
// Pointers are into the module's memory; a map is its w2b_map__ constant;
// sizes must be constants.

@external("bpf", "map_lookup_elem")
export declare function map_lookup_elem(map: usize, key: usize): usize;
@external("bpf", "map_update_elem")
export declare function map_update_elem(map: usize, key: usize, value: usize, flags: u64): i32;
@external("bpf", "map_delete_elem")
export declare function map_delete_elem(map: usize, key: usize): i32;
@external("bpf", "ringbuf_output")
export declare function ringbuf_output(map: usize, data: usize, size: u64, flags: u64): i32;
@external("bpf", "trace_printk")
export declare function trace_printk(fmt: usize, size: u32, a: u64, b: u64, c: u64): i32;
@external("bpf", "ktime_get_ns")
export declare function ktime_get_ns(): u64;
@external("bpf", "ktime_get_boot_ns")
export declare function ktime_get_boot_ns(): u64;
@external("bpf", "get_prandom_u32")
export declare function get_prandom_u32(): u32;
@external("bpf", "get_smp_processor_id")
export declare function get_smp_processor_id(): u32;
@external("bpf", "redirect")
export declare function redirect(ifindex: u32, flags: u64): i32;
@external("bpf", "get_current_pid_tgid")
export declare function get_current_pid_tgid(): u64;
@external("bpf", "get_current_uid_gid")
export declare function get_current_uid_gid(): u64;
@external("bpf", "get_current_comm")
export declare function get_current_comm(buf: usize, size: u32): i32;
@external("bpf", "probe_read_kernel")
export declare function probe_read_kernel(dst: usize, size: u32, src: u64): i32;
@external("bpf", "skb_store_bytes")
export declare function skb_store_bytes(offset: u32, from: usize, len: u32, flags: u64): i32;
@external("bpf", "skb_load_bytes")
export declare function skb_load_bytes(offset: u32, to: usize, len: u32): i32;
@external("bpf", "l3_csum_replace")
export declare function l3_csum_replace(offset: u32, from: u64, to: u64, flags: u64): i32;
@external("bpf", "l4_csum_replace")
export declare function l4_csum_replace(offset: u32, from: u64, to: u64, flags: u64): i32;
@external("bpf", "xdp_adjust_head")
export declare function xdp_adjust_head(delta: i32): i32;
@external("bpf", "xdp_adjust_tail")
export declare function xdp_adjust_tail(delta: i32): i32;

@external("bpf", "get_numa_node_id")
export declare function get_numa_node_id(): u32;
@external("bpf", "jiffies64")
export declare function jiffies64(): u64;
@external("bpf", "ktime_get_coarse_ns")
export declare function ktime_get_coarse_ns(): u64;
@external("bpf", "ktime_get_tai_ns")
export declare function ktime_get_tai_ns(): u64;
@external("bpf", "get_current_task")
export declare function get_current_task(): u64;
@external("bpf", "probe_read_user")
export declare function probe_read_user(dst: usize, size: u32, src: u64): i32;
@external("bpf", "probe_read_user_str")
export declare function probe_read_user_str(dst: usize, size: u32, src: u64): i32;
@external("bpf", "probe_read_kernel_str")
export declare function probe_read_kernel_str(dst: usize, size: u32, src: u64): i32;
@external("bpf", "skb_vlan_push")
export declare function skb_vlan_push(proto: u32, tci: u32): i32;
@external("bpf", "skb_vlan_pop")
export declare function skb_vlan_pop(): i32;
@external("bpf", "skb_change_proto")
export declare function skb_change_proto(proto: u32, flags: u64): i32;
@external("bpf", "skb_change_type")
export declare function skb_change_type(pkt_type: u32): i32;
@external("bpf", "get_hash_recalc")
export declare function get_hash_recalc(): u32;
@external("bpf", "skb_change_tail")
export declare function skb_change_tail(len: u32, flags: u64): i32;
@external("bpf", "skb_change_head")
export declare function skb_change_head(len: u32, flags: u64): i32;
@external("bpf", "skb_adjust_room")
export declare function skb_adjust_room(len_diff: i32, mode: u32, flags: u64): i32;
@external("bpf", "get_socket_cookie")
export declare function get_socket_cookie(): u64;
@external("bpf", "get_socket_uid")
export declare function get_socket_uid(): u32;
@external("bpf", "redirect_map")
export declare function redirect_map(map: usize, key: u64, flags: u64): i32;
@external("bpf", "csum_diff")
export declare function csum_diff(from: usize, from_size: u32, to: usize, to_size: u32, seed: u32): u64;
@external("bpf", "fib_lookup")
export declare function fib_lookup(params: usize, plen: u32, flags: u32): i32;
@external("bpf", "perf_event_output")
export declare function perf_event_output(map: usize, flags: u64, data: usize, size: u64): i32;
@external("bpf", "get_stackid")
export declare function get_stackid(map: usize, flags: u64): i32;
@external("bpf", "get_stack")
export declare function get_stack(buf: usize, size: u32, flags: u64): i32;
@external("bpf", "send_signal")
export declare function send_signal(sig: u32): i32;
@external("bpf", "send_signal_thread")
export declare function send_signal_thread(sig: u32): i32;
@external("bpf", "override_return")
export declare function override_return(rc: u64): i32;
@external("bpf", "tail_call")
export declare function tail_call(prog_array: usize, index: u32): i32;

// --- context fields: imports from "ctx" (common/ctx_fields.def) -------------

@external("ctx", "len")
export declare function ctx_len(): u32;
@external("ctx", "mark")
export declare function ctx_mark(): u32;
@external("ctx", "set_mark")
export declare function ctx_set_mark(v: u32): void;
@external("ctx", "protocol")
export declare function ctx_protocol(): u32;
@external("ctx", "ingress_ifindex")
export declare function ctx_ingress_ifindex(): u32;

// --- packet reads --------------------------------------------------------------

/** The big-endian u16 at p (a packet field). */
// @ts-ignore: decorator
@inline
export function load_be16(p: usize): u32 {
  return (<u32>load<u8>(p) << 8) | <u32>load<u8>(p, 1);
}

// --- atomics ---------------------------------------------------------------------

/** *p += v atomically (a map value several CPUs update); the old value.
 * Build with --enable threads. */
// @ts-ignore: decorator
@inline
export function atomic_add64(p: usize, v: u64): u64 {
  return atomic.add<u64>(p, v);
}

// --- logging ---------------------------------------------------------------------

/** A trace pipe line (GPL-only): fmt is the address of a NUL-terminated
 * byte string of `size` bytes with its NUL, e.g. a memory.data<u8>([...])
 * constant; at most three numeric conversions. */
// @ts-ignore: decorator
@inline
export function printk(fmt: usize, size: u32, a: u64 = 0, b: u64 = 0, c: u64 = 0): i32 {
  return trace_printk(fmt, size, a, b, c);
}
