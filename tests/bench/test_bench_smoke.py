#!/usr/bin/env python3
"""bench_smoke: bench/perf.py end to end with very few runs.

    sudo tests/bench/test_bench_smoke.py --wasm2bpf BUILD/wasm2bpf

Runs `bench/perf.py --quick` (a handful of runs, one round, a tiny size
series) into a temporary directory and checks only what must hold on any
machine: every packet workload and compute kernel builds on both sides
(native clang and wasm2bpf), loads, and the two sides agree — the verdicts
and observable results perf.py checks itself (its exit status), and a
"results_agree,yes" line per workload in perf.csv; the generated size
modules compile, load and compute the right value. Never a timing assert:
the numbers of a quick run mean nothing.

perf.py's plot needs Debian's python3-matplotlib (scripts/setup.sh installs
it); without it the test passes --no-plot and says so. Exit 0 on success,
1 on failure.
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PERF = os.path.join(ROOT, "bench", "perf.py")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "bench"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wasm2bpf", required=True)
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("bench_smoke: needs root (loads and runs BPF programs)")
        return 1
    # perf.py runs under Debian's python (its shebang), where matplotlib is
    plot = subprocess.run(["/usr/bin/python3", "-c", "import matplotlib"],
                          capture_output=True).returncode == 0
    with tempfile.TemporaryDirectory(prefix="w2b-bench-smoke-") as out:
        cmd = ["/usr/bin/python3", PERF, "--wasm2bpf", args.wasm2bpf, "--quick",
               "--runs", "3", "--rounds", "1", "--warmup", "6", "--repeat", "5",
               "--series", "funcs:10,50;body:500", "--out-dir", out]
        if not plot:
            print("bench_smoke: no matplotlib for /usr/bin/python3: --no-plot")
            cmd.append("--no-plot")
        p = subprocess.run(cmd, capture_output=True, text=True)
        sys.stdout.write(p.stderr)
        if p.returncode:
            print(f"FAIL bench/perf.py --quick exited {p.returncode}")
            return 1
        with open(os.path.join(out, "perf.csv")) as fh:
            rows = list(csv.DictReader(fh))
        agree = {r["name"]: r["value"] for r in rows if r["metric"] == "results_agree"}
        import perf  # noqa: E402  (the workload list)
        import run_bench  # noqa: E402

        ok = True
        for name in list(perf.WORKLOADS) + list(run_bench.KERNELS):
            if agree.get(name) != "yes":
                print(f"FAIL {name}: results_agree is {agree.get(name)!r}")
                ok = False
        outcomes = [r for r in rows if r["section"] == "size" and r["metric"] == "outcome"]
        for r in outcomes:
            if r["value"] != "loads, right result":
                print(f"FAIL size series {r['name']}: {r['value']}")
                ok = False
        for f in ("perf.md", "perf.csv") + (("perf.png",) if plot else ()):
            if not os.path.getsize(os.path.join(out, f)):
                print(f"FAIL {f} is empty")
                ok = False
        print(f"bench_smoke: {'PASS' if ok else 'FAIL'}: {len(agree)} workloads agree, "
              f"{len(outcomes)} generated modules")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
