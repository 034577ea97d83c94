// AssemblyScript at -O0 keeps its field setters as functions of their own
// that return nothing: BPF subprograms whose exit leaves R0 unset, which
// the kernel accepts (a static subprogram's R0 is passed on as it is) and
// the precheck once refused ("R0 !read_ok" in the setters, for add and
// fill). The program is tests/diff/programs/as_structs.ts; the answers are
// node's.
// ASCFLAGS: -O0
// ARGS: --all-exports
// INVOKE: clear i32:0 => i32:2064
// INVOKE: add i32:3 i64:100 => i32:1
// INVOKE: add i32:7 i64:250 => i32:2
// INVOKE: add i32:3 i64:1 => i32:3
// INVOKE: total i32:3 => i64:119
// INVOKE: fill i32:40 => i32:11
@unmanaged class Rec {
  id: u32;
  flags: u16;
  kind: u8;
  valid: bool;
  amount: u64;
}

const N: u32 = 16;
const RECS = memory.data(16 * 16, 8);
let head: u32 = 0;
let count: u32 = 0;

function at(i: u32): Rec {
  return changetype<Rec>(RECS + <usize>((i % N) * offsetof<Rec>()));
}

export function clear(_: u32): u32 {
  memory.fill(RECS, 0, N * offsetof<Rec>());
  head = 0;
  count = 0;
  return offsetof<Rec>() | (offsetof<Rec>("amount") << 8);
}

export function add(id: u32, amount: u64): u32 {
  const r = at(head + count);
  if (count == N) head = (head + 1) % N;
  else count++;
  r.id = id;
  r.amount = amount;
  r.kind = <u8>(id * 3);
  r.flags = <u16>(amount & 0xffff);
  r.valid = true;
  return count;
}

export function total(id: u32): u64 {
  let sum: u64 = 0;
  for (let i: u32 = 0; i < count; i++) {
    const r = at(head + i);
    if (r.valid && r.id == id) sum += r.amount + r.kind;
  }
  return sum;
}

export function oldest(_: u32): u64 {
  if (count == 0) return 0;
  const r = at(head);
  return (<u64>r.id << 32) | <u64>r.flags;
}

export function fill(n: u32): u32 {
  for (let i: u32 = 0; i < n; i++) add(i % 6, <u64>i * 1000 + 7);
  return head;
}
