//! Atomic read-modify-writes on map values shared by CPUs (a HashMap's
//! value that several CPUs update): Wasm's threads atomics, which the
//! compiler turns into BPF atomic instructions. The crate must be built
//! with `-C target-feature=+atomics` (the samples' .cargo/config.toml);
//! without it rustc makes plain loads and stores.

use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// *p += v, atomically; the old value.
#[inline(always)]
pub fn add_u64(p: &mut u64, v: u64) -> u64 {
    // SAFETY: AtomicU64 has u64's layout
    unsafe { (*(p as *mut u64 as *const AtomicU64)).fetch_add(v, Ordering::Relaxed) }
}

/// *p += v, atomically; the old value.
#[inline(always)]
pub fn add_u32(p: &mut u32, v: u32) -> u32 {
    // SAFETY: AtomicU32 has u32's layout
    unsafe { (*(p as *mut u32 as *const AtomicU32)).fetch_add(v, Ordering::Relaxed) }
}
