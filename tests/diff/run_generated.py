#!/usr/bin/env python3
"""Generated integer programs, run in node's WebAssembly and in the kernel
through wasm2bpf, every call's answer (result or trap) compared.

    tests/diff/run_generated.py --wasm2bpf build/wasm2bpf --seed S --count N
                                [--source gen|ttf|mix] [--jobs J] [--out DIR] [--keep-all]
                                [--only K]

Two sources of programs, both deterministic from S:

  gen   tests/diff/gen_programs.py: program K is that script's program of
        seed S*100003+K (`gen_programs.py --seed S*100003+K` writes it
        again); its header lists the calls.
  ttf   binaryen's translate-to-fuzz (`wasm-opt -ttf`) of 1-4 KiB of bytes
        from random.Random(S*100003+K), MVP features. Its "fuzzing-support"
        imports (log-i32 and friends) become functions of the module that
        do nothing, so that both sides can instantiate it; then each
        exported function whose parameters and results are integers is
        called 3 times with values drawn from the same seed, each call
        after hangLimitInitializer (binaryen's loop bound) if the module
        has it. wasm2bpf leaves out (--skip-unsupported) the exports that
        reach floats and the rest outside its subset; the fraction of
        calls it accepted is reported.
  mix   (default) even K from gen, odd K from ttf.

Each side runs its calls in one instance (state carries over). Per program:

    AGREE NAME             every call wasm2bpf accepted gave node's answer
    DIFFER NAME: ...       an answer differs (files kept in --out)
    REFUSED NAME: ...      wasm2bpf refused the module, or every export
    REJECTED NAME: ...     the kernel's verifier refused what wasm2bpf built
    FUEL NAME: ...         the kernel's loop fuel ran out where node returned
    RECURSION NAME: ...    the kernel's bound on recursion (--max-recursion-depth)
                           trapped where node recursed deeper
    DISCARD NAME: ...      node could not run it (ttf: a module V8 refuses)
    ERROR NAME: ...        wat2wasm or wasm-opt failed, a timeout, a crash (CRASH:)

then the reasons grouped and the last line

    generated: P programs (G gen, T ttf): A agree, D differ, R refused, K rejected,
      F fuel, Y recursion, E error, X discarded; calls: C compared, M agree, Q differ,
      U skipped

(a program's calls are compared up to its first difference: the instances
part there). Each side runs the calls of the exports wasm2bpf accepted.

Exit 1 if anything differed, was rejected by the kernel or ended in an
ERROR (a crash of wasm2bpf among them). A DIFFER program is a
regression test once saved in tests/diff/programs/ (a gen program as it
is; a ttf one as its .wat with `;; ARGS:` lines).
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
import gen_programs  # noqa: E402

WASM_OPT = os.environ.get("WASM_OPT", "wasm-opt")
ARGS_RE = re.compile(r"^\s*;;\s*ARGS:\s*(\S.*?)\s*$")
VALTYPES = {0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref",
            0x6f: "externref"}


# ---- the two sources ------------------------------------------------------------

def gen_source(seed, work, name):
    """A gen_programs.py program: (wasm, calls, wat) or (None, error, None)."""
    text = ";; tests/diff/gen_programs.py --seed %d\n" % seed + gen_programs.program(seed)
    wat = os.path.join(work, name + ".wat")
    with open(wat, "w") as f:
        f.write(text)
    calls = []
    for line in text.splitlines():
        m = ARGS_RE.match(line)
        if m:
            toks = m.group(1).split()
            calls.append((toks[0], toks[1:]))
    wasm = os.path.join(work, name + ".wasm")
    err = dc.compile_wat(wat, wasm)
    return (None, "wat2wasm: " + err, None) if err else (wasm, calls, wat)


def read_uleb(b, p):
    v = shift = 0
    while True:
        x = b[p]
        p += 1
        v |= (x & 0x7f) << shift
        shift += 7
        if not x & 0x80:
            return v, p


def export_signatures(b):
    """{export name: (params, results)} of a module's exported functions."""
    p, types, ftypes, exports = 8, [], [], {}

    def name(p):
        n, p = read_uleb(b, p)
        return b[p:p + n].decode("utf-8", "replace"), p + n

    while p < len(b):
        sid = b[p]
        size, p = read_uleb(b, p + 1)
        end, q = p + size, p
        if sid == 1:
            n, q = read_uleb(b, q)
            for _ in range(n):
                q += 1  # 0x60
                sig = []
                for _ in range(2):
                    k, q = read_uleb(b, q)
                    sig.append([VALTYPES.get(t, "?") for t in b[q:q + k]])
                    q += k
                types.append(tuple(sig))
        elif sid == 2:
            n, q = read_uleb(b, q)
            for _ in range(n):
                _, q = name(q)
                _, q = name(q)
                kind = b[q]
                q += 1
                if kind == 0:
                    t, q = read_uleb(b, q)
                    ftypes.append(t)
                elif kind in (1, 2):
                    if kind == 1:
                        q += 1
                    flags = b[q]
                    _, q = read_uleb(b, q + 1)
                    if flags & 1:
                        _, q = read_uleb(b, q)
                elif kind == 3:
                    q += 2
        elif sid == 3:
            n, q = read_uleb(b, q)
            for _ in range(n):
                t, q = read_uleb(b, q)
                ftypes.append(t)
        elif sid == 7:
            n, q = read_uleb(b, q)
            for _ in range(n):
                nm, q = name(q)
                kind = b[q]
                idx, q = read_uleb(b, q + 1)
                if kind == 0 and idx < len(ftypes) and ftypes[idx] < len(types):
                    exports[nm] = types[ftypes[idx]]
        p = end
    return exports


IMPORT_RE = re.compile(r'^(\s*)\(import "fuzzing-support" "[^"]*" \(func (\(;\d+;\)) (\(type \d+\))\)\)\s*$')


def ttf_source(seed, work, name):
    """A binaryen translate-to-fuzz module: (wasm, calls, wat) or (None, error, None)."""
    rng = random.Random(seed)
    raw = os.path.join(work, name + ".bin")
    with open(raw, "wb") as f:
        f.write(bytes(rng.getrandbits(8) for _ in range(rng.randint(1024, 4096))))
    fuzz = os.path.join(work, name + ".ttf.wasm")
    try:
        p = subprocess.run([WASM_OPT, "-ttf", raw, "--mvp-features", "-o", fuzz],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        if p.returncode:
            return None, "wasm-opt -ttf failed: " + p.stdout.decode(errors="replace")[:200], None
        p = subprocess.run(["wasm2wat", fuzz], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, "ttf: %s" % e, None
    if p.returncode:
        return None, "wasm2wat: " + p.stderr.decode(errors="replace")[:200], None
    # its imports as functions that do nothing: still the first indices,
    # since they stay where the imports were, before the other functions
    lines = []
    for line in p.stdout.decode().splitlines():
        m = IMPORT_RE.match(line)
        lines.append("%s(func %s %s)" % m.groups() if m else line)
    body = "\n".join(lines) + "\n"
    wasm = os.path.join(work, name + ".wasm")
    wat = os.path.join(work, name + ".wat")
    with open(wat, "w") as f:
        f.write(body)
    err = dc.compile_wat(wat, wasm)
    if err:
        return None, "wat2wasm (ttf): " + err, None
    with open(wasm, "rb") as f:
        sigs = export_signatures(f.read())
    gen = gen_programs.Gen(rng)
    calls = []
    for _ in range(3):
        for ex, (params, results) in sorted(sigs.items()):
            if ex == "hangLimitInitializer" or not all(t in ("i32", "i64") for t in params + results):
                continue
            if "hangLimitInitializer" in sigs:
                calls.append(("hangLimitInitializer", []))
            calls.append((ex, [gen.arg(t) for t in params]))
    # the calls, in the file, so that it is a tests/diff/programs test as it is
    with open(wat, "w") as f:
        f.write(";; tests/diff/run_generated.py ttf, seed %d\n" % seed)
        for func, args in calls:
            f.write(";; ARGS: %s\n" % " ".join([func] + args))
        f.write(body)
    if not calls:
        return None, "ttf: no export takes and returns only integers", None
    return wasm, calls, wat


# ---- running ------------------------------------------------------------------------

# the kernel's bound on recursion (--max-recursion-depth, default 8): a
# documented limit, not a wrong answer, where node recursed deeper
RECURSION_TRAP = "call stack exhausted"


def run_calls(opts, wasm, calls, cpu):
    """The kernel side starts first: the exports it leaves out
    (--skip-unsupported) are called on neither side, since what they would
    store in node's instance would make every later answer differ. Then
    the other calls in node, then in the kernel, in order, each side in one
    instance. A dict like diffcommon.run_module()'s, plus compared,
    agree_calls and skipped_calls."""
    base = os.path.splitext(wasm)[0]
    res = {"kind": None, "detail": "", "crash": False, "diffs": [], "node": [], "kernel": [],
           "status": None, "kernel_rejected": False, "fuel": False, "limit": False,
           "compared": 0, "agree_calls": 0, "skipped_calls": 0}
    k = dc.kernel_batch(opts.wasm2bpf, wasm, base + ".kernel.log", cpu, opts.w2b_arg)
    k.start()
    if k.state == "refused":
        res["kind"], res["detail"] = "refused", dc.short_diag(k.reason, wasm)
        return res
    if k.state != "ready":
        res["crash"] = dc.is_crash(k.status) and not k.killed
        res["status"] = k.status
        res["kernel_rejected"] = k.status == 2 and "rejected by the kernel" in (k.reason or "")
        res["kind"] = "error"
        res["detail"] = ("CRASH: " if res["crash"] else "") + "wasm2bpf: " + dc.short_diag(k.reason or "", wasm)
        return res
    run = [c for c in calls if c[0].encode().hex() not in k.skips]
    res["skipped_calls"] = len(calls) - len(run)
    if not run:
        k.close()
        res["kind"] = "refused"
        res["detail"] = "every export left out: " + dc.short_diag(next(iter(k.skips.values()), ""), wasm)
        return res
    node = dc.node_batch(wasm, base + ".node.log")
    node.start()
    if node.state != "ready":
        node.kill()
        k.kill()
        res["kind"], res["detail"] = "node-fail", "node: " + (node.reason or "failed")
        return res
    for func, args in run:
        a = node.invoke(func, args, opts.timeout)
        res["node"].append(a)
        if a == "timeout" or a.startswith("died") or a.startswith("error"):
            node.kill()
            k.kill()
            res["kind"], res["detail"] = "node-fail", "node: %s: %s" % (dc.call_text(func, args), a)
            return res
    node.close()
    errors = []
    for (func, args), n in zip(run, res["node"]):
        a = k.invoke(func, args, opts.kernel_timeout)
        res["kernel"].append(a)
        if a == "timeout" or a.startswith("died") or a.startswith("error"):
            if a.startswith("died"):
                res["crash"] = dc.is_crash(k.status)
            errors.append("%s: kernel %s" % (dc.call_text(func, args), a))
            k.kill()
            break
        if a != n:
            res["diffs"].append((dc.call_text(func, args), n, a))
            # the instances part here: later answers say nothing more
            break
        res["compared"] += 1
        res["agree_calls"] += 1
    k.close()
    if k.status is not None and dc.is_crash(k.status) and not k.killed:
        res["crash"] = True
        errors.append("wasm2bpf exited with %s" % dc.exit_desc(k.status))
    if res["diffs"]:
        c, n, a = res["diffs"][0]
        res["compared"] += 1
        res["kind"] = "differ"
        res["fuel"] = dc.LOOP_FUEL_TRAP in a
        res["limit"] = a == "trap " + RECURSION_TRAP and n != a
        res["detail"] = "%s: node %s, kernel %s" % (c, n, a)
    elif errors:
        res["kind"] = "error"
        res["detail"] = ("CRASH: " if res["crash"] else "") + "; ".join(errors[:3])
    else:
        res["kind"] = "agree"
    return res


def run_one(job):
    k, seed, source, work, cpu, opts = job
    name = "%s-%d-%d" % (source, opts.seed, k)
    make = gen_source if source == "gen" else ttf_source
    wasm, calls, wat = make(seed, work, name)
    if wasm is None:
        return name, source, {"kind": "error", "detail": calls, "crash": False, "node": [],
                              "kernel": [], "diffs": []}, None
    return name, source, run_calls(opts, wasm, calls, cpu), wat


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--source", choices=("gen", "ttf", "mix"), default="mix")
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--timeout", type=float, default=10, help="node's time per call (s)")
    ap.add_argument("--kernel-timeout", type=float, default=30, help="the kernel's time per call (s)")
    ap.add_argument("--w2b-arg", action="append", default=[], help="extra option for `wasm2bpf run`")
    ap.add_argument("--out", help="where to keep failing programs (default /tmp/w2b-generated-SEED)")
    ap.add_argument("--keep-all", action="store_true", help="keep every program's files in --out")
    ap.add_argument("--only", type=int, action="append", default=[],
                    help="run program K of the batch alone (repeatable): a failure again")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only what did not agree")
    opts = ap.parse_args()
    opts.wasm2bpf = os.path.abspath(opts.wasm2bpf)
    if opts.source != "gen" and not shutil.which(WASM_OPT):
        print("run_generated: %s not found (binaryen)" % WASM_OPT, file=sys.stderr)
        return 2

    outdir = os.path.abspath(opts.out or "/tmp/w2b-generated-%d" % opts.seed)
    work = tempfile.mkdtemp(prefix="w2b-generated-work-")
    cpus = sorted(os.sched_getaffinity(0))
    jobs = []
    for k in range(opts.count):
        if opts.only and k not in opts.only:
            continue
        source = opts.source if opts.source != "mix" else ("gen", "ttf")[k % 2]
        jobs.append((k, gen_programs.batch_seed(opts.seed, k), source, work, cpus[k % len(cpus)], opts))

    counts, sources, calls = collections.Counter(), collections.Counter(), collections.Counter()
    reasons = collections.defaultdict(collections.Counter)
    crashes = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
        for name, source, r, wat in ex.map(run_one, jobs):
            word = dc.classify(r)
            counts[word] += 1
            sources[source] += 1
            calls["compared"] += r.get("compared", 0)
            calls["agree"] += r.get("agree_calls", 0)
            calls["skipped"] += r.get("skipped_calls", 0)
            calls["accepted_" + source] += len(r.get("node", []))
            calls["total_" + source] += len(r.get("node", [])) + r.get("skipped_calls", 0)
            if word in ("REFUSED", "REJECTED", "DISCARD", "ERROR", "FUEL", "RECURSION"):
                reasons[word][dc.reason_key(r["detail"])] += 1
            if r.get("crash"):
                crashes.append(name)
            if word != "AGREE" or not opts.quiet:
                print("%s %s%s" % (word, name, ": " + r["detail"] if r.get("detail") else ""),
                      flush=True)
            if opts.keep_all or word in ("DIFFER", "ERROR", "REJECTED", "FUEL"):
                os.makedirs(outdir, exist_ok=True)
                for f in os.listdir(work):
                    if f.startswith(name + "."):
                        shutil.copy(os.path.join(work, f), outdir)
            for f in os.listdir(work):
                if f.startswith(name + "."):
                    os.unlink(os.path.join(work, f))
    shutil.rmtree(work, ignore_errors=True)

    for word in ("REFUSED", "REJECTED", "FUEL", "RECURSION", "ERROR", "DISCARD"):
        if reasons[word]:
            print("generated: %d %s" % (counts[word], word.lower()))
            for reason, n in reasons[word].most_common(12):
                print("  %4d  %s" % (n, reason[:300]))
    if crashes:
        print("generated: wasm2bpf crashed on %d: %s" % (len(crashes), " ".join(crashes)))
    if calls["total_ttf"]:
        print("generated: ttf calls wasm2bpf accepted and ran: %d of %d (%.0f%%)" % (
            calls["accepted_ttf"], calls["total_ttf"], 100.0 * calls["accepted_ttf"] / calls["total_ttf"]))
    if counts["DIFFER"] or counts["ERROR"] or counts["REJECTED"]:
        print("run_generated: failing programs kept in %s" % outdir, file=sys.stderr)
    print("generated: %d programs (%d gen, %d ttf): %d agree, %d differ, %d refused, %d rejected, "
          "%d fuel, %d recursion, %d error, %d discarded; calls: %d compared, %d agree, %d differ, %d skipped" % (
              sum(sources.values()), sources["gen"], sources["ttf"], counts["AGREE"], counts["DIFFER"],
              counts["REFUSED"], counts["REJECTED"], counts["FUEL"], counts["RECURSION"], counts["ERROR"],
              counts["DISCARD"], calls["compared"], calls["agree"], calls["compared"] - calls["agree"],
              calls["skipped"]))
    return 1 if counts["DIFFER"] or counts["REJECTED"] or counts["ERROR"] or crashes else 0


if __name__ == "__main__":
    sys.exit(main())
