#!/usr/bin/env python3
"""--skip-unsupported skips an entry whatever pass refuses what it reaches.

    tests/cli/test_skip_unsupported.py --wasm2bpf build/wasm2bpf

One module, five xdp exports (--all-exports=xdp): three reach something
only a pass after the entries are chosen refuses —

  fill        memory.fill of the packet, in a callee (ir/lower_memory.c)
  atomic      an atomic add on the packet (ir/lower_memory.c)
  who         bpf.get_current_pid_tgid, not for xdp (ir/lower_imports.c)
  leak        a map value pointer returned from its function
              (ir/lower_memory.c)

— and `good` and `second` are fine. With --skip-unsupported the compile
exits 0, the object holds exactly the two good programs, each refused one
is named in a warning with its located refusal, `wasm2bpf run --batch`
lists the same as `skip` lines, and the good program runs in the kernel
with the right result. Without the flag the compile exits 1 and writes
nothing. Prints PASS/FAIL lines and "cli_skip_unsupported: N passed, M
failed"; exit 1 if any failed. Needs wat2wasm, bpftool, root.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

MODULE = r"""
(module
  (import "bpf" "get_current_pid_tgid" (func $pid (result i64)))
  (import "bpf" "map_lookup_elem" (func $lookup (param i32 i32) (result i32)))
  (memory 1)
  ;; a map the SDK's way: its definition's address exported as w2b_map__NAME
  (data (i32.const 64) "\02\00\00\00\04\00\00\00\08\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00")
  (global (export "w2b_map__slots") i32 (i32.const 64))
  (func $fill (param $p i32)
    (memory.fill (local.get $p) (i32.const 0) (i32.const 4)))
  (func $value (result i32)
    (call $lookup (i32.const 64) (i32.const 0)))
  (func (export "fill") (param $pkt i32) (param $len i32) (result i32)
    (call $fill (local.get $pkt))
    (i32.const 2))
  (func (export "atomic") (param $pkt i32) (param $len i32) (result i32)
    (i32.atomic.rmw.add (local.get $pkt) (i32.const 1)))
  (func (export "who") (param $pkt i32) (param $len i32) (result i32)
    (i32.wrap_i64 (call $pid)))
  (func (export "leak") (param $pkt i32) (param $len i32) (result i32)
    (i32.load (call $value)))
  (func (export "good") (param $pkt i32) (param $len i32) (result i32)
    (i32.load8_u offset=13 (local.get $pkt)))
  (func (export "second") (param $pkt i32) (param $len i32) (result i32)
    (i32.const 2)))
"""

REFUSED = {
    "fill": r"0x[0-9a-f]+: error: func\[\d+\]: memory\.fill of the packet is not supported",
    "atomic": r"0x[0-9a-f]+: error: func\[\d+\] 'atomic': an atomic access to the packet",
    "who": r"0x[0-9a-f]+: error: func\[\d+\] 'who': bpf\.get_current_pid_tgid may not be called by xdp",
    "leak": r"0x[0-9a-f]+: error: func\[\d+\]: the value returned is the value map",
}

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail))


def run(*cmd, stdin=None):
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm2bpf", required=True)
    w2b = ap.parse_args().wasm2bpf
    with tempfile.TemporaryDirectory(prefix="w2b-skip-") as tmp:
        wat = os.path.join(tmp, "mixed.wat")
        wasm = os.path.join(tmp, "mixed.wasm")
        obj = os.path.join(tmp, "mixed.o")
        with open(wat, "w") as f:
            f.write(MODULE)
        p = run("wat2wasm", "--enable-threads", wat, "-o", wasm)
        if p.returncode:
            check("wat2wasm", False, p.stderr)
            return 1

        p = run(w2b, wasm, "--all-exports=xdp", "-o", obj)
        check("without --skip-unsupported: exit 1, no object",
              p.returncode == 1 and not os.path.exists(obj), "exit %d\n%s" % (p.returncode, p.stderr))

        p = run(w2b, wasm, "--all-exports=xdp", "--skip-unsupported", "-o", obj)
        check("with --skip-unsupported: exit 0", p.returncode == 0, "exit %d\n%s" % (p.returncode, p.stderr))
        for name, reason in REFUSED.items():
            m = re.search(r"warning: export '%s' left out \(--skip-unsupported\): .*%s" % (name, reason),
                          p.stderr)
            check("'%s' left out with its located refusal" % name, m is not None, p.stderr)
        if p.returncode == 0:
            btf = run("bpftool", "btf", "dump", "file", obj).stdout
            progs = set(re.findall(r"FUNC '(\w+)' type_id=\d+ linkage=global", btf))
            check("the object holds exactly the good programs", progs == {"good", "second"},
                  "programs %s" % sorted(progs))

        p = run(w2b, "run", wasm, "--all-exports=xdp", "--skip-unsupported", "--batch", stdin="")
        skipped = {bytes.fromhex(h).decode() for h in re.findall(r"^skip ([0-9a-f]+) ", p.stdout, re.M)}
        check("run --batch lists the same skips", skipped == set(REFUSED),
              "skipped %s\n%s%s" % (sorted(skipped), p.stdout, p.stderr))

        pkt = "00000000000000000000000000" + "2a"
        p = run(w2b, "run", wasm, "--all-exports=xdp", "--skip-unsupported", "--invoke", "good",
                "--packet", pkt)
        check("the good program runs in the kernel", p.stdout.strip() == "i32:42",
              "%s%s" % (p.stdout, p.stderr))
    passed = sum(results)
    print("cli_skip_unsupported: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
