// AssemblyScript integer arithmetic: i32/i64/u32/u64 division and
// remainder, wrapping multiplies, shifts and rotations, bit counts
// (clz/ctz/popcnt builtins), small-int wrapping (u8, i16), gcd and a
// modular power by doubling.
// ARGS: gcd i32:1071 i32:462
// ARGS: powmod i64:7 i64:560 i64:1000000007
// ARGS: powmod i64:123456789 i64:987654321 i64:998244353
// ARGS: mix32 i32:-7 i32:3
// ARGS: mix32 i32:2147483647 i32:65537
// ARGS: mix64 i64:-9223372036854775807 i64:7
// ARGS: mix64 i64:0x0123456789abcdef i64:0xfedcba9876543210
// ARGS: small i32:300 i32:-70000
export function gcd(a: u32, b: u32): u32 {
  while (b != 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function mulmod(a: u64, b: u64, m: u64): u64 {
  let r: u64 = 0;
  a %= m;
  while (b > 0) {
    if (b & 1) r = r >= m - a ? r - (m - a) : r + a;
    a = a >= m - a ? a - (m - a) : a + a;
    b >>= 1;
  }
  return r;
}

export function powmod(base: u64, exp: u64, m: u64): u64 {
  if (m == 0) return 0;
  let r: u64 = 1 % m, b = base % m;
  while (exp > 0) {
    if (exp & 1) r = mulmod(r, b, m);
    b = mulmod(b, b, m);
    exp >>= 1;
  }
  return r;
}

export function mix32(a: i32, b: i32): i32 {
  const q = b != 0 && !(a == i32.MIN_VALUE && b == -1) ? a / b : 0;
  const r = b != 0 ? <i32>(<u32>a % <u32>b) : 0;
  return q * 31 + r + rotl<i32>(a, b & 31) + clz<i32>(a) + ctz<i32>(b) + popcnt<i32>(a ^ b) + (a >> 3) + (a >>> 29);
}

export function mix64(a: i64, b: i64): i64 {
  const q = b != 0 ? a / b : 0;
  const u = b != 0 ? <i64>(<u64>a / <u64>b) : 0;
  return q ^ u ^ (a * b) ^ rotr<i64>(a, b) ^ (clz<i64>(b) << 40) ^ (popcnt<i64>(a) << 48);
}

export function small(a: i32, b: i32): i32 {
  const x = <u8>a + <u8>b;
  const y = <i16>a * <i16>b;
  return <i32>x * 100000 + <i32>y;
}
