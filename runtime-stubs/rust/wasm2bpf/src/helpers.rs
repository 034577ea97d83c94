//! Kernel helpers: imports from Wasm module "bpf" under libbpf's names
//! without `bpf_` (common/helpers.def). The raw imports are in `sys`; the
//! functions here take slices and references into the module's memory and
//! compile-time sizes, as the compiler requires (a size must be a
//! constant: `core::mem::size_of::<T>()` or a slice of fixed length after
//! inlining). Which program types may call each is in docs/sdk.md.

/// The raw imports, one per helpers.def row this SDK offers.
pub mod sys {
    #[link(wasm_import_module = "bpf")]
    extern "C" {
        pub fn map_lookup_elem(map: *const u8, key: *const u8) -> *mut u8;
        pub fn map_update_elem(map: *const u8, key: *const u8, value: *const u8, flags: u64) -> i32;
        pub fn map_delete_elem(map: *const u8, key: *const u8) -> i32;
        pub fn ringbuf_output(map: *const u8, data: *const u8, size: u64, flags: u64) -> i32;
        pub fn perf_event_output(map: *const u8, flags: u64, data: *const u8, size: u64) -> i32;
        pub fn trace_printk(fmt: *const u8, size: u32, a: u64, b: u64, c: u64) -> i32;
        pub fn ktime_get_ns() -> u64;
        pub fn ktime_get_boot_ns() -> u64;
        pub fn ktime_get_coarse_ns() -> u64;
        pub fn jiffies64() -> u64;
        pub fn get_prandom_u32() -> u32;
        pub fn get_smp_processor_id() -> u32;
        pub fn redirect(ifindex: u32, flags: u64) -> i32;
        pub fn redirect_map(map: *const u8, key: u64, flags: u64) -> i32;
        pub fn tail_call(prog_array: *const u8, index: u32) -> i32;
        pub fn get_current_pid_tgid() -> u64;
        pub fn get_current_uid_gid() -> u64;
        pub fn get_current_comm(buf: *mut u8, size: u32) -> i32;
        pub fn probe_read_kernel(dst: *mut u8, size: u32, src: u64) -> i32;
        pub fn probe_read_kernel_str(dst: *mut u8, size: u32, src: u64) -> i32;
        pub fn probe_read_user(dst: *mut u8, size: u32, src: u64) -> i32;
        pub fn probe_read_user_str(dst: *mut u8, size: u32, src: u64) -> i32;
        pub fn skb_store_bytes(offset: u32, from: *const u8, len: u32, flags: u64) -> i32;
        pub fn skb_load_bytes(offset: u32, to: *mut u8, len: u32) -> i32;
        pub fn l3_csum_replace(offset: u32, from: u64, to: u64, flags: u64) -> i32;
        pub fn l4_csum_replace(offset: u32, from: u64, to: u64, flags: u64) -> i32;
        pub fn csum_diff(from: *const u8, from_size: u32, to: *const u8, to_size: u32, seed: u32) -> u64;
        pub fn xdp_adjust_head(delta: i32) -> i32;
        pub fn xdp_adjust_tail(delta: i32) -> i32;
        pub fn get_socket_cookie() -> u64;
        pub fn get_socket_uid() -> u32;
        pub fn get_stack(buf: *mut u8, size: u32, flags: u64) -> i32;
        pub fn get_stackid(map: *const u8, flags: u64) -> i32;
        pub fn get_numa_node_id() -> u32;
        pub fn ktime_get_tai_ns() -> u64;
        pub fn get_current_task() -> u64;
        pub fn skb_vlan_push(proto: u32, tci: u32) -> i32;
        pub fn skb_vlan_pop() -> i32;
        pub fn skb_change_proto(proto: u32, flags: u64) -> i32;
        pub fn skb_change_type(pkt_type: u32) -> i32;
        pub fn get_hash_recalc() -> u32;
        pub fn skb_change_tail(len: u32, flags: u64) -> i32;
        pub fn skb_change_head(len: u32, flags: u64) -> i32;
        pub fn skb_adjust_room(len_diff: i32, mode: u32, flags: u64) -> i32;
        pub fn fib_lookup(params: *mut u8, plen: u32, flags: u32) -> i32;
        pub fn send_signal(sig: u32) -> i32;
        pub fn send_signal_thread(sig: u32) -> i32;
        pub fn override_return(rc: u64) -> i32;
    }
}

/// Nanoseconds since boot (monotonic, without suspend).
#[inline(always)]
pub fn ktime_get_ns() -> u64 {
    unsafe { sys::ktime_get_ns() }
}

/// Nanoseconds since boot, suspend included.
#[inline(always)]
pub fn ktime_get_boot_ns() -> u64 {
    unsafe { sys::ktime_get_boot_ns() }
}

/// A pseudo-random u32.
#[inline(always)]
pub fn get_prandom_u32() -> u32 {
    unsafe { sys::get_prandom_u32() }
}

/// This CPU's number.
#[inline(always)]
pub fn get_smp_processor_id() -> u32 {
    unsafe { sys::get_smp_processor_id() }
}

/// The current task's tgid << 32 | pid (tracing programs).
#[inline(always)]
pub fn get_current_pid_tgid() -> u64 {
    unsafe { sys::get_current_pid_tgid() }
}

/// The current task's gid << 32 | uid (tracing programs).
#[inline(always)]
pub fn get_current_uid_gid() -> u64 {
    unsafe { sys::get_current_uid_gid() }
}

/// The current task's name, NUL-padded (tracing programs).
#[inline(always)]
pub fn get_current_comm(buf: &mut [u8; 16]) -> i32 {
    unsafe { sys::get_current_comm(buf.as_mut_ptr(), 16) }
}

/// N bytes at kernel address `src` into dst; 0 or a negative errno (dst
/// zeroed). GPL-only.
#[inline(always)]
pub fn probe_read_kernel<const N: usize>(dst: &mut [u8; N], src: u64) -> i32 {
    unsafe { sys::probe_read_kernel(dst.as_mut_ptr(), N as u32, src) }
}

/// The same from a user-space address. GPL-only.
#[inline(always)]
pub fn probe_read_user<const N: usize>(dst: &mut [u8; N], src: u64) -> i32 {
    unsafe { sys::probe_read_user(dst.as_mut_ptr(), N as u32, src) }
}

/// A NUL-terminated string at a kernel address, at most N bytes with the
/// NUL; its length with the NUL, or a negative errno. GPL-only.
#[inline(always)]
pub fn probe_read_kernel_str<const N: usize>(dst: &mut [u8; N], src: u64) -> i32 {
    unsafe { sys::probe_read_kernel_str(dst.as_mut_ptr(), N as u32, src) }
}

/// The same from a user-space address. GPL-only.
#[inline(always)]
pub fn probe_read_user_str<const N: usize>(dst: &mut [u8; N], src: u64) -> i32 {
    unsafe { sys::probe_read_user_str(dst.as_mut_ptr(), N as u32, src) }
}

/// Send the packet out of interface ifindex (xdp, tc): return the result
/// as the verdict.
#[inline(always)]
pub fn redirect(ifindex: u32, flags: u64) -> u32 {
    unsafe { sys::redirect(ifindex, flags) as u32 }
}

/// A line in the trace pipe (GPL-only); use `printk!`. fmt is
/// NUL-terminated.
#[inline(always)]
pub fn trace_printk(fmt: &[u8], a: u64, b: u64, c: u64) -> i32 {
    unsafe { sys::trace_printk(fmt.as_ptr(), fmt.len() as u32, a, b, c) }
}

/// Copy N bytes into the packet at offset (tc); flags
/// BPF_F_RECOMPUTE_CSUM, BPF_F_INVALIDATE_HASH. Reads through the packet
/// slice see the new bytes afterwards.
#[inline(always)]
pub fn skb_store_bytes<const N: usize>(offset: u32, from: &[u8; N], flags: u64) -> i32 {
    unsafe { sys::skb_store_bytes(offset, from.as_ptr(), N as u32, flags) }
}

/// N bytes of the packet at offset, fragments too (tc, cgroup_skb, socket).
#[inline(always)]
pub fn skb_load_bytes<const N: usize>(offset: u32, to: &mut [u8; N]) -> i32 {
    unsafe { sys::skb_load_bytes(offset, to.as_mut_ptr(), N as u32) }
}

/// Fix the IP checksum at offset after a field changed (tc).
#[inline(always)]
pub fn l3_csum_replace(offset: u32, from: u64, to: u64, flags: u64) -> i32 {
    unsafe { sys::l3_csum_replace(offset, from, to, flags) }
}

/// Fix the TCP/UDP checksum at offset after a field changed (tc);
/// BPF_F_PSEUDO_HDR for an address.
#[inline(always)]
pub fn l4_csum_replace(offset: u32, from: u64, to: u64, flags: u64) -> i32 {
    unsafe { sys::l4_csum_replace(offset, from, to, flags) }
}

/// Move the start of an XDP frame by delta bytes; 0 or a negative errno.
#[inline(always)]
pub fn xdp_adjust_head(delta: i32) -> i32 {
    unsafe { sys::xdp_adjust_head(delta) }
}

/// Move the end of an XDP frame by delta bytes; 0 or a negative errno.
#[inline(always)]
pub fn xdp_adjust_tail(delta: i32) -> i32 {
    unsafe { sys::xdp_adjust_tail(delta) }
}

/// The packet's socket's cookie (tc, cgroup_skb, socket).
#[inline(always)]
pub fn get_socket_cookie() -> u64 {
    unsafe { sys::get_socket_cookie() }
}

pub const BPF_F_RECOMPUTE_CSUM: u64 = 1;
pub const BPF_F_INVALIDATE_HASH: u64 = 2;
pub const BPF_F_PSEUDO_HDR: u64 = 0x10;
pub const BPF_F_MARK_MANGLED_0: u64 = 0x20;
pub const BPF_F_CURRENT_CPU: u64 = 0xffff_ffff;
pub const BPF_F_USER_STACK: u64 = 0x100;
pub const BPF_ANY: u64 = 0;
pub const BPF_NOEXIST: u64 = 1;
pub const BPF_EXIST: u64 = 2;
