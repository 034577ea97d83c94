// Rust byte and string processing: a text built in a static buffer,
// words counted, reversed in place, an FNV-1a hash, a run-length encoding
// and an ASCII case fold over slices (bounds-checked indexing; iterators).
// VARIANTS: O2,O1,Os
// (At opt-level 0 the verifier stops at 1,000,000 processed instructions
// on `reverse_words`' un-inlined slice code, which the precheck's estimate
// does not foresee: a known gap, docs/precheck.md.)
// ARGS: build i32:0
// ARGS: words i32:0
// ARGS: fnv i32:0
// ARGS: build i32:7
// ARGS: words i32:0
// ARGS: reverse_words i32:0
// ARGS: fnv i32:0
// ARGS: rle_len i32:0
// ARGS: upper_count i32:0
// ARGS: build i32:40
// ARGS: rle_len i32:0
// ARGS: fnv i32:0
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

static mut BUF: [u8; 256] = [0; 256];
static mut LEN: usize = 0;

const WORDS: [&[u8]; 6] = [b"eBPF", b"wasm", b"kernel", b"Verifier", b"map", b"XDP"];

fn text() -> &'static mut [u8] {
    unsafe { &mut BUF[..LEN] }
}

/// n words, cycling through WORDS, separated by one or two spaces.
#[no_mangle]
pub extern "C" fn build(n: u32) -> u32 {
    let mut len = 0;
    let buf = unsafe { &mut BUF };
    for i in 0..n as usize {
        let w = WORDS[(i * 7 + 3) % WORDS.len()];
        if len + w.len() + 2 > buf.len() {
            break;
        }
        buf[len..len + w.len()].copy_from_slice(w);
        len += w.len();
        let gap = if i % 3 == 0 { 2 } else { 1 };
        for _ in 0..gap {
            buf[len] = b' ';
            len += 1;
        }
    }
    unsafe { LEN = len };
    len as u32
}

#[no_mangle]
pub extern "C" fn words(_: u32) -> u32 {
    text().split(|&c| c == b' ').filter(|w| !w.is_empty()).count() as u32
}

/// Reverses the bytes of each word in place; the count of words changed.
#[no_mangle]
pub extern "C" fn reverse_words(_: u32) -> u32 {
    let t = text();
    let mut changed = 0;
    let mut start = 0;
    for i in 0..=t.len() {
        if i == t.len() || t[i] == b' ' {
            if i > start + 1 {
                t[start..i].reverse();
                changed += 1;
            }
            start = i + 1;
        }
    }
    changed
}

#[no_mangle]
pub extern "C" fn fnv(_: u32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &c in text().iter() {
        h ^= c as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The length of the text run-length encoded as (count, byte) pairs.
#[no_mangle]
pub extern "C" fn rle_len(_: u32) -> u32 {
    let t = text();
    let mut n = 0;
    let mut i = 0;
    while i < t.len() {
        let mut j = i + 1;
        while j < t.len() && t[j] == t[i] && j - i < 255 {
            j += 1;
        }
        n += 2;
        i = j;
    }
    n
}

#[no_mangle]
pub extern "C" fn upper_count(_: u32) -> u32 {
    text().iter().filter(|c| c.is_ascii_uppercase()).count() as u32
        + (text().iter().map(|c| c.to_ascii_uppercase() as u32).sum::<u32>() << 8)
}
