//! auth in Rust: samples/auth/auth.c's L7 authorization policy at TC
//! ingress, through the Rust SDK, with the same behaviour (the same
//! end-to-end test runs both).
//!
//! HTTP requests to TCP port 8080 pass only when they carry the header
//! `Authorization: Bearer eyJhbGciOiJIUzI1NiI...` as RFC 9110 lets it be
//! written: the field name in any case at the start of a line, optional
//! spaces or tabs after the colon, the scheme in any case, one or more
//! spaces before the token, whose start is the base64 of {"alg":"HS256".
//! Other requests to 8080 are dropped; segments without payload and all
//! other traffic pass. Every decision is a record in the ring buffer
//! auth_log (verdict: 0 allowed, 1 denied; the client's port: the C
//! version's struct decision) and counted in auth_stats (0 allowed, 1
//! denied), atomically.
#![no_std]

use wasm2bpf::{atomic, map, program, TC_ACT_OK, TC_ACT_SHOT};

const ETH_HLEN: usize = 14;
const ETH_P_IP: u16 = 0x0800;
const ETH_P_IPV6: u16 = 0x86DD;
const IPPROTO_TCP: u8 = 6;
const AUTH_PORT: u16 = 8080;
const AUTH_ALLOWED: u32 = 0;
const AUTH_DENIED: u32 = 1;

map!(auth_stats: Array<u64>[2]);
map!(auth_log: RingBuf[65536]);

/// One decision, as auth_log records it.
#[repr(C)]
struct Decision {
    verdict: u32,
    sport: u32,
}

/// Eight bytes as the little-endian u64 an 8-byte load of them gives.
const fn w8(s: &[u8; 8]) -> u64 {
    u64::from_le_bytes(*s)
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

// The header from the '\r' before it, as auth.c compares it: letters
// with 0x20 or-ed in (lower case) where the case does not matter.
const H0: u64 = w8(b"\r\nauthor");
const H0_FOLD: u64 = 0x2020_2020_2020_0000; // bytes 2..7
const H1: u64 = w8(b"ization:");
const H1_FOLD: u64 = 0x0020_2020_2020_2020; // bytes 0..6
const B0: u64 = w8(b"bearer \0");
const B0_FOLD: u64 = 0x0000_2020_2020_2020; // bytes 0..5
const B0_MASK: u64 = 0x00ff_ffff_ffff_ffff; // bytes 0..6
const T0: u64 = w8(b"eyJhbGci");
const T1: u64 = w8(b"OiJIUzI1");
const T2: u64 = w8(b"IUzI1NiI"); // token bytes 11..18
const HEADER_LEN: usize = 16; // "\r\nauthorization:"
const SCHEME_LEN: usize = 7; // "bearer "
const TOKEN_LEN: usize = 19; // "eyJhbGciOiJIUzI1NiI"
const MIN_LEN: usize = HEADER_LEN + SCHEME_LEN + TOKEN_LEN;
const MAX_WS: usize = 8;

/// The unaligned little-endian u64 at p[i..i + 8].
#[inline(always)]
fn load64(p: &[u8], i: usize) -> u64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&p[i..i + 8]);
    u64::from_le_bytes(b)
}

#[inline(always)]
fn be16(p: &[u8], i: usize) -> u16 {
    u16::from_be_bytes([p[i], p[i + 1]])
}

/// j past the spaces and tabs at p[j] (at most MAX_WS of them).
#[inline(always)]
fn skip_ws(p: &[u8], mut j: usize) -> usize {
    let mut k = 0;
    while k < MAX_WS && j < p.len() && (p[j] == b' ' || p[j] == b'\t') {
        j += 1;
        k += 1;
    }
    j
}

/// After "\r\nauthorization:" ending at j: the rest of an accepted header?
#[inline(always)]
fn bearer_token(p: &[u8], j: usize) -> bool {
    let n = p.len();
    let j = skip_ws(p, j);
    if j > n - SCHEME_LEN - TOKEN_LEN || (load64(p, j) | B0_FOLD) & B0_MASK != B0 {
        return false;
    }
    let j = skip_ws(p, j + SCHEME_LEN);
    j <= n - TOKEN_LEN && load64(p, j) == T0 && load64(p, j + 8) == T1 && load64(p, j + 11) == T2
}

/// Does the payload carry the header with an accepted token?
#[inline(always)]
fn authorized(p: &[u8]) -> bool {
    let n = p.len();
    if n < MIN_LEN + 8 {
        return false; // the request line comes first
    }
    let last = n - MIN_LEN;
    let mut i = 0;
    while i <= last {
        let x = load64(p, i) ^ (ONES * b'\r' as u64); // i + 8 <= n
        let t = x.wrapping_sub(ONES) & !x & HIGHS; // 0x80 in the '\r' bytes
        if t == 0 {
            i += 8;
            continue;
        }
        // the lowest flagged byte is a real '\r' (higher ones may not be)
        i += (((t & t.wrapping_neg()) >> 7).wrapping_mul(0x0001_0203_0405_0607) >> 56) as usize;
        if i > last {
            break;
        }
        if (load64(p, i) | H0_FOLD) == H0
            && (load64(p, i + 8) | H1_FOLD) == H1
            && bearer_token(p, i + HEADER_LEN)
        {
            return true;
        }
        i += 1;
    }
    false
}

program!("tc", fn auth(pkt: &mut [u8]) -> u32 {
    let len = pkt.len();
    let proto = if len >= ETH_HLEN { be16(pkt, 12) } else { 0 };
    let (l4, mut end) = if proto == ETH_P_IP {
        if len < ETH_HLEN + 20 {
            return TC_ACT_OK;
        }
        let ihl = (pkt[ETH_HLEN] & 0x0f) as usize * 4;
        if pkt[ETH_HLEN + 9] != IPPROTO_TCP || ihl < 20 || be16(pkt, ETH_HLEN + 6) & 0x1fff != 0 {
            return TC_ACT_OK; // not TCP, or a later fragment
        }
        (ETH_HLEN + ihl, ETH_HLEN + be16(pkt, ETH_HLEN + 2) as usize) // total length
    } else if proto == ETH_P_IPV6 {
        if len < ETH_HLEN + 40 || pkt[ETH_HLEN + 6] != IPPROTO_TCP {
            return TC_ACT_OK;
        }
        (ETH_HLEN + 40, ETH_HLEN + 40 + be16(pkt, ETH_HLEN + 4) as usize) // payload length
    } else {
        return TC_ACT_OK;
    };
    // the frame may be padded past the IP packet, or cut short
    if end > len {
        end = len;
    }
    if end < l4 + 20 || be16(pkt, l4 + 2) != AUTH_PORT {
        return TC_ACT_OK;
    }
    let doff = (pkt[l4 + 12] >> 4) as usize * 4;
    if doff < 20 || l4 + doff >= end {
        return TC_ACT_OK; // no payload: handshake, ACK, FIN
    }
    let sport = be16(pkt, l4) as u32;
    let ok = authorized(&pkt[l4 + doff..end]);
    let verdict = if ok { AUTH_ALLOWED } else { AUTH_DENIED };
    auth_log.output(&Decision { verdict, sport });
    if let Some(count) = auth_stats.get(verdict) {
        atomic::add_u64(count, 1);
    }
    if ok { TC_ACT_OK } else { TC_ACT_SHOT }
});
