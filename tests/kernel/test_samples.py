#!/usr/bin/env python3
"""The samples as the build made them (build/samples/NAME/NAME.wasm and
NAME.bpf.o): each object loads with bpftool, and each program gives the
right answers in the kernel through `wasm2bpf run`.

Closing line: "samples: N passed, M failed".
"""
import argparse
import os
import re
import subprocess
import sys

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail))


def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


ETH = "000000000001" "000000000002"
IP_UDP = "45000024" "00000000" "4011" "0000" "0a000001" "0a000002"      # 20 bytes
IP_TCP_OPTS = "46000028" "00000000" "4006" "0000" "0a000001" "0a000002" "01020304"  # IHL 6
PACKETS = [
    ("UDP to port 9 is dropped", ETH + "0800" + IP_UDP + "0035" "0009" "0010" "0000" + "deadbeefcafe", 1),
    ("UDP to port 53 passes", ETH + "0800" + IP_UDP + "0035" "0035" "0010" "0000" + "deadbeefcafe", 2),
    ("TCP to 6666 behind IP options is dropped",
     ETH + "0800" + IP_TCP_OPTS + "0035" "1a0a" + "00" * 16, 1),
    ("ARP passes", ETH + "0806" + "0001080006040001" + "00" * 20, 2),
    ("a runt frame passes", ETH + "0800" + "4500", 2),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--samples", required=True, help="build/samples")
    a = ap.parse_args()
    pin = "/sys/fs/bpf/w2b-test-samples-%d" % os.getpid()

    for name in ("collatz", "xdp_filter"):
        obj = os.path.join(a.samples, name, name + ".bpf.o")
        rc, out, err = run("bpftool", "prog", "loadall", obj, pin)
        check("%s.bpf.o loads with bpftool" % name, rc == 0, err)
        subprocess.run(["rm", "-rf", pin])

    wasm = os.path.join(a.samples, "collatz", "collatz.wasm")
    for args, want in ((["collatz_steps", "i64:27"], "i32:111"),
                       (["longest_below", "i32:10000"], "i32:6171"),
                       (["gcd_strict", "i32:1071", "i32:462"], "i32:21")):
        rc, out, err = run(a.wasm2bpf, "run", wasm, "--invoke", *args)
        check("collatz %s" % " ".join(args), rc == 0 and out == want, "%s %s %s" % (rc, out, err))
    rc, out, err = run(a.wasm2bpf, "run", wasm, "--invoke", "gcd_strict", "i32:5", "i32:0")
    # where: the function (the offset depends on clang's output)
    check("collatz gcd_strict(5, 0) traps", rc == 3 and
          bool(re.fullmatch(r"trap: integer divide by zero at func\[\d+\] 'gcd_strict', offset 0x[0-9a-f]+", out)),
          out)

    wasm = os.path.join(a.samples, "xdp_filter", "xdp_filter.wasm")
    for what, pkt, verdict in PACKETS:
        rc, out, err = run(a.wasm2bpf, "run", wasm, "--entry", "filter=xdp", "--invoke", "filter",
                           "--packet", pkt)
        check("xdp_filter: " + what, rc == 0 and out == "i32:%d" % verdict, "%s %s %s" % (rc, out, err))

    passed = sum(results)
    print("samples: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
