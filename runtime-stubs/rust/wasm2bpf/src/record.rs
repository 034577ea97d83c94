//! The custom sections' records, built at compile time as plain bytes
//! (a `#[link_section]` static can hold nothing else on wasm32).

/// The length of `name` NUL-terminated.
pub const fn name_len(name: &str) -> usize {
    name.len() + 1
}

/// `name` NUL-terminated, as N bytes (N = name_len(name)).
pub const fn name<const N: usize>(name: &str) -> [u8; N] {
    let b = name.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < b.len() {
        out[i] = b[i];
        i += 1;
    }
    out
}

/// The length of a `wasm2bpf.entries` record: export, NUL, section, NUL.
pub const fn entry_len(export: &str, section: &str) -> usize {
    export.len() + section.len() + 2
}

/// A `wasm2bpf.entries` record, as N bytes (N = entry_len(...)).
pub const fn entry<const N: usize>(export: &str, section: &str) -> [u8; N] {
    let (e, s) = (export.as_bytes(), section.as_bytes());
    let mut out = [0u8; N];
    let mut i = 0;
    while i < e.len() {
        out[i] = e[i];
        i += 1;
    }
    let mut j = 0;
    while j < s.len() {
        out[e.len() + 1 + j] = s[j];
        j += 1;
    }
    out
}
