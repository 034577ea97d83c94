//! http_headers.rs — the HTTP request header parser of ../c/http_headers.c
//! (same result) as Rust writes it: sub-slices per line, position() to find
//! CRLF and ':', eq_ignore_ascii_case for the names, folds for the values.
#![no_std]
// packet.rs is shared: not every program uses all of it
#![allow(dead_code)]

include!("packet.rs");

fn find_crlf(s: &[u8]) -> Option<usize> {
    s.windows(2).position(|w| w == b"\r\n")
}

#[no_mangle]
pub extern "C" fn http_headers(pkt: *const u8, len: u32) -> u32 {
    let f = unsafe { frame(pkt, len) };
    let mut rest = match tcp_payload(f) {
        Some(off) => &f[off..],
        None => return RESULT_NONE,
    };
    match find_crlf(rest) {
        Some(end) => rest = &rest[end + 2..],
        None => return RESULT_NONE | 1, // no request line
    }
    let (mut headers, mut content_length, mut host, mut complete) = (0u32, 0u32, FNV_OFFSET, 0u32);
    while rest.len() >= 2 {
        if rest.starts_with(b"\r\n") {
            complete = 1;
            break;
        }
        let end = match find_crlf(rest) {
            Some(end) => end,
            None => break, // a truncated line
        };
        let line = &rest[..end];
        rest = &rest[end + 2..];
        let colon = match line.iter().position(|&c| c == b':') {
            Some(colon) => colon,
            None => continue, // not a header: skipped
        };
        headers += 1;
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let skip = value.iter().position(|&c| c != b' ' && c != b'\t').unwrap_or(value.len());
        let value = &value[skip..];
        if name.eq_ignore_ascii_case(b"host") {
            host = value.iter().fold(host, |h, &c| {
                (h ^ c.to_ascii_lowercase() as u32).wrapping_mul(FNV_PRIME)
            });
        } else if name.eq_ignore_ascii_case(b"content-length") {
            content_length = value
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .fold(0u32, |n, &c| n.wrapping_mul(10).wrapping_add((c - b'0') as u32));
        }
    }
    RESULT_OK | complete << 30 | (headers & 0x3f) << 24 | ((host ^ content_length) & 0xff_ffff)
}
