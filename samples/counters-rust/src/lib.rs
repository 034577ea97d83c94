//! counters in Rust: per-protocol packet and byte counters at XDP, as
//! samples/counters/counters.c. The per-CPU array proto_stats has one
//! entry per IP protocol number (the IPv4 protocol field, or the IPv6 next
//! header); frames that are not IP, or too short to be, count under 255.
//! Each CPU has its own copy of a value, so a plain += is safe. Every
//! frame passes.
#![no_std]

use wasm2bpf::{map, program, XDP_PASS};

const ETH_HLEN: usize = 14;
const ETH_P_IP: u16 = 0x0800;
const ETH_P_IPV6: u16 = 0x86DD;
const OTHER: u32 = 255;

#[repr(C)]
pub struct ProtoStat {
    packets: u64,
    bytes: u64,
}

map!(proto_stats: PerCpuArray<ProtoStat>[256]);

fn ethertype(pkt: &[u8]) -> u16 {
    u16::from_be_bytes([pkt[12], pkt[13]])
}

program!("xdp", fn counters(pkt: &mut [u8]) -> u32 {
    let key = if pkt.len() >= ETH_HLEN + 20 && ethertype(pkt) == ETH_P_IP {
        pkt[ETH_HLEN + 9] as u32
    } else if pkt.len() >= ETH_HLEN + 40 && ethertype(pkt) == ETH_P_IPV6 {
        pkt[ETH_HLEN + 6] as u32
    } else {
        OTHER
    };
    if let Some(st) = proto_stats.get(key) {
        st.packets += 1;
        st.bytes += pkt.len() as u64;
    }
    XDP_PASS
});
