// AssemblyScript byte processing in static memory (no allocation: the stub
// runtime cannot grow memory in eBPF): a text built from words, words
// counted, each reversed in place, an FNV-1a hash and an ASCII case fold.
// ARGS: build i32:0
// ARGS: words i32:0
// ARGS: fnv i32:0
// ARGS: build i32:9
// ARGS: words i32:0
// ARGS: reverse_words i32:0
// ARGS: fnv i32:0
// ARGS: upper i32:0
// ARGS: build i32:30
// ARGS: fnv i32:0
const BUF = memory.data(256, 8);
// the words, NUL-separated, and their starts
const WORDS = memory.data<u8>([101, 66, 80, 70, 0, 119, 97, 115, 109, 0, 107, 101, 114, 110, 101,
                               108, 0, 86, 101, 114, 105, 102, 105, 101, 114, 0, 109, 97, 112, 0,
                               88, 68, 80, 0]);
const STARTS = memory.data<u8>([0, 5, 10, 17, 26, 30]);
let len: u32 = 0;

export function build(n: u32): u32 {
  len = 0;
  for (let i: u32 = 0; i < n; i++) {
    let w = WORDS + <usize>load<u8>(STARTS + <usize>((i * 7 + 3) % 6));
    let wl: u32 = 0;
    while (load<u8>(w + wl) != 0) wl++;
    if (len + wl + 2 > 256) break;
    memory.copy(BUF + len, w, wl);
    len += wl;
    const gap: u32 = i % 3 == 0 ? 2 : 1;
    for (let g: u32 = 0; g < gap; g++) store<u8>(BUF + len++, 0x20);
  }
  return len;
}

export function words(_: u32): u32 {
  let n: u32 = 0;
  let inWord = false;
  for (let i: u32 = 0; i < len; i++) {
    const sp = load<u8>(BUF + i) == 0x20;
    if (!sp && !inWord) n++;
    inWord = !sp;
  }
  return n;
}

export function reverse_words(_: u32): u32 {
  let changed: u32 = 0;
  let start: u32 = 0;
  for (let i: u32 = 0; i <= len; i++) {
    if (i == len || load<u8>(BUF + i) == 0x20) {
      if (i > start + 1) {
        let a = start, b = i - 1;
        while (a < b) {
          const t = load<u8>(BUF + a);
          store<u8>(BUF + a, load<u8>(BUF + b));
          store<u8>(BUF + b, t);
          a++;
          b--;
        }
        changed++;
      }
      start = i + 1;
    }
  }
  return changed;
}

export function fnv(_: u32): u64 {
  let h: u64 = 0xcbf29ce484222325;
  for (let i: u32 = 0; i < len; i++) {
    h ^= <u64>load<u8>(BUF + i);
    h *= 0x100000001b3;
  }
  return h;
}

export function upper(_: u32): u32 {
  let n: u32 = 0, sum: u32 = 0;
  for (let i: u32 = 0; i < len; i++) {
    let c = <u32>load<u8>(BUF + i);
    if (c >= 65 && c <= 90) n++;
    if (c >= 97 && c <= 122) c -= 32;
    sum += c;
  }
  return n | (sum << 8);
}
