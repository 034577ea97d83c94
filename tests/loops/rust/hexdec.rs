//! hexdec.rs — hex-decode the TCP payload into a static buffer, pair by
//! pair with chunks_exact, then a djb2 checksum of the buffer (the result of
//! ../c/hexdec.c).
#![no_std]
// packet.rs is shared: not every program uses all of it
#![allow(dead_code)]

include!("packet.rs");

static mut BUF: [u8; 1024] = [0; 1024];

fn hexval(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[no_mangle]
pub extern "C" fn hexdec(pkt: *const u8, len: u32) -> u32 {
    let f = unsafe { frame(pkt, len) };
    let off = match tcp_payload(f) {
        Some(off) => off,
        None => return RESULT_NONE,
    };
    // the only reference to BUF: one entry runs at a time per instance
    let buf = unsafe { &mut BUF };
    let mut n = 0;
    for pair in f[off..].chunks_exact(2) {
        if n == buf.len() {
            break;
        }
        match (hexval(pair[0]), hexval(pair[1])) {
            (Some(hi), Some(lo)) => {
                buf[n] = hi << 4 | lo;
                n += 1;
            }
            _ => break,
        }
    }
    let sum = buf[..n]
        .iter()
        .fold(5381u32, |h, &b| h.wrapping_mul(33).wrapping_add(b as u32));
    (sum ^ n as u32) | RESULT_OK
}
