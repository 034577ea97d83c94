#!/usr/bin/python3
"""sizegen.py — generated WebAssembly modules of growing size, for the size
series of bench/perf.py (how wasm2bpf's compile time and memory grow).

    bench/sizegen.py funcs N OUT.wat     # an entry calling N functions once
    bench/sizegen.py shared N OUT.wat    # ... each twice
    bench/sizegen.py big N OUT.wat       # N larger functions, each called 3 times
    bench/sizegen.py body K OUT.wat      # one function of ~K instructions

Both families export `main(n: i32) -> i64`, compiled as a `syscall`
program (wasm2bpf --entry main=syscall), whose result is a deterministic
function of n that `expected(kind, size, n)` computes in Python, so the
benchmark can check that what it timed also runs correctly.

- funcs N: N functions f_0 .. f_{N-1}, each a few dozen instructions of
  64-bit arithmetic with one branch (a step of a mixing function with
  per-function constants), and an entry that threads x through all of
  them in order: x = f_{N-1}(...f_1(f_0(n))). Each function is called
  exactly once, the way a generated or heavily factored program calls its
  helpers; a compiler may inline them (the kernel would refuse more than
  256 BPF subprograms: BPF_MAX_SUBPROGS).
- shared N: the same, each function called twice in a row
  (x = f_i(f_i(x))): a function with two call sites is a candidate for a
  real call (a BPF subprogram) rather than inlining, so this family shows
  what happens near and past the kernel's 256-subprogram limit.
- big N: N larger functions (10 blocks, 161 instructions each), each
  called three times in a row: too big, one would think, to be inlined at
  three call sites; if they stay functions, N > 256 passes the kernel's
  subprogram limit, and if they are inlined the program triples.
- body K: one entry whose body is K/16 copies of a 16-instruction block
  (multiply, xor, rotate, add, and a conditional add on the low bit) over
  one local: a straight line of ~K instructions (a block is 16 counting
  the `if`'s inner ones), no calls, no loops.

The Wasm instruction count of each module (code bodies, `end`s excluded)
is returned by `generate` for the report.
"""
import sys

M64 = (1 << 64) - 1
BIG_BLOCKS = 10  # blocks per function of the "big" family


def consts(i):
    """Per-function (or per-block) constants: odd multipliers and rotations."""
    a = (0x9E3779B97F4A7C15 * (i + 1)) & M64 | 1
    b = (0xBF58476D1CE4E5B9 ^ (i * 0x94D049BB133111EB)) & M64
    r = 5 + (i * 7) % 53
    return a, b, r


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def step(x, i):
    """The Python model of one f_i (and of one body block)."""
    a, b, r = consts(i)
    x = (x * a) & M64
    x ^= b
    x = rotl(x, r)
    if x & 1:
        x = (x + (i + 1)) & M64
    return x


def s64(v):
    """An unsigned 64-bit constant as WAT writes i64.const (signed)."""
    return v - (1 << 64) if v >> 63 else v


def block(i, get, set_):
    """WAT lines of one step on the value in local `get`, into `set_`:
    16 instructions (and the `if`'s `end`)."""
    a, b, r = consts(i)
    return [
        f"local.get {get}", f"i64.const {s64(a)}", "i64.mul",
        f"i64.const {s64(b)}", "i64.xor", f"i64.const {r}", "i64.rotl",
        f"local.tee {set_}", "i64.const 1", "i64.and", "i32.wrap_i64",
        "if", f"local.get {set_}", f"i64.const {i + 1}", "i64.add", f"local.set {set_}",
        "end",
    ]


def generate(kind, size):
    """The module's text and its instruction count."""
    out, count = ["(module"], 0
    if kind in ("funcs", "shared", "big"):
        calls = {"funcs": 1, "shared": 2, "big": 3}[kind]
        nblocks = BIG_BLOCKS if kind == "big" else 1
        for i in range(size):
            out.append(f"  (func $f{i} (param i64) (result i64)")
            for j in range(nblocks):
                body = block(i * nblocks + j, 0, 0)
                count += len(body) - 1   # `end` not counted
                out += ["    " + l for l in body]
            out.append("    local.get 0)")
            count += 1
        out.append('  (func (export "main") (param i32) (result i64)')
        out.append("    local.get 0 i64.extend_i32_u")
        count += 2
        for i in range(size):
            for _ in range(calls):
                out.append(f"    call $f{i}")
                count += 1
        out.append("  )")
    elif kind == "body":
        n = max(1, size // 16)
        out.append('  (func (export "main") (param i32) (result i64) (local i64)')
        out.append("    local.get 0 i64.extend_i32_u local.set 1")
        count += 3
        for i in range(n):
            out += ["    " + l for l in block(i, 1, 1)]
            count += 16
        out.append("    local.get 1)")
        count += 1
    else:
        raise ValueError(kind)
    out.append(")")
    return "\n".join(out) + "\n", count


def expected(kind, size, n):
    """What main(n) returns."""
    x = n & 0xFFFFFFFF
    if kind == "body":
        order = range(max(1, size // 16))
    else:
        calls = {"funcs": 1, "shared": 2, "big": 3}[kind]
        nblocks = BIG_BLOCKS if kind == "big" else 1
        order = [i * nblocks + j for i in range(size) for _ in range(calls)
                 for j in range(nblocks)]
    for i in order:
        x = step(x, i)
    return x


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("funcs", "shared", "big", "body"):
        sys.exit(__doc__)
    text, count = generate(sys.argv[1], int(sys.argv[2]))
    with open(sys.argv[3], "w") as fh:
        fh.write(text)
    print(f"{count} instructions")
