// Rust integer arithmetic: wrapping, checked and saturating operations,
// 64-bit multiply and divide, bit counts and rotations, i128 through
// compiler-rt-free code (u64 halves), gcd and a modular power.
// ARGS: gcd i32:1071 i32:462
// ARGS: gcd i32:0 i32:9
// ARGS: powmod i64:7 i64:560 i64:1000000007
// ARGS: powmod i64:123456789 i64:987654321 i64:998244353
// ARGS: checked i32:2147483647 i32:1
// ARGS: checked i32:-5 i32:3
// ARGS: saturate i32:200 i32:100
// ARGS: saturate i32:-200 i32:-100
// ARGS: bits i64:0
// ARGS: bits i64:0x8000000000000001
// ARGS: bits i64:0x0123456789abcdef
// ARGS: mulhi i64:0xffffffffffffffff i64:0xffffffffffffffff
// ARGS: mulhi i64:0x123456789 i64:0x987654321
// ARGS: divs i64:-7 i64:2
// ARGS: divs i64:9223372036854775807 i64:-3
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[no_mangle]
pub extern "C" fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

#[no_mangle]
pub extern "C" fn powmod(base: u64, mut exp: u64, m: u64) -> u64 {
    if m == 0 {
        return 0;
    }
    let mut r: u64 = 1 % m;
    let mut b = base % m;
    while exp > 0 {
        if exp & 1 == 1 {
            r = mulmod(r, b, m);
        }
        b = mulmod(b, b, m);
        exp >>= 1;
    }
    r
}

/// a * b % m without 128-bit multiplies: double and add.
fn mulmod(mut a: u64, mut b: u64, m: u64) -> u64 {
    let mut r = 0u64;
    a %= m;
    while b > 0 {
        if b & 1 == 1 {
            r = if r >= m - a { r - (m - a) } else { r + a };
        }
        a = if a >= m - a { a - (m - a) } else { a + a };
        b >>= 1;
    }
    r
}

/// checked add and mul: their results, or a marker when they overflow.
#[no_mangle]
pub extern "C" fn checked(a: i32, b: i32) -> i64 {
    let s = a.checked_add(b).map(|v| v as i64).unwrap_or(-1_000_000_000_000);
    let p = a.checked_mul(b).map(|v| v as i64).unwrap_or(-2_000_000_000_000);
    s.wrapping_mul(31).wrapping_add(p)
}

#[no_mangle]
pub extern "C" fn saturate(a: i32, b: i32) -> i32 {
    let x = (a as i8).saturating_add(b as i8) as i32;
    let y = (a as u8).saturating_sub(b as u8) as i32;
    let z = (a as i16).saturating_mul(b as i16) as i32;
    x * 1_000_000 + y * 1000 + (z & 0x3ff)
}

#[no_mangle]
pub extern "C" fn bits(v: u64) -> u64 {
    (v.count_ones() as u64)
        | (v.leading_zeros() as u64) << 8
        | (v.trailing_zeros() as u64) << 16
        | (v.rotate_left(13) ^ v.swap_bytes() ^ v.reverse_bits()) & 0xffff_ffff_0000_0000
}

/// The high 64 bits of a * b from 32-bit halves.
#[no_mangle]
pub extern "C" fn mulhi(a: u64, b: u64) -> u64 {
    let (a0, a1) = (a & 0xffff_ffff, a >> 32);
    let (b0, b1) = (b & 0xffff_ffff, b >> 32);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 32) + (p01 & 0xffff_ffff) + (p10 & 0xffff_ffff);
    p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
}

#[no_mangle]
pub extern "C" fn divs(a: i64, b: i64) -> i64 {
    if b == 0 || (a == i64::MIN && b == -1) {
        return 0;
    }
    (a / b).wrapping_mul(1000) + a % b + a.rem_euclid(b) * 100_000 + a.div_euclid(b) * 10
}
