#!/usr/bin/env python3
"""Killing wasm2bpf stops all of it.

    tests/cli/test_signals.py --wasm2bpf build/wasm2bpf

LLVM's code generation runs in a child process (backend-bpf/emit_codegen.c).
A module with one large function (8,000 statements: ~3 s before the child
starts, ~12 s in it) is compiled, and once the child exists the compiler is
killed (SIGTERM, as `timeout` does, then SIGKILL): within 2 s no process of
that compile may be left (the child ran on, for minutes on larger inputs).

Prints PASS/FAIL lines and "cli_signals: N passed, M failed"; exit 1 if any
failed. Needs wat2wasm and /proc.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


def children(pid):
    """The pids whose parent is pid."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def run_case(w2b, wasm, out, sig):
    p = subprocess.Popen([w2b, "--all-exports", wasm, "-o", out], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    kids = []
    deadline = time.monotonic() + 60
    while not kids and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.1)
        kids = children(p.pid)
    if not kids:
        p.kill()
        p.wait()
        return "the compiler made no child process (it finished or failed first)"
    os.kill(p.pid, sig)
    p.wait()
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and any(alive(k) for k in kids):
        time.sleep(0.05)
    left = [k for k in kids if alive(k)]
    for k in left:
        os.kill(k, signal.SIGKILL)
    return "code generation (pid %s) still running 2 s after" % left if left else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm2bpf", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="w2b-cli-signals-") as d:
        body = " ".join("(local.set $s (i32.add (i32.mul (local.get $s) (i32.const %d)) "
                        "(i32.load (i32.and (local.get $s) (i32.const 1020)))))" % (7 * k + 1)
                        for k in range(8000))
        wat, wasm = os.path.join(d, "big.wat"), os.path.join(d, "big.wasm")
        with open(wat, "w") as f:
            f.write('(module (memory 1) (func (export "f") (result i32) (local $s i32) %s '
                    '(local.get $s)))' % body)
        subprocess.run(["wat2wasm", wat, "-o", wasm], check=True)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            why = run_case(os.path.abspath(a.wasm2bpf), wasm, os.path.join(d, "out.o"), sig)
            check("%s to the compiler during code generation stops it all" % sig.name, why is None, why or "")
    passed = sum(results)
    print("cli_signals: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
