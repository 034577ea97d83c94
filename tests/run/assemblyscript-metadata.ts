// AssemblyScript declares programs, maps and load-time settings with
// exported constants (docs/sdk-assemblyscript.md): w2b_section__FUNC a
// static string naming the section, w2b_map__NAME a definition in static
// memory, w2b_config__NAME a setting's variable. With no --entry, the
// recorded program `count` is an XDP program; it counts each frame in the
// array `hits` and answers the frame's length plus the setting `bonus`
// (compiled in: 7): a 64-byte frame gives 71.
// ASCFLAGS: --initialMemory 1
// ARGS: --license=GPL
// PACKET: count 00000000000000000000000008004500000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 => i32:71
export const w2b_map__hits = memory.data<u32>([2, 4, 8, 1, 0, 0]);
export const w2b_config__bonus = memory.data<u32>([7]);
export const w2b_section__count = "xdp";

@external("bpf", "map_lookup_elem")
declare function map_lookup_elem(map: usize, key: usize): usize;

const zero = memory.data<u32>([0]);

export function count(pkt: usize, len: u32): u32 {
  const v = map_lookup_elem(w2b_map__hits, zero);
  if (v) store<u64>(v, load<u64>(v) + 1);
  return len + load<u32>(w2b_config__bonus);
}
