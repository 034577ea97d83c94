#!/usr/bin/env python3
"""Differential tests: C programs compiled to wasm32, run in node's
WebAssembly and in the kernel through wasm2bpf, results compared.

    tests/diff/run_diff.py --wasm2bpf build/wasm2bpf [--programs DIR] [--jobs N] [--keep]
                           [--variants O2,O0] [NAME ...]

Each tests/diff/programs/*.c is compiled once per variant (default -O2 and
-O0; each variant is a program of its own, named NAME.O2, NAME.O0; others:
O1, O3, Os, Oz, and the modifiers +bulk for -mbulk-memory and +nowasmopt to
link without binaryen's wasm-opt, e.g. --variants O2,O0,O1+bulk,O2+nowasmopt)
with the recipe of docs/c-recipe.md (programs/*.rs, #![no_std] single files:
with Debian's rustc at the variant's opt-level, panic=abort; programs/*.ts,
AssemblyScript: with asc at the variant's level, --runtime stub;
programs/*.wat: with wat2wasm, once, named NAME.wat), and every call its
header lists,

    // ARGS: FUNC TYPE:VALUE ...          (one call per line, in order)
    // VARIANTS: O3,O2+nowasmopt          (optional: overrides --variants for the file)
    // W2B-ARGS: --target-kernel=5.14     (optional: options of `wasm2bpf run` for the file)

is made in both, in that order, in one instance each (memory and globals
carry over from call to call on both sides; the wasm2bpf process is pinned
to one CPU, since its instance is per CPU). Output: one line per program,

    AGREE NAME                              every call gave the same answer
    DIFFER NAME: CALL: node X, kernel Y     (the first difference)
    REFUSED NAME: DIAGNOSTIC                wasm2bpf refused the module or a called export
    REJECTED NAME: ...                      the kernel's verifier rejected what wasm2bpf
                                            built (its exit 2)
    ERROR NAME: ...                         clang, node, a timeout, a crash (CRASH:
                                            exit > 3 or a signal)

then `diff: K refused` and `diff: K rejected by the kernel verifier`, each
with the reasons grouped, then the last line `diff: N passed, M failed`
(passed: every call agreed; failed: DIFFER or ERROR; refusals and kernel
rejections are neither, and are listed). Exit 1 if anything failed.
"""

import argparse
import collections
import concurrent.futures
import os
import re
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diffcommon as dc  # noqa: E402

ARGS_RE = re.compile(r"^\s*(?://+|;;+|\*)?\s*ARGS:\s*(\S.*?)\s*(?:\*/)?\s*$")
VARIANTS_RE = re.compile(r"^\s*(?://+|;;+|\*)?\s*VARIANTS:\s*(\S.*?)\s*(?:\*/)?\s*$")
W2B_ARGS_RE = re.compile(r"^\s*(?://+|;;+|\*)?\s*W2B-ARGS:\s*(\S.*?)\s*(?:\*/)?\s*$")


def file_w2b_args(path):
    """A `;; W2B-ARGS: --target-kernel=5.14` line: options of `wasm2bpf run`
    for this file, after --w2b-arg's (a failure that needs a target)."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = W2B_ARGS_RE.match(line)
            if m:
                return m.group(1).split()
    return []


def file_variants(path):
    """A `// VARIANTS: O3,O2+nowasmopt` line overrides --variants for the file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = VARIANTS_RE.match(line)
            if m:
                return [v.strip() for v in m.group(1).split(",") if v.strip()]
    return None


def parse_calls(path):
    calls = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = ARGS_RE.match(line)
            if m:
                toks = m.group(1).split()
                calls.append((toks[0], toks[1:]))
    return calls


def run_one(job):
    (src, variant, name, work, cpu, opts) = job
    calls = parse_calls(src)
    if not calls:
        return name, {"kind": "error", "detail": "no ARGS lines in %s" % src, "crash": False}
    wasm = os.path.join(work, name + ".wasm")
    if src.endswith(".wat"):
        err = dc.compile_wat(src, wasm)
        if err:
            return name, {"kind": "error", "detail": "wat2wasm: " + err, "crash": False}
    elif src.endswith(".rs"):
        err = dc.compile_rust(src, wasm, variant, opts.stack_size)
        if err:
            return name, {"kind": "error", "detail": "rustc: " + err, "crash": False}
    elif src.endswith(".ts"):
        err = dc.compile_as(src, wasm, variant)
        if err:
            return name, {"kind": "error", "detail": "asc: " + err, "crash": False}
    else:
        err = dc.compile_c([src], wasm, variant, opts.stack_size,
                           include_dirs=[os.path.dirname(os.path.abspath(src))])
        if err:
            return name, {"kind": "error", "detail": "clang: " + err, "crash": False}
    r = dc.run_module(opts.wasm2bpf, wasm, calls, cpu=cpu, timeout=opts.timeout,
                      w2b_extra=list(opts.w2b_arg) + file_w2b_args(src))
    if r["kind"] == "node-fail":
        r["kind"] = "error"
    return name, r


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm2bpf", required=True, help="the wasm2bpf binary")
    ap.add_argument("--programs", default=os.path.join(dc.HERE, "programs"), help="directory of *.c and *.rs")
    ap.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--keep", action="store_true", help="keep the work directory (printed on stderr)")
    ap.add_argument("--work", help="work directory (kept; default: a temporary one)")
    ap.add_argument("--variants", default="O2,O0",
                    help="comma-separated: O0..O3/Os/Oz, +bulk adds -mbulk-memory, +nowasmopt links without wasm-opt (default O2,O0)")
    ap.add_argument("--stack-size", type=int, default=8192, help="-Wl,-z,stack-size (default 8192)")
    ap.add_argument("--timeout", type=float, default=20, help="seconds per call (default 20)")
    ap.add_argument("--w2b-arg", action="append", default=[],
                    help="extra option for `wasm2bpf run` (repeatable), e.g. --w2b-arg=--mcpu=v4")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every differing call")
    ap.add_argument("names", nargs="*", help="only these programs (file stems)")
    opts = ap.parse_args()
    opts.wasm2bpf = os.path.abspath(opts.wasm2bpf)

    variants = [v.strip() for v in opts.variants.split(",") if v.strip()]
    for v in variants:
        try:
            dc.parse_variant(v)
        except ValueError as e:
            ap.error(str(e))
    srcs = sorted(f for f in os.listdir(opts.programs) if f.endswith((".c", ".rs", ".ts", ".wat")))
    if opts.names:
        srcs = [f for f in srcs if os.path.splitext(f)[0] in opts.names]
    if not srcs:
        print("run_diff: no programs", file=sys.stderr)
        return 2

    if opts.work:
        work = os.path.abspath(opts.work)
        os.makedirs(work, exist_ok=True)
    else:
        work = tempfile.mkdtemp(prefix="w2b-diff-")
    cpus = sorted(os.sched_getaffinity(0))
    jobs = []
    for s in srcs:
        own = file_variants(os.path.join(opts.programs, s)) or (["wat"] if s.endswith(".wat") else None)
        for v in own or variants:
            try:
                if v != "wat":
                    dc.parse_variant(v)
            except ValueError as e:
                ap.error("%s: %s" % (s, e))
            name = "%s.%s" % (os.path.splitext(s)[0], v)
            jobs.append((os.path.join(opts.programs, s), v, name, work,
                         cpus[len(jobs) % len(cpus)], opts))

    results = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as ex:
        for name, r in ex.map(run_one, jobs):
            results[name] = r
            if r["kind"] == "error" and r.get("kernel_rejected"):
                r["kind"] = "rejected"
            word = {"agree": "AGREE", "differ": "DIFFER", "refused": "REFUSED",
                    "rejected": "REJECTED"}.get(r["kind"], "ERROR")
            print("%s %s%s" % (word, name, ": " + r["detail"] if r["detail"] else ""), flush=True)
            if opts.verbose and r["kind"] == "differ":
                for c, n, a in r["diffs"]:
                    print("    %s: node %s, kernel %s" % (c, n, a))

    passed = sum(1 for r in results.values() if r["kind"] == "agree")
    failed = sum(1 for r in results.values() if r["kind"] in ("differ", "error"))
    refused = [r for r in results.values() if r["kind"] == "refused"]
    crashes = [n for n, r in sorted(results.items()) if r.get("crash")]
    if crashes:
        print("diff: wasm2bpf crashed on %d: %s" % (len(crashes), " ".join(crashes)))
    if refused:
        print("diff: %d refused" % len(refused))
        groups = collections.Counter(dc.reason_key(r["detail"]) for r in refused)
        for reason, n in groups.most_common():
            print("  %4d  %s" % (n, reason))
    rejected = [r for r in results.values() if r["kind"] == "rejected"]
    if rejected:
        # wasm2bpf compiled these but the kernel's verifier would not load
        # them: no answer to compare, and not a wrong one, but the product
        # falling short: listed on their own line, never hidden.
        print("diff: %d rejected by the kernel verifier" % len(rejected))
        groups = collections.Counter(dc.reason_key(r["detail"]) for r in rejected)
        for reason, n in groups.most_common():
            print("  %4d  %s" % (n, reason))
    if opts.keep or opts.work:
        print("run_diff: work directory %s" % work, file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("diff: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
