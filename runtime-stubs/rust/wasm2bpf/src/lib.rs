//! The wasm2bpf SDK for Rust: what a `no_std` crate built for
//! `wasm32-unknown-unknown` uses to become an eBPF object through
//! `wasm2bpf` — program sections, maps, kernel helpers, the packet as a
//! slice, context fields, logging and atomics (docs/sdk-rust.md).
//!
//! It builds with Debian 12's stable rustc/cargo 1.63 and nothing from
//! crates.io. What the compiler needs to know travels in custom sections
//! of plain bytes (Rust's `#[link_section]` statics can hold nothing
//! else): `wasm2bpf.entries` names each program's export and section;
//! `wasm2bpf.maps.exported` names each map, whose definition is the
//! `#[no_mangle]` static of that name (wasm-ld exports its address).
//! docs/abi.md has the layouts.
//!
//! ```ignore
//! #![no_std]
//! use wasm2bpf::{map, program, maps::PerCpuArray, XDP_PASS};
//!
//! #[repr(C)]
//! pub struct Stat { packets: u64, bytes: u64 }
//!
//! map!(proto_stats: PerCpuArray<Stat>[256]);
//!
//! program!("xdp", fn counters(pkt: &mut [u8]) -> u32 {
//!     let key = if pkt.len() >= 34 && pkt[12..14] == [8, 0] { pkt[23] as u32 } else { 255 };
//!     if let Some(st) = proto_stats.get(key) {
//!         st.packets += 1;
//!         st.bytes += pkt.len() as u64;
//!     }
//!     XDP_PASS
//! });
//! ```
#![no_std]

pub mod helpers;
pub mod maps;
pub mod ctx;
pub mod atomic;
#[doc(hidden)]
pub mod record;

pub use helpers::*;

/// XDP verdicts.
pub const XDP_ABORTED: u32 = 0;
pub const XDP_DROP: u32 = 1;
pub const XDP_PASS: u32 = 2;
pub const XDP_TX: u32 = 3;
pub const XDP_REDIRECT: u32 = 4;
/// tc verdicts.
pub const TC_ACT_OK: u32 = 0;
pub const TC_ACT_SHOT: u32 = 2;
pub const TC_ACT_REDIRECT: u32 = 7;
/// cgroup_skb verdicts.
pub const CGROUP_SKB_DROP: u32 = 0;
pub const CGROUP_SKB_ALLOW: u32 = 1;

/// A program: `program!("xdp", fn name(pkt: &mut [u8]) -> u32 { ... })`.
/// The function is exported as `name` and recorded for section `"xdp"`
/// (any packet section wasm2bpf supports: tc, tcx/ingress, cgroup_skb/...,
/// socket). `pkt` is the packet itself, read and written in place: an
/// index past its end panics, which is a trap (the entry's trap action,
/// e.g. XDP_ABORTED). The result is the verdict.
#[macro_export]
macro_rules! program {
    ($section:literal, fn $name:ident($pkt:ident : &mut [u8]) -> u32 $body:block) => {
        #[no_mangle]
        pub extern "C" fn $name(pkt: *mut u8, len: u32) -> u32 {
            #[inline(always)]
            fn body($pkt: &mut [u8]) -> u32 $body
            // SAFETY: the entry's (pkt, len) is the packet (docs/abi.md)
            body(unsafe { core::slice::from_raw_parts_mut(pkt, len as usize) })
        }
        const _: () = {
            #[link_section = "wasm2bpf.entries"]
            #[used]
            static ENTRY: [u8; $crate::record::entry_len(stringify!($name), $section)] =
                $crate::record::entry(stringify!($name), $section);
        };
    };
}

/// A tracing program: `tracing!("tp_btf/sched_process_exec", fn name(task: u64, old_pid: u32, bprm: u64) { ... })`:
/// the parameters are the traced function's or tracepoint's arguments
/// (docs/abi.md), kernel pointers as `u64`.
#[macro_export]
macro_rules! tracing {
    ($section:literal, fn $name:ident($($arg:ident : $ty:ty),*) $body:block) => {
        #[no_mangle]
        pub extern "C" fn $name($($arg: $ty),*) $body
        const _: () = {
            #[link_section = "wasm2bpf.entries"]
            #[used]
            static ENTRY: [u8; $crate::record::entry_len(stringify!($name), $section)] =
                $crate::record::entry(stringify!($name), $section);
        };
    };
}

/// A map: `map!(name: Kind<...>[max_entries])`, e.g.
/// `map!(counts: HashMap<u32, Stat>[1024])`, `map!(events: RingBuf[4096])`,
/// `map!(slots: Array<u64>[16])`. The map is `name` in the object (and in
/// bpftool); in the program it is the static `name`, whose methods are the
/// map helpers. Add `pinned` after the size to pin it by name
/// (`/sys/fs/bpf/name`).
#[macro_export]
macro_rules! map {
    ($name:ident : $kind:ident < $($t:ty),* > [$max:expr]) => {
        $crate::map!(@def $name, $crate::maps::$kind<$($t),*>, $max, 0);
    };
    ($name:ident : $kind:ident < $($t:ty),* > [$max:expr] pinned) => {
        $crate::map!(@def $name, $crate::maps::$kind<$($t),*>, $max, 1);
    };
    ($name:ident : $kind:ident [$max:expr]) => {
        $crate::map!(@def $name, $crate::maps::$kind, $max, 0);
    };
    (@def $name:ident, $ty:ty, $max:expr, $pin:expr) => {
        #[allow(non_upper_case_globals)]
        #[no_mangle]
        pub static $name: $ty = <$ty>::define($max, $pin);
        const _: () = {
            #[link_section = "wasm2bpf.maps.exported"]
            #[used]
            static MAP: [u8; $crate::record::name_len(stringify!($name))] =
                $crate::record::name(stringify!($name));
        };
    };
}

/// A trace pipe line (GPL-only): `printk!("verdict %d\n", v)`, at most three
/// numeric conversions, as bpf_trace_printk.
#[macro_export]
macro_rules! printk {
    ($fmt:literal) => { $crate::printk!($fmt, 0u64, 0u64, 0u64) };
    ($fmt:literal, $a:expr) => { $crate::printk!($fmt, $a, 0u64, 0u64) };
    ($fmt:literal, $a:expr, $b:expr) => { $crate::printk!($fmt, $a, $b, 0u64) };
    ($fmt:literal, $a:expr, $b:expr, $c:expr) => {{
        const FMT: &str = concat!($fmt, "\0");
        $crate::helpers::trace_printk(FMT.as_bytes(), $a as u64, $b as u64, $c as u64)
    }};
}

/// Kernel struct fields by name, through CO-RE (docs/abi.md, Kernel
/// structs): `core_u32!(task, "task_struct", "real_parent->tgid")` reads
/// the field at that path of the `struct task_struct` at kernel address
/// `task` (a `u64`), relocated by libbpf for the kernel that loads the
/// object; 0 if the address cannot be read. `core_u64!` reads 8 bytes (a
/// kernel pointer too), `core_exists!("task_struct", "pid")` and
/// `core_size!(...)` ask the loading kernel about a field, `core_enum!("pid_type",
/// "PIDTYPE_PID")` an enumerator's value. The compiler resolves the names
/// against kernel BTF and refuses unknown ones with the near names.
#[doc(hidden)]
#[macro_export]
macro_rules! __core_import {
    ($request:expr, ($($p:ident: $t:ty),*) -> $ret:ty, ($($arg:expr),*)) => {{
        #[link(wasm_import_module = "core")]
        extern "C" {
            #[link_name = $request]
            fn request($($p: $t),*) -> $ret;
        }
        unsafe { request($($arg),*) }
    }};
}

#[macro_export]
macro_rules! core_u32 {
    ($ptr:expr, $ty:literal, $path:literal) => {
        $crate::__core_import!(concat!("read ", $ty, " ", $path), (p: u64) -> u32, ($ptr))
    };
}

#[macro_export]
macro_rules! core_u64 {
    ($ptr:expr, $ty:literal, $path:literal) => {
        $crate::__core_import!(concat!("read ", $ty, " ", $path), (p: u64) -> u64, ($ptr))
    };
}

#[macro_export]
macro_rules! core_exists {
    ($ty:literal, $path:literal) => {
        $crate::__core_import!(concat!("exists ", $ty, " ", $path), () -> u32, ())
    };
}

#[macro_export]
macro_rules! core_size {
    ($ty:literal, $path:literal) => {
        $crate::__core_import!(concat!("size ", $ty, " ", $path), () -> u32, ())
    };
}

#[macro_export]
macro_rules! core_enum {
    ($ty:literal, $name:literal) => {
        $crate::__core_import!(concat!("enum ", $ty, " ", $name), () -> u64, ())
    };
}

/// The crate's panic handler: a panic (an index past the packet, an
/// unwrap of None, an overflow in debug arithmetic) is a trap.
#[cfg(all(feature = "panic-handler", target_arch = "wasm32"))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
