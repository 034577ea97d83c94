// packet.rs — included (include!) by each program in this folder: what
// ../c/packet.h is to the C programs, in the same encoding, so that
// run_loops.py's reference checks both.

const RESULT_OK: u32 = 0x8000_0000;
const RESULT_NONE: u32 = 0x4000_0000;
const FNV_OFFSET: u32 = 2166136261;
const FNV_PRIME: u32 = 16777619;

// A panic (a failed bounds check) is a Wasm trap: with the PanicInfo
// unused, no formatting code is linked in.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The frame the entry was given, as a slice.
unsafe fn frame<'a>(pkt: *const u8, len: u32) -> &'a [u8] {
    core::slice::from_raw_parts(pkt, len as usize)
}

/// Offset of the TCP payload of an Ethernet + IPv4 frame (after IP and TCP
/// options), or None.
fn tcp_payload(f: &[u8]) -> Option<usize> {
    if f.len() < 14 + 20 || u16::from_be_bytes([f[12], f[13]]) != 0x0800 {
        return None;
    }
    let ihl = (f[14] & 0x0f) as usize * 4;
    if ihl < 20 || f[14 + 9] != 6 {
        return None;
    }
    let l4 = 14 + ihl;
    if f.len() < l4 + 20 {
        return None;
    }
    let doff = (f[l4 + 12] >> 4) as usize * 4;
    if doff < 20 || f.len() < l4 + doff {
        return None;
    }
    Some(l4 + doff)
}
