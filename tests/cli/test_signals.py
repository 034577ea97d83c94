#!/usr/bin/env python3
"""Killing wasm2bpf stops all of it.

    tests/cli/test_signals.py --wasm2bpf build/wasm2bpf

LLVM's code generation runs in a child process (backend-bpf/emit_codegen.c).
A module with one large function (8,000 statements: ~3 s before the child
starts, ~12 s in it) is compiled, and once the child exists the compiler is
killed (SIGTERM, as `timeout` does, then SIGKILL): within 2 s no process of
that compile may be left (the child ran on, for minutes on larger inputs).

`wasm2bpf run` makes its BPF_PROG_TEST_RUN in a child too (cli/run.c): a
process in that syscall cannot die before the kernel returns. A loop of
memory.fill over a 64 KiB memory, with fuel for all of it, runs for seconds
in the kernel (N passes, N calibrated by a first run to take >= 2 s). Once
the run's child exists, `wasm2bpf run` is sent SIGTERM, then (another run)
SIGKILL: the process the caller started must be gone within 1 s, and its
child within the kernel's remaining run time (the calibrated run's, plus
2 s). `timeout 1 wasm2bpf run ...` must return (124) within 2.5 s, its
child gone as soon.

Prints PASS/FAIL lines and "cli_signals: N passed, M failed"; exit 1 if any
failed. Needs wat2wasm, /proc, and root (BPF_PROG_TEST_RUN).
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


# Each pass fills the whole memory: ~0.1 ms in the kernel; the fuel
# (--max-loop-iters) lets every pass run.
SPIN_WAT = """(module
  (memory 1)
  (func (export "spin") (param $n i32) (result i32)
    (local $i i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (memory.fill (i32.const 0) (local.get $i) (i32.const 65536))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (i32.load8_u (i32.const 100))))
"""


def spin_cmd(w2b, wat, n):
    return [w2b, "run", wat, "--max-loop-iters=8388607", "--invoke", "spin", "i32:%d" % n]


def calibrate(w2b, wat):
    """(passes, seconds) for a run of at least 2 s in the kernel."""
    n = 20000
    while True:
        t = time.monotonic()
        subprocess.run(spin_cmd(w2b, wat, n), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        took = time.monotonic() - t
        if took >= 2 or n >= 4000000:
            return n, took
        n *= 2


def start_run(argv):
    """Starts a `wasm2bpf run` (argv) and waits for its test run's child:
    the compile's own child (code generation) is gone once the compile's
    note is printed. (process, its child's pid), or (process, None)."""
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for line in p.stderr:
        if b"note: instance state" in line:
            break
    deadline = time.monotonic() + 30
    kids = []
    while not kids and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.02)
        kids = children(p.pid)
    return p, kids[0] if kids else None


def wait_gone(pid, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and alive(pid):
        time.sleep(0.02)
    return not alive(pid)


def run_kill_case(w2b, wat, n, took, sig):
    p, kid = start_run(spin_cmd(w2b, wat, n))
    if kid is None:
        p.kill()
        p.wait()
        return "no test run child appeared"
    time.sleep(0.3)     # well inside the run
    t = time.monotonic()
    os.kill(p.pid, sig)
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    exited = time.monotonic() - t
    gone = wait_gone(kid, took + 2)
    print("    %s: wasm2bpf run exited %.3f s after the signal; its test run's child %s %.2f s "
          "after (a full run: %.2f s)" % (sig.name, exited, "went" if gone else "was still there",
                                            time.monotonic() - t, took), flush=True)
    if not gone:
        os.kill(kid, signal.SIGKILL)
    if exited > 1:
        return "wasm2bpf run took %.2f s to exit" % exited
    if not gone:
        return "its test run's child (pid %d) outlived the kernel's run" % kid
    return None


def run_timeout_case(w2b, wat, n, took):
    t = time.monotonic()
    p, kid = start_run(["timeout", "1"] + spin_cmd(w2b, wat, n))
    # the child found is wasm2bpf's: timeout's child is wasm2bpf itself
    w2b_pid = kid
    kid = None
    deadline = time.monotonic() + 5
    while w2b_pid and kid is None and time.monotonic() < deadline and alive(w2b_pid):
        kids = children(w2b_pid)
        kid = kids[0] if kids else None
        time.sleep(0.02)
    p.stderr.read()
    rc = p.wait()
    returned = time.monotonic() - t
    gone = kid is None or wait_gone(kid, took + 2)
    print("    timeout 1: returned %d after %.2f s; the test run's child %s" % (
        rc, returned, "gone" if gone else "still there"), flush=True)
    if not gone:
        os.kill(kid, signal.SIGKILL)
    if rc != 124:
        return "timeout returned %d, not 124 (the run ended first?)" % rc
    if returned > 2.5:
        return "timeout 1 returned after %.2f s" % returned
    if not gone:
        return "the test run's child outlived the kernel's run"
    return None


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
        spin = os.path.join(d, "spin.wat")
        with open(spin, "w") as f:
            f.write(SPIN_WAT)
        w2b = os.path.abspath(a.wasm2bpf)
        n, took = calibrate(w2b, spin)
        print("    calibration: %d passes run %.2f s" % (n, took), flush=True)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            why = run_kill_case(w2b, spin, n, took, sig)
            check("%s to wasm2bpf run during a long test run: it exits at once, its child "
                  "with the kernel's run" % sig.name, why is None, why or "")
        why = run_timeout_case(w2b, spin, n, took)
        check("timeout 1 wasm2bpf run returns promptly, nothing left behind", why is None, why or "")
    passed = sum(results)
    print("cli_signals: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
