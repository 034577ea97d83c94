//! search.rs — find "Bearer " in the TCP payload with windows().position(),
//! then the token's length up to CR (the result of ../c/search.c).
#![no_std]
// packet.rs is shared: not every program uses all of it
#![allow(dead_code)]

include!("packet.rs");

const NEEDLE: &[u8] = b"Bearer ";

#[no_mangle]
pub extern "C" fn search(pkt: *const u8, len: u32) -> u32 {
    let f = unsafe { frame(pkt, len) };
    let payload = match tcp_payload(f) {
        Some(off) => &f[off..],
        None => return RESULT_NONE,
    };
    match payload.windows(NEEDLE.len()).position(|w| w == NEEDLE) {
        Some(pos) => {
            let token = &payload[pos + NEEDLE.len()..];
            let tlen = token.iter().position(|&c| c == b'\r').unwrap_or(token.len());
            RESULT_OK | (pos as u32) << 16 | tlen as u32
        }
        None => RESULT_NONE | 1,
    }
}
