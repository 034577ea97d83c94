#!/usr/bin/env python3
"""validation_census.py — `wasm2bpf check` on every assert_invalid and
assert_malformed module of the whole spec testsuite.

    tests/spec/validation_census.py --wasm2bpf build/wasm2bpf [FILE ...] [-v]

run_spec.py runs the files of the integer subset in the kernel; this runs
every .wast file of the testsuite (the wabt-1.0.32-compatible revision where
there is one), converted as run_spec.py converts them (forms wast2json 1.0.32
cannot read are left out and counted), and asks `check` about each binary
module a file says is invalid or malformed. `check` must refuse it (exit 1).
An accepted one is a failure, whatever the file: a module outside the subset
must be refused as unsupported, never called valid. A refusal that is the
wrong kind (a crash, exit 2 or 4) is a failure too. The assertions of the
older revisions that the current spec reverses (run_spec.SUPERSEDED) are
left out.

Text-format assert_malformed modules (`module_type: text`) are the text
parser's business (wat2wasm) and are not counted.

Prints a line per file with counts, the accepted ones with -v, and
`census: N refused, M accepted, K other, L forms not convertible`; exits 1
if anything was accepted or crashed.
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_spec  # noqa: E402


def check(w2b, path):
    try:
        p = subprocess.run([w2b, "check", path], stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=60)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    return p.returncode, p.stderr.decode("utf-8", "replace").split("\n", 1)[0]


def census(w2b, suite, name, work):
    path = run_spec.find_wast(suite, name)
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    cmds = run_spec.convert(path, name, d)
    res = {"refused": 0, "accepted": [], "other": [], "lost": 0, "superseded": 0}
    for c in cmds:
        if c["type"] == "_dropped":
            res["lost"] += 1
            continue
        if c["type"] not in ("assert_invalid", "assert_malformed"):
            continue
        if c.get("module_type") != "binary":
            continue
        if (name, c["line"]) in run_spec.SUPERSEDED:
            res["superseded"] += 1
            continue
        st, first = check(w2b, c["filename"])
        item = (c["line"], c["type"], c.get("text", ""), st, first)
        if st == 1:
            res["refused"] += 1
        elif st == 0:
            res["accepted"].append(item)
        else:
            res["other"].append(item)
    return name, res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", help="spec files without .wast (default: all)")
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--suite", default=os.path.join(HERE, "..", "..", "..", "shared", "wasm-testsuite"))
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    w2b = os.path.abspath(a.wasm2bpf)
    names = a.files or sorted(f[:-5] for f in os.listdir(a.suite) if f.endswith(".wast"))
    work = tempfile.mkdtemp(prefix="w2b-census-")
    tot_ref = tot_acc = tot_other = tot_lost = 0
    try:
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            for name, r in ex.map(lambda n: census(w2b, a.suite, n, work), names):
                nacc, noth = len(r["accepted"]), len(r["other"])
                print("%s: %d refused, %d accepted, %d other, %d forms not convertible"
                      % (name, r["refused"], nacc, noth, r["lost"]), flush=True)
                for line, t, text, st, first in r["accepted"] + r["other"]:
                    if a.verbose or st != 0:
                        print("    %s.wast:%d: %s %r: exit %s: %s" % (name, line, t, text, st, first))
                    elif nacc:
                        print("    %s.wast:%d: %s %r: accepted" % (name, line, t, text))
                tot_ref += r["refused"]
                tot_acc += nacc
                tot_other += noth
                tot_lost += r["lost"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("census: %d refused, %d accepted, %d other, %d forms not convertible"
          % (tot_ref, tot_acc, tot_other, tot_lost))
    return 1 if tot_acc or tot_other else 0


if __name__ == "__main__":
    sys.exit(main())
