//! fnv1a.rs — 32-bit FNV-1a over the whole frame, as Rust writes it: a
//! fold over the slice's iterator (the result of ../c/fnv1a.c).
#![no_std]
// packet.rs is shared: not every program uses all of it
#![allow(dead_code)]

include!("packet.rs");

#[no_mangle]
pub extern "C" fn fnv1a(pkt: *const u8, len: u32) -> u32 {
    let f = unsafe { frame(pkt, len) };
    let h = f.iter().fold(FNV_OFFSET, |h, &b| (h ^ b as u32).wrapping_mul(FNV_PRIME));
    h | RESULT_OK
}
