#!/usr/bin/env python3
"""fake_wasm2bpf.py — the two wasm2bpf commands the spec runner uses, faked.

It exists to document the protocol between tests/spec/run_spec.py and the
compiler's CLI in running code, and to let the runner be tested on its own.
It is only a rough model of what the compiler supports: it refuses modules
with imports, and exports whose signature has float, v128 or reference
values or whose reachable code (found textually in wasm2wat's output) uses
floats, SIMD, tables, memory.grow or recursion. Everything else runs in
node's WebAssembly engine, which gives real Wasm semantics, state kept
across invokes, and traps.

    fake_wasm2bpf.py check FILE
        FILE is .wasm (checked by wabt's wasm-validate) or .wat (by
        wat2wasm, which validates too). Exit 0 valid, 1 malformed or
        invalid, with wabt's message on stderr.

    fake_wasm2bpf.py run MODULE.wasm --all-exports --skip-unsupported --batch
        stdout: one `skip HEXNAME REASON` line per exported function left
        out (HEXNAME: the export name's UTF-8 bytes in lowercase hex), then
        `ready`. A module refused as a whole: exit 1, reason on stderr;
        any other failure: exit 2.
        stdin, one command per line:  invoke HEXNAME i32:V i64:V ...
        (V the unsigned decimal bit pattern, as wast2json writes it).
        stdout, one line per command:
            ok i32:V ...        the results (possibly none: `ok`)
            trap MESSAGE        in the spec's wording
            error MESSAGE       the command could not be run
        Exit 0 at end of input.

For testing the runner itself: an invoke of the export whose hex name is in
FAKE_WASM2BPF_HANG never answers, and one in FAKE_WASM2BPF_CRASH kills the
process with SIGSEGV.

Why node rather than wabt's wasm-interp: wabt 1.0.32's wasm-interp can run
exports only without arguments (--run-all-exports), and a process per invoke
would lose the module's memory and globals between commands.
"""

import os
import re
import subprocess
import sys

VALTYPES = {0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128",
            0x70: "funcref", 0x6f: "externref"}


class Malformed(Exception):
    pass


class Reader:
    def __init__(self, b, pos=0, end=None):
        self.b, self.pos, self.end = b, pos, len(b) if end is None else end

    def byte(self):
        if self.pos >= self.end:
            raise Malformed("unexpected end")
        v = self.b[self.pos]
        self.pos += 1
        return v

    def uleb(self):
        result = shift = 0
        while True:
            v = self.byte()
            result |= (v & 0x7f) << shift
            shift += 7
            if not v & 0x80:
                return result

    def bytes(self, n):
        if self.pos + n > self.end:
            raise Malformed("unexpected end")
        v = self.b[self.pos:self.pos + n]
        self.pos += n
        return v

    def name(self):
        return self.bytes(self.uleb())

    def valtype(self):
        t = self.byte()
        if t in (0x63, 0x64):           # (ref null? heaptype): skip the s33
            while self.byte() & 0x80:
                pass
            return "ref"
        if t not in VALTYPES:
            raise Malformed("unknown value type 0x%02x" % t)
        return VALTYPES[t]

    def limits(self):
        flags = self.byte()
        self.uleb()
        if flags & 1:
            self.uleb()


def read_module(b):
    """(types, imports, exported functions) of a binary module: only what
    the fake needs to decide what to refuse."""
    if b[:8] != b"\0asm\1\0\0\0":
        raise Malformed("not a Wasm binary module (version 1)")
    r = Reader(b, 8)
    types, imports, func_types, exports = [], [], [], []
    while r.pos < r.end:
        sid = r.byte()
        size = r.uleb()
        s = Reader(b, r.pos, r.pos + size)
        r.pos += size
        if sid == 1:
            for _ in range(s.uleb()):
                if s.byte() != 0x60:
                    raise Malformed("non-function type")
                params = [s.valtype() for _ in range(s.uleb())]
                results = [s.valtype() for _ in range(s.uleb())]
                types.append((params, results))
        elif sid == 2:
            for _ in range(s.uleb()):
                mod, field, kind = s.name(), s.name(), s.byte()
                imports.append("%s.%s" % (mod.decode(errors="replace"),
                                          field.decode(errors="replace")))
                if kind == 0:
                    func_types.append(s.uleb())
                elif kind == 1:
                    s.valtype()
                    s.limits()
                elif kind == 2:
                    s.limits()
                elif kind == 3:
                    s.valtype()
                    s.byte()
                elif kind == 4:
                    s.byte()
                    s.uleb()
                else:
                    raise Malformed("unknown import kind")
        elif sid == 3:
            func_types.extend(s.uleb() for _ in range(s.uleb()))
        elif sid == 7:
            for _ in range(s.uleb()):
                name, kind, idx = s.name(), s.byte(), s.uleb()
                if kind == 0:
                    exports.append((name, idx))
    funcs = []
    for name, idx in exports:
        if idx >= len(func_types) or func_types[idx] >= len(types):
            raise Malformed("export of an unknown function")
        funcs.append((name, idx, types[func_types[idx]]))
    return types, imports, funcs


# What the real compiler refuses inside a function (docs: design.md, "Not
# supported"), found in wasm2wat's text of the body. Checked per export over
# every function it reaches, as the compiler does.
REFUSED = [
    (re.compile(r"\bv128\b|\b[if]\d+x\d+\."), "SIMD is not supported"),
    (re.compile(r"\bf(32|64)\b"), "floating point is not supported (eBPF has no floating point)"),
    (re.compile(r"\bcall_indirect\b|\btable\."), "tables and call_indirect are not supported"),
    (re.compile(r"\bmemory\.grow\b"), "memory.grow is not supported"),
]


def function_bodies(path):
    """{func index: body text} from wasm2wat, which numbers functions in
    comments: `(func (;3;) (type 1) ...`."""
    p = subprocess.run(["wasm2wat", "--no-debug-names", path],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if p.returncode != 0:
        return None
    bodies, cur = {}, None
    for line in p.stdout.decode(errors="replace").splitlines():
        m = re.match(r"  \(func \(;(\d+);\)", line)
        if m:
            cur = int(m.group(1))
            bodies[cur] = line
        elif line.startswith("  (") or not line.startswith("   "):
            cur = None
        elif cur is not None:
            bodies[cur] += "\n" + line
    return bodies


def refusal(bodies, root):
    """Why the export of function root can't be compiled, or None."""
    seen, on_path = set(), []

    def walk(f):
        if f in on_path:
            return "recursion is not supported (func[%d] calls itself)" % f
        if f in seen or f not in bodies:
            return None
        seen.add(f)
        for rx, why in REFUSED:
            if rx.search(bodies[f]):
                return why if f == root else "reaches func[%d]: %s" % (f, why)
        on_path.append(f)
        for callee in re.findall(r"\bcall (\d+)", bodies[f]):
            r = walk(int(callee))
            if r:
                return r
        on_path.pop()
        return None

    return walk(root)


def cmd_check(path):
    if path.endswith(".wat") or path.endswith(".wast"):
        argv = ["wat2wasm", path, "-o", os.devnull]
    else:
        argv = ["wasm-validate", path]
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if p.returncode == 0:
        return 0
    msg = p.stderr.decode(errors="replace").strip().splitlines()
    print("%s: error: %s" % (path, msg[0] if msg else "invalid module"), file=sys.stderr)
    return 1


# The engine: reads `invoke` lines, answers one line each. Argument 1 is the
# module path, argument 2 a JSON map hexname -> [params, results] of the
# exports that may be called.
NODE_SCRIPT = r"""
const fs = require('fs');
const readline = require('readline');
const [path, sigsJson] = process.argv.slice(1);
const sigs = JSON.parse(sigsJson);
let inst;
try {
  inst = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(path)), {});
} catch (e) {
  process.stderr.write(path + ': error: cannot instantiate: ' + e.message + '\n');
  process.exit(2);
}
const TRAPS = [
  [/divide by zero|remainder by zero/, 'integer divide by zero'],
  [/divide result unrepresentable|integer overflow/, 'integer overflow'],
  [/unreachable/, 'unreachable'],
  [/memory access out of bounds/, 'out of bounds memory access'],
  [/call stack|Maximum call stack/, 'call stack exhausted'],
  [/table index is out of bounds/, 'undefined element'],
  [/null function or function signature mismatch/, 'indirect call type mismatch'],
  [/unrepresentable/, 'invalid conversion to integer'],
];
function trapText(e) {
  for (const [re, text] of TRAPS) if (re.test(e.message)) return text;
  return e.message;
}
function toJs(t, v) {
  return t === 'i64' ? BigInt.asIntN(64, BigInt(v)) : Number(BigInt.asIntN(32, BigInt(v)));
}
function fromJs(t, v) {
  return t === 'i64' ? BigInt.asUintN(64, BigInt(v)).toString()
                     : (Number(v) >>> 0).toString();
}
function run(line) {
  const w = line.trim().split(/\s+/);
  if (w[0] !== 'invoke' || w.length < 2) return 'error unknown command';
  const sig = sigs[w[1]];
  if (!sig) return 'error no such export';
  const [params, results] = sig;
  const args = w.slice(2).map(a => a.split(':'));
  if (args.length !== params.length) return 'error wrong number of arguments';
  for (let i = 0; i < args.length; i++)
    if (args[i][0] !== params[i]) return 'error argument ' + i + ' is not ' + params[i];
  // Misbehaviour on request, to test the runner's timeout and crash paths.
  if (w[1] === process.env.FAKE_WASM2BPF_HANG) for (;;) {}
  if (w[1] === process.env.FAKE_WASM2BPF_CRASH) process.kill(process.pid, 'SIGSEGV');
  let r;
  try {
    r = inst.exports[Buffer.from(w[1], 'hex').toString('utf8')](
      ...args.map(([t, v]) => toJs(t, v)));
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError)
      return 'trap ' + trapText(e);
    return 'error ' + e.message;
  }
  const rs = results.length === 1 ? [r] : results.length === 0 ? [] : Array.from(r);
  return ['ok'].concat(rs.map((v, i) => results[i] + ':' + fromJs(results[i], v))).join(' ');
}
process.stdout.write('ready\n');
readline.createInterface({ input: process.stdin, terminal: false })
  .on('line', line => { if (line.trim()) process.stdout.write(run(line) + '\n'); })
  .on('close', () => process.exit(0));
"""


def cmd_run(path, opts):
    import json
    # --max-recursion-depth: recursion is refused here anyway
    opts = [o for o in opts if not o.startswith("--max-recursion-depth=")]
    if set(opts) != {"--all-exports", "--skip-unsupported", "--batch"}:
        print("fake_wasm2bpf: run needs --all-exports --skip-unsupported --batch",
              file=sys.stderr)
        return 2
    try:
        with open(path, "rb") as f:
            _, imports, funcs = read_module(f.read())
    except OSError as e:
        print("%s: error: %s" % (path, e), file=sys.stderr)
        return 2
    except (Malformed, IndexError) as e:
        print("%s: error: %s" % (path, e), file=sys.stderr)
        return 1
    if imports:
        print("%s: error: import '%s' is not a helper the fake knows" % (path, imports[0]),
              file=sys.stderr)
        return 1
    bodies = function_bodies(path)
    if bodies is None:
        print("%s: error: wasm2wat cannot read the module" % path, file=sys.stderr)
        return 1
    sigs = {}
    for name, idx, (params, results) in funcs:
        hexname = name.hex()
        bad = [t for t in params + results if t not in ("i32", "i64")]
        why = ("%s values are not supported" % bad[0]) if bad else refusal(bodies, idx)
        if why:
            # Worded like the compiler's diagnostics, so that the runner's
            # grouping of skip reasons is exercised.
            print("skip %s %s: error: func[%d] '%s': %s"
                  % (hexname, os.path.basename(path), idx, name.decode(errors="replace"), why))
        else:
            sigs[hexname] = [params, results]
    sys.stdout.flush()
    # node prints `ready` once the module is instantiated.
    os.execvp("node", ["node", "-e", NODE_SCRIPT, path, json.dumps(sigs)])


def main(argv):
    if len(argv) >= 2 and argv[0] == "check":
        return cmd_check(argv[1])
    if len(argv) >= 2 and argv[0] == "run":
        return cmd_run(argv[1], argv[2:])
    print("usage: fake_wasm2bpf.py check FILE | run MODULE.wasm --all-exports "
          "--skip-unsupported --batch", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
