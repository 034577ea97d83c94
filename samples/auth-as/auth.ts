// auth in AssemblyScript: samples/auth/auth.c's L7 authorization policy at
// TC ingress, through the AssemblyScript SDK, with the same behaviour (the
// same end-to-end test runs all three).
//
// HTTP requests to TCP port 8080 pass only when they carry the header
// `Authorization: Bearer eyJhbGciOiJIUzI1NiI...` as RFC 9110 lets it be
// written: the field name in any case at the start of a line, optional
// spaces or tabs after the colon, the scheme in any case, one or more
// spaces before the token, whose start is the base64 of {"alg":"HS256".
// Other requests to 8080 are dropped; segments without payload and all
// other traffic pass. Every decision is a record in the ring buffer
// auth_log (verdict: 0 allowed, 1 denied; the client's port: the C
// version's struct decision) and counted in auth_stats (0 allowed, 1
// denied), atomically. Built with --enable threads (the atomic add).
import {
  BPF_MAP_TYPE_ARRAY, BPF_MAP_TYPE_RINGBUF, TC_ACT_OK, TC_ACT_SHOT, atomic_add64, load_be16,
  map_lookup_elem, ringbuf_output,
} from "wasm2bpf-sdk";

const ETH_HLEN: u32 = 14;
const ETH_P_IP: u32 = 0x0800;
const ETH_P_IPV6: u32 = 0x86dd;
const IPPROTO_TCP: u32 = 6;
const AUTH_PORT: u32 = 8080;

export const w2b_map__auth_stats = memory.data<u32>([BPF_MAP_TYPE_ARRAY, 4, 8, 2, 0, 0]);
export const w2b_map__auth_log = memory.data<u32>([BPF_MAP_TYPE_RINGBUF, 0, 0, 65536, 0, 0]);
export const w2b_section__auth = "tc";

const key = memory.data(4, 4);
// one decision, as auth_log records it: verdict (0 allowed, 1 denied), sport
const decision = memory.data(8, 4);

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;
// The header from the '\r' before it, as 8-byte little-endian words, as
// auth.c compares it: letters with 0x20 or-ed in where case does not matter.
const H0: u64 = 0x726f687475610a0d; // "\r\nauthor"
const H0_FOLD: u64 = 0x2020202020200000; // bytes 2..7
const H1: u64 = 0x3a6e6f6974617a69; // "ization:"
const H1_FOLD: u64 = 0x0020202020202020; // bytes 0..6
const B0: u64 = 0x0020726572616562; // "bearer " and a byte not compared
const B0_FOLD: u64 = 0x0000202020202020; // bytes 0..5
const B0_MASK: u64 = 0x00ffffffffffffff; // bytes 0..6
const T0: u64 = 0x69634762684a7965; // "eyJhbGci"
const T1: u64 = 0x31497a55494a694f; // "OiJIUzI1"
const T2: u64 = 0x49694e31497a5549; // "IUzI1NiI": token bytes 11..18
const HEADER_LEN: u32 = 16;
const SCHEME_LEN: u32 = 7;
const TOKEN_LEN: u32 = 19;
const MIN_LEN: u32 = HEADER_LEN + SCHEME_LEN + TOKEN_LEN;
const MAX_WS: u32 = 8;

// @ts-ignore: decorator
@inline function skipWs(p: usize, j: u32, n: u32): u32 {
  for (let k: u32 = 0; k < MAX_WS && j < n; k++) {
    const c = load<u8>(p + j);
    if (c != 0x20 && c != 0x09) break;
    j++;
  }
  return j;
}

// After "\r\nauthorization:" ending at j: the rest of an accepted header?
// @ts-ignore: decorator
@inline function bearerToken(p: usize, j: u32, n: u32): bool {
  j = skipWs(p, j, n);
  if (j > n - SCHEME_LEN - TOKEN_LEN || ((load<u64>(p + j) | B0_FOLD) & B0_MASK) != B0) return false;
  j = skipWs(p, j + SCHEME_LEN, n);
  return j <= n - TOKEN_LEN && load<u64>(p + j) == T0 && load<u64>(p + j + 8) == T1 &&
         load<u64>(p + j + 11) == T2;
}

// Does the payload [p, p + n) carry the header with an accepted token?
// @ts-ignore: decorator
@inline function authorized(p: usize, n: u32): bool {
  if (n < MIN_LEN + 8) return false; // the request line comes first
  const last = n - MIN_LEN;
  let i: u32 = 0;
  while (i <= last) {
    const x = load<u64>(p + i) ^ (ONES * 0x0d); // i + 8 <= n
    const t = (x - ONES) & ~x & HIGHS; // 0x80 in the '\r' bytes
    if (t == 0) {
      i += 8;
      continue;
    }
    // the lowest flagged byte is a real '\r' (higher ones may not be)
    i += <u32>((((t & (0 - t)) >> 7) * 0x0001020304050607) >> 56);
    if (i > last) break;
    if ((load<u64>(p + i) | H0_FOLD) == H0 && (load<u64>(p + i + 8) | H1_FOLD) == H1 &&
        bearerToken(p, i + HEADER_LEN, n)) return true;
    i++;
  }
  return false;
}

export function auth(pkt: usize, len: u32): u32 {
  const proto = len >= ETH_HLEN ? load_be16(pkt + 12) : 0;
  let l4: u32, end: u32;
  if (proto == ETH_P_IP) {
    if (len < ETH_HLEN + 20) return TC_ACT_OK;
    const ihl = (<u32>load<u8>(pkt + ETH_HLEN) & 0x0f) * 4;
    if (<u32>load<u8>(pkt + ETH_HLEN + 9) != IPPROTO_TCP || ihl < 20 ||
        (load_be16(pkt + ETH_HLEN + 6) & 0x1fff) != 0) return TC_ACT_OK; // not TCP, or a later fragment
    l4 = ETH_HLEN + ihl;
    end = ETH_HLEN + load_be16(pkt + ETH_HLEN + 2); // total length
  } else if (proto == ETH_P_IPV6) {
    if (len < ETH_HLEN + 40 || <u32>load<u8>(pkt + ETH_HLEN + 6) != IPPROTO_TCP) return TC_ACT_OK;
    l4 = ETH_HLEN + 40;
    end = l4 + load_be16(pkt + ETH_HLEN + 4); // payload length
  } else {
    return TC_ACT_OK;
  }
  if (end > len) end = len; // padded past the IP packet, or cut short
  if (end < l4 + 20) return TC_ACT_OK;
  const tcp = pkt + l4;
  if (load_be16(tcp + 2) != AUTH_PORT) return TC_ACT_OK;
  const doff = (<u32>load<u8>(tcp + 12) >> 4) * 4;
  if (doff < 20 || l4 + doff >= end) return TC_ACT_OK; // no payload: handshake, ACK, FIN

  const ok = authorized(tcp + doff, end - l4 - doff);
  store<u32>(decision, ok ? 0 : 1);
  store<u32>(decision, load_be16(tcp), 4);
  ringbuf_output(w2b_map__auth_log, decision, 8, 0);
  store<u32>(key, ok ? 0 : 1);
  const count = map_lookup_elem(w2b_map__auth_stats, key);
  if (count) atomic_add64(count, 1);
  return ok ? TC_ACT_OK : TC_ACT_SHOT;
}
