#!/usr/bin/env python3
"""mutate_vs_wabt.py — `wasm2bpf check` against wabt's wasm-validate on
mutants of valid modules.

    tests/malformed/mutate_vs_wabt.py --wasm2bpf build/wasm2bpf [--seed S] [--count N]
                                      [--keep DIR] [-j JOBS]

The seeds are valid modules: every .wat under tests/ (wat2wasm), and every
module the spec files of run_spec.py's default set define (wast2json; with
--all-seeds also those of the files it converts only in pieces, as
run_spec.py does), kept if wasm-validate accepts them, in a fixed order.
Mutant k is made from seed module k mod #seeds by random.Random(S * 1000003 + k)
(the same seed and count always give the same mutants, whatever -j), by
one to three of:

  flip     one bit of one byte anywhere after the header
  byte     one byte set to a value decoders care about (0x00, 0x01, 0x40,
           0x7f, 0x80, 0xff, the byte plus or minus one)
  bump     one byte of a function body plus or minus one (an index, an
           alignment, a memory index or reserved byte, an opcode)
  leb      a byte of a function body or section inserted, removed or
           given a continuation bit, with the body's and section's sizes
           written again so that the framing stays right and the
           change reaches validation

Each mutant goes to wasm-validate (wabt 1.0.32) with the proposals wasm2bpf
accepts enabled: threads (atomics, shared memory), tail calls and extended
constant expressions, on top of wabt's defaults (the Wasm 2.0 features);
custom sections are not validated (--ignore-custom-section-errors: the spec
ignores a malformed custom section, and so does wasm2bpf). Verdicts:

  wabt refuses, check accepts             FAIL (an invalid module called valid)
  wabt accepts, check refuses             pass only if check's message says
                                          the construct is outside the subset
                                          ("not supported"), else FAIL
  check crashes, times out, exits 2 or 4  FAIL
  both accept, or both refuse             pass

wabt 1.0.32 is not always right: where it accepts and check refuses, V8
(node's WebAssembly.validate) is asked too, and if it refuses as well the
mutant is counted as wabt's mistake and printed as a WABT line (a body
whose last `end` closes a block instead of the function is one).

Prints FAIL lines (with both tools' first error lines and, with --keep,
the file name of the kept mutant), then `mutate_vs_wabt: N mutants, A both
accept, R both refuse, U unsupported, W wabt wrong (V8 agrees with check),
F failed`; exits 1 if any failed.
"""
import argparse
import concurrent.futures
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "spec"))
import run_spec  # noqa: E402

WABT_FEATURES = ["--enable-threads", "--enable-tail-call", "--enable-extended-const"]
VALIDATE = ["wasm-validate", "--ignore-custom-section-errors"] + WABT_FEATURES
MAX_SEED_SIZE = 16384       # bigger seeds make slow mutants, and no new rules
UNSUPPORTED = ("not supported", "unsupported")


# ---- LEB128 and the module's framing ---------------------------------------

def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def read_uleb(b, pos):
    """(value, next position), or None if it runs off the end."""
    v = shift = 0
    while pos < len(b):
        x = b[pos]
        pos += 1
        v |= (x & 0x7f) << shift
        shift += 7
        if not x & 0x80:
            return v, pos
        if shift > 35:
            return None
    return None


def sections(b):
    """[(id, payload)] of a well-formed module, or None."""
    out, pos = [], 8
    while pos < len(b):
        sid = b[pos]
        r = read_uleb(b, pos + 1)
        if r is None or r[1] + r[0] > len(b):
            return None
        out.append((sid, bytes(b[r[1]:r[1] + r[0]])))
        pos = r[1] + r[0]
    return out


def bodies(payload):
    """The function bodies of a code section payload, or None."""
    r = read_uleb(payload, 0)
    if r is None:
        return None
    n, pos = r
    out = []
    for _ in range(n):
        r = read_uleb(payload, pos)
        if r is None or r[1] + r[0] > len(payload):
            return None
        out.append(bytes(payload[r[1]:r[1] + r[0]]))
        pos = r[1] + r[0]
    return out if pos == len(payload) else None


def assemble(secs):
    out = bytearray(b"\0asm\1\0\0\0")
    for sid, payload in secs:
        out.append(sid)
        out += uleb(len(payload)) + payload
    return bytes(out)


def code_payload(bs):
    out = bytearray(uleb(len(bs)))
    for body in bs:
        out += uleb(len(body)) + body
    return bytes(out)


# ---- mutations --------------------------------------------------------------

def edit_bytes(rng, data):
    """One byte inserted, removed or given a continuation bit."""
    data = bytearray(data)
    if not data:
        return bytes(data)
    k = rng.randrange(len(data))
    what = rng.randrange(3)
    if what == 0:
        data.insert(k, rng.choice([0x00, 0x80, 0x01, 0x0b, 0x41, rng.randrange(256)]))
    elif what == 1 and len(data) > 1:
        del data[k]
    else:
        # a longer LEB: the byte continues into a zero byte of its own
        data[k:k + 1] = bytes([data[k] | 0x80, 0x00 if data[k] < 0x80 else data[k]])
    return bytes(data)


def mutate_once(rng, b):
    kind = rng.choice(["flip", "byte", "bump", "bump", "leb", "leb"])
    secs = sections(b)
    code = None
    if secs:
        code = next((i for i, s in enumerate(secs) if s[0] == 10), None)
    if kind in ("bump", "leb") and secs:
        if code is not None and rng.random() < 0.8:
            bs = bodies(secs[code][1])
            if bs:
                f = rng.randrange(len(bs))
                body = bytearray(bs[f])
                if kind == "bump" and len(body) > 1:
                    k = rng.randrange(1, len(body))
                    body[k] = (body[k] + rng.choice([1, -1, 1, 0x40])) & 0xff
                    bs[f] = bytes(body)
                else:
                    bs[f] = edit_bytes(rng, body)
                secs[code] = (10, code_payload(bs))
                return assemble(secs)
        i = rng.randrange(len(secs))
        payload = bytearray(secs[i][1])
        if kind == "bump" and payload:
            k = rng.randrange(len(payload))
            payload[k] = (payload[k] + rng.choice([1, -1])) & 0xff
        else:
            payload = edit_bytes(rng, payload)
        secs[i] = (secs[i][0], bytes(payload))
        return assemble(secs)
    b = bytearray(b)
    k = rng.randrange(8, len(b)) if len(b) > 8 else 0
    if kind == "flip":
        b[k] ^= 1 << rng.randrange(8)
    else:
        b[k] = rng.choice([0x00, 0x01, 0x40, 0x7f, 0x80, 0xff, (b[k] + 1) & 0xff, (b[k] - 1) & 0xff])
    return bytes(b)


def mutant(seed_bytes, rng):
    b = seed_bytes
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        b = mutate_once(rng, b)
    return b


# ---- the two verdicts --------------------------------------------------------

def first_line(s):
    for line in s.decode("utf-8", "replace").splitlines():
        if "error" in line:
            return line
    return s.decode("utf-8", "replace").split("\n", 1)[0]


def wabt(path):
    p = subprocess.run(VALIDATE + [path], capture_output=True, timeout=60)
    return p.returncode, first_line(p.stderr)


def ours(w2b, path, timeout=60):
    try:
        p = subprocess.run([w2b, "check", path], stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    return p.returncode, first_line(p.stderr)


V8_VALIDATE = ("const fs = require('fs');"
               "const ok = WebAssembly.validate(fs.readFileSync(process.argv[1]));"
               "let why = ''; if (!ok) { try { new WebAssembly.Module(fs.readFileSync(process.argv[1])); }"
               " catch (e) { why = e.message; } }"
               "console.log(ok ? 'valid' : 'invalid: ' + why);")


def v8(path):
    """V8's verdict (node's WebAssembly.validate): True, False, or None if
    there is no node."""
    if not shutil.which("node"):
        return None, ""
    p = subprocess.run(["node", "-e", V8_VALIDATE, path], capture_output=True, timeout=60)
    out = p.stdout.decode("utf-8", "replace").strip()
    return out == "valid", out


def judge(w, o, path):
    """(None, None) if the verdicts agree (as the docstring says), else
    (why not, None); or (None, note) where wabt 1.0.32 is the one that is
    wrong and V8 agrees with check."""
    (wst, wmsg), (ost, omsg) = w, o
    if ost not in (0, 1):
        return "check: %s (%s)" % ("timeout" if ost is None else "exit %d" % ost, omsg), None
    if wst != 0 and ost == 0:
        return "wabt refuses (%s), check accepts" % wmsg, None
    if wst == 0 and ost == 1 and not any(u in omsg for u in UNSUPPORTED):
        # wabt 1.0.32 has bugs of its own: it takes a body whose last end
        # closes a block rather than the function. V8 is the tiebreaker
        # only this way round (a module called valid needs both tools'
        # word; V8 enables proposals wabt's run does not).
        ok, v8msg = v8(path)
        if ok is False:
            return None, "wabt 1.0.32 accepts, V8 and check refuse (%s): %s" % (v8msg, omsg)
        return "wabt accepts, check refuses: %s" % omsg, None
    return None, None


# ---- seeds -------------------------------------------------------------------

def collect_seeds(work, split):
    cands = []
    for wat in sorted(glob.glob(os.path.join(ROOT, "tests", "**", "*.wat"), recursive=True)):
        out = os.path.join(work, "t%d.wasm" % len(cands))
        p = subprocess.run(["wat2wasm"] + WABT_FEATURES + [wat, "-o", out], capture_output=True)
        if p.returncode == 0:
            cands.append(out)
    for name in run_spec.DEFAULT_FILES:
        path = run_spec.find_wast(os.path.join(ROOT, "..", "shared", "wasm-testsuite"), name)
        if not path:
            continue
        d = os.path.join(work, "spec-" + name)
        os.makedirs(d, exist_ok=True)
        try:
            if split:
                cmds = run_spec.convert(path, name, d)
            else:
                data, _ = run_spec.wast2json(path, os.path.join(d, name + ".json"))
                cmds = run_spec.absolutize(data["commands"], d) if data else []
        except Exception:       # a file wabt cannot convert gives no seeds
            continue
        cands += [c["filename"] for c in cmds if c["type"] == "module"]
    seeds = []
    for path in cands:
        if os.path.getsize(path) > MAX_SEED_SIZE:
            continue
        with open(path, "rb") as f:
            b = f.read()
        if sections(b) is None:
            continue
        seeds.append((os.path.relpath(path, work), b))

    # wabt's word is enough for a seed: what check says of the mutants is
    # judged on its own, and a seed check refuses as unsupported only
    # makes mutants check refuses the same way
    def valid(s):
        return wabt(os.path.join(work, s[0]))[0] == 0
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        ok = list(ex.map(valid, seeds))
    # identical modules (the spec repeats some) are one seed
    seen, out = set(), []
    for s, good in zip(seeds, ok):
        if good and s[1] not in seen:
            seen.add(s[1])
            out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--first", type=int, default=0, help="mutant number to start at")
    ap.add_argument("--keep", help="write each failing mutant here")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--all-seeds", action="store_true",
                    help="also the modules of spec files wast2json 1.0.32 converts only in "
                         "pieces (slower to collect)")
    a = ap.parse_args()
    w2b = os.path.abspath(a.wasm2bpf)
    for tool in ("wasm-validate", "wat2wasm", "wast2json"):
        if not shutil.which(tool):
            print("mutate_vs_wabt: %s (wabt) not found" % tool, file=sys.stderr)
            return 2
    work = tempfile.mkdtemp(prefix="w2b-mutate-")
    try:
        seeds = collect_seeds(work, a.all_seeds)
        if not seeds:
            print("mutate_vs_wabt: no seed modules", file=sys.stderr)
            return 2
        print("mutate_vs_wabt: %d seed modules" % len(seeds), flush=True)
        mdir = os.path.join(work, "mutants")
        os.makedirs(mdir)

        def one(k):
            name, b = seeds[k % len(seeds)]
            m = mutant(b, random.Random(a.seed * 1000003 + k))
            path = os.path.join(mdir, "m%d.wasm" % k)
            with open(path, "wb") as f:
                f.write(m)
            w, o = wabt(path), ours(w2b, path)
            why, note = judge(w, o, path)
            kept = None
            if why and a.keep:
                os.makedirs(a.keep, exist_ok=True)
                kept = os.path.join(a.keep, "s%d-m%d.wasm" % (a.seed, k))
                shutil.copyfile(path, kept)
            os.unlink(path)
            return k, name, w, o, why, note, kept

        counts = {"accept": 0, "refuse": 0, "unsupported": 0, "wabt": 0, "fail": 0}
        with concurrent.futures.ThreadPoolExecutor(max(1, a.jobs)) as ex:
            for k, name, w, o, why, note, kept in ex.map(one, range(a.first, a.first + a.count)):
                if note:
                    counts["wabt"] += 1
                    print("WABT mutant %d of %s: %s" % (k, name, note), flush=True)
                elif why:
                    counts["fail"] += 1
                    print("FAIL mutant %d of %s: %s%s" % (k, name, why,
                                                          " [%s]" % kept if kept else ""), flush=True)
                elif w[0] == 0 and o[0] == 0:
                    counts["accept"] += 1
                elif w[0] == 0:
                    counts["unsupported"] += 1
                else:
                    counts["refuse"] += 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("mutate_vs_wabt: %d mutants, %d both accept, %d both refuse, %d unsupported, "
          "%d wabt wrong (V8 agrees with check), %d failed"
          % (a.count, counts["accept"], counts["refuse"], counts["unsupported"], counts["wabt"],
             counts["fail"]))
    return 1 if counts["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
