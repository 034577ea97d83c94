#!/usr/bin/env python3
"""Random C programs from csmith, run in node's WebAssembly and in the
kernel through wasm2bpf, checksums compared.

    tests/diff/csmith_batch.py --wasm2bpf build/wasm2bpf --seed S --count N
                               [--jobs J] [--variants O2] [--out DIR] [--native-check]

Program i of a batch is csmith's program for the i-th number drawn from
random.Random(S): the batch is the same for the same S, N and options.
Each is generated without floats and without argc (`csmith --no-float
--no-argc`, plus --csmith-opts), its `#include "csmith.h"` replaced with
tests/diff/csmith_min.h (no libc; csmith's integer safe_math.h from
libcsmith-dev), and an export appended:

    checksum() -> i64      runs main once; the CRC-32 of the globals

It is compiled with the recipe of docs/c-recipe.md once per variant and
`checksum` is called once in each of node and the kernel. Per program:

    AGREE csmith-SEED.V               same checksum
    DIFFER csmith-SEED.V: ...         different answers (the file is kept)
    REFUSED csmith-SEED.V: ...        wasm2bpf refused the module (exit 1)
    REJECTED csmith-SEED.V: ...       wasm2bpf compiled it, the kernel would not load it
    FUEL csmith-SEED.V: ...           the kernel's loop fuel ran out (raise --max-loop-iters)
    DISCARD csmith-SEED.V: ...        node trapped or timed out (csmith programs may loop
                                      for very long): not a test
    ERROR csmith-SEED.V: ...          csmith, clang, a crash of wasm2bpf (CRASH: ...)

then a summary with the reasons grouped, and the last line
`csmith: A agree, D differ, R refused, K rejected, F fuel, E error, X discarded`.
Exit 1 if anything differed or wasm2bpf crashed. Files of DIFFER, ERROR and
REJECTED programs are kept in --out (default /tmp/w2b-csmith-SEED).

--native-check also builds each program as a freestanding i386 Linux
executable (same ILP32 C as wasm32; csmith_min.h's CSMITH_NATIVE_I386) and
reports NATIVE-MISMATCH if its checksum is not node's: that checks the
harness (header, export), not wasm2bpf.
"""

import argparse
import collections
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diffcommon as dc  # noqa: E402

CSMITH = os.environ.get("CSMITH", "csmith")
CSMITH_INC = os.environ.get("CSMITH_INC", "/usr/include/csmith")
DEFAULT_OPTS = "--max-funcs 5 --max-block-depth 3 --max-array-len-per-dim 6 --max-expr-complexity 6"


def prepare(seed, opts, work):
    """csmith -> the program with csmith_min.h and the export; returns
    (path, None) or (None, error)."""
    raw = os.path.join(work, "csmith-%d.orig.c" % seed)
    argv = [CSMITH, "--seed", str(seed), "--no-float", "--no-argc"] + opts.csmith_opts.split() + ["-o", raw]
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "csmith: %s" % e
    if p.returncode != 0 or not os.path.exists(raw):
        return None, "csmith failed: %s" % p.stdout.decode(errors="replace").strip()[:200]
    with open(raw, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if '#include "csmith.h"' not in text or not re.search(r"^int main \(void\)", text, re.M):
        return None, "csmith output has no `#include \"csmith.h\"` or `int main (void)`"
    text = text.replace('#include "csmith.h"', '#include "csmith_min.h"')
    text += "\nCSMITH_DEFINE_EXPORT\n"
    out = os.path.join(work, "csmith-%d.c" % seed)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
    os.remove(raw)
    return out, None


def rt_builtins_i386():
    """compiler-rt's builtins for i386 (64-bit division: __divdi3, __moddi3 ...)."""
    try:
        p = subprocess.run([dc.CLANG, "-m32", "--rtlib=compiler-rt", "-print-libgcc-file-name"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30)
        path = p.stdout.decode().strip()
        return [path] if path and os.path.exists(path) else []
    except (OSError, subprocess.TimeoutExpired):
        return []


def native_checksum(src, work, timeout):
    exe = os.path.splitext(src)[0] + ".i386"
    argv = [dc.CLANG, "-m32", "-ffreestanding", "-nostdlib", "-static", "-fno-pic", "-O1", "-w",
            "-DCSMITH_NATIVE_I386", "-I", dc.HERE, "-I", CSMITH_INC, "-o", exe, src, dc.MEMFNS]
    argv += rt_builtins_i386()
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        return None, "native build failed: " + p.stdout.decode(errors="replace").strip()[:200]
    try:
        p = subprocess.run([exe], stdout=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "native run timed out"
    m = re.match(r"checksum = ([0-9A-F]+)", p.stdout.decode(errors="replace"))
    if not m:
        return None, "native run printed no checksum (status %d)" % p.returncode
    return int(m.group(1), 16), None


def run_one(job):
    seed, variants, work, cpu, opts = job
    out = []
    src, err = prepare(seed, opts, work)
    if err:
        return [("csmith-%d" % seed, {"kind": "error", "detail": err, "crash": False}, None)]
    native = None
    for v in variants:
        name = "csmith-%d.%s" % (seed, v)
        wasm = os.path.join(work, name + ".wasm")
        err = dc.compile_c([src], wasm, v, opts.stack_size, include_dirs=[dc.HERE, CSMITH_INC],
                           extra=["-w"])
        if err:
            out.append((name, {"kind": "error", "detail": "clang: " + err, "crash": False}, src))
            continue
        r = dc.run_module(opts.wasm2bpf, wasm, [("checksum", [])], cpu=cpu,
                          timeout=opts.kernel_timeout, node_timeout=opts.timeout,
                          w2b_extra=opts.w2b_arg, node_traps_discard=True)
        if opts.native_check and r["node"] and r["node"][0].startswith("ok i64:"):
            if native is None:
                native = native_checksum(src, work, opts.timeout)
            value, nerr = native
            nodeval = int(r["node"][0].split(":")[1])
            if nerr:
                r["native"] = nerr
            elif value != nodeval:
                r["native"] = "NATIVE-MISMATCH native %d, node %d" % (value, nodeval)
            else:
                r["native_ok"] = True
        out.append((name, r, src))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--variants", default="O2", help="comma-separated, as run_diff.py (default O2)")
    ap.add_argument("--csmith-opts", default=DEFAULT_OPTS,
                    help="extra csmith options (default: %(default)s)")
    ap.add_argument("--stack-size", type=int, default=8192)
    ap.add_argument("--timeout", type=float, default=10, help="node's time per program (s)")
    ap.add_argument("--kernel-timeout", type=float, default=60, help="the kernel's time per call (s)")
    ap.add_argument("--w2b-arg", action="append", default=[], help="extra option for `wasm2bpf run`")
    ap.add_argument("--out", help="where to keep failing programs (default /tmp/w2b-csmith-SEED)")
    ap.add_argument("--keep-all", action="store_true", help="keep every program's files in --out")
    ap.add_argument("--native-check", action="store_true",
                    help="also compare node's checksum with a native i386 build")
    opts = ap.parse_args()
    opts.wasm2bpf = os.path.abspath(opts.wasm2bpf)
    variants = [v.strip() for v in opts.variants.split(",") if v.strip()]
    for v in variants:
        try:
            dc.parse_variant(v)
        except ValueError as e:
            ap.error(str(e))
    if not shutil.which(CSMITH):
        print("csmith_batch: csmith not found (apt-get install csmith libcsmith-dev)", file=sys.stderr)
        return 2
    if not os.path.exists(os.path.join(CSMITH_INC, "safe_math.h")):
        print("csmith_batch: %s/safe_math.h not found (apt-get install libcsmith-dev)" % CSMITH_INC,
              file=sys.stderr)
        return 2

    outdir = os.path.abspath(opts.out or "/tmp/w2b-csmith-%d" % opts.seed)
    os.makedirs(outdir, exist_ok=True)
    work = tempfile.mkdtemp(prefix="w2b-csmith-work-")
    rng = random.Random(opts.seed)
    seeds = [rng.getrandbits(31) for _ in range(opts.count)]
    cpus = sorted(os.sched_getaffinity(0))
    jobs = [(s, variants, work, cpus[i % len(cpus)], opts) for i, s in enumerate(seeds)]

    counts = collections.Counter()
    reasons = collections.defaultdict(collections.Counter)
    crashes, native_bad, native_ok = [], [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
        for results in ex.map(run_one, jobs):
            for name, r, src in results:
                word = dc.classify(r)
                counts[word] += 1
                if word in ("REFUSED", "REJECTED", "DISCARD", "ERROR", "FUEL"):
                    reasons[word][dc.reason_key(r["detail"]) if word != "DISCARD"
                                  else re.sub(r"^node: checksum\s*: ", "", r["detail"])] += 1
                if r.get("crash"):
                    crashes.append(name)
                line = "%s %s%s" % (word, name, ": " + r["detail"] if r.get("detail") else "")
                if r.get("native_ok"):
                    native_ok += 1
                if r.get("native"):
                    line += " [%s]" % r["native"]
                    if r["native"].startswith("NATIVE-MISMATCH"):
                        native_bad.append(name)
                print(line, flush=True)
                if src and (opts.keep_all or word in ("DIFFER", "ERROR", "REJECTED")):
                    for f in os.listdir(work):
                        if f.startswith(name) or f == os.path.basename(src):
                            shutil.copy(os.path.join(work, f), outdir)
    shutil.rmtree(work, ignore_errors=True)

    for word in ("REFUSED", "REJECTED", "FUEL", "ERROR", "DISCARD"):
        if reasons[word]:
            print("csmith: %d %s" % (counts[word], word.lower()))
            for reason, n in reasons[word].most_common():
                print("  %4d  %s" % (n, reason[:300]))
    if crashes:
        print("csmith: wasm2bpf crashed on %d: %s" % (len(crashes), " ".join(crashes)))
    if opts.native_check:
        print("csmith: native i386 checksum equal to node's on %d" % native_ok)
    if native_bad:
        print("csmith: node and native i386 disagree on %d: %s" % (len(native_bad), " ".join(native_bad)))
    print("csmith_batch: programs kept in %s" % outdir, file=sys.stderr)
    print("csmith: %d agree, %d differ, %d refused, %d rejected, %d fuel, %d error, %d discarded" % (
        counts["AGREE"], counts["DIFFER"], counts["REFUSED"], counts["REJECTED"], counts["FUEL"],
        counts["ERROR"], counts["DISCARD"]))
    return 1 if counts["DIFFER"] or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
