// counters in AssemblyScript: per-protocol packet and byte counters at
// XDP, as samples/counters/counters.c, through the AssemblyScript SDK
// (runtime-stubs/assemblyscript). The per-CPU array proto_stats has one
// entry per IP protocol number (the IPv4 protocol field, or the IPv6 next
// header); frames that are not IP, or too short to be, count under 255.
// Each CPU has its own copy of a value, so a plain += is safe. Every frame
// passes.
import {
  BPF_MAP_TYPE_PERCPU_ARRAY, XDP_PASS, load_be16, map_lookup_elem,
} from "wasm2bpf-sdk";

const ETH_HLEN: u32 = 14;
const ETH_P_IP: u32 = 0x0800;
const ETH_P_IPV6: u32 = 0x86dd;
const OTHER: u32 = 255;

/** A value of proto_stats: a view of the map's own memory. */
@unmanaged class ProtoStat {
  packets: u64;
  bytes: u64;
}

export const w2b_map__proto_stats = memory.data<u32>([BPF_MAP_TYPE_PERCPU_ARRAY, 4, 16, 256, 0, 0]);
export const w2b_section__counters = "xdp";

/** The lookup key: helpers take pointers into the module's memory. */
const key = memory.data(4, 4);

export function counters(pkt: usize, len: u32): u32 {
  let proto = OTHER;
  if (len >= ETH_HLEN + 20 && load_be16(pkt + 12) == ETH_P_IP) {
    proto = load<u8>(pkt + ETH_HLEN + 9);
  } else if (len >= ETH_HLEN + 40 && load_be16(pkt + 12) == ETH_P_IPV6) {
    proto = load<u8>(pkt + ETH_HLEN + 6);
  }
  store<u32>(key, proto);
  const v = map_lookup_elem(w2b_map__proto_stats, key);
  if (v) {
    const st = changetype<ProtoStat>(v);
    st.packets += 1;
    st.bytes += len;
  }
  return XDP_PASS;
}
