#!/usr/bin/env python3
"""What a hostile module's size can cost: each budget of docs/cli.md
("Budgets"), compiled or refused within its stated time and memory.

    tests/cli/test_budgets.py --wasm2bpf build/wasm2bpf

Each case is a generated module (text, or binary where wabt's text parser
cannot take it) compiled with --all-exports; the check is its exit status,
its message (located, naming the Wasm function), and its wall time and
peak memory (the compiler and its children, from wait4) against a bound
set at about 5x what the 2-core build machine measured, so that a loaded
machine passes and a quadratic or exponential regression does not:

  function-over-instruction-budget  one function of 204,002 instructions:
                                    refused (ir/budgets.c), was 253 s
  ifs-nested-over-budget            10,000 nested ifs (binary): refused
  nesting-too-deep                  20,000 nested blocks (binary): refused
                                    before binaryen, which overflowed its
                                    stack on it (signal 11)
  nesting-a-million                 1,000,000 nested blocks: refused
  ifs-nested-text-too-deep-for-wabt 10,000 nested ifs as text: wabt's
                                    parser crashes; an error, not an ICE
  ifs-nested-1000                   1,000 nested ifs: compiled
  functions-20000                   20,000 functions, 100 reached: compiled
  loops-nested-1000                 1,000 nested loops: refused (frames)

Prints PASS/FAIL lines and "cli_budgets: N passed, M failed"; exit 1 if
any failed. Needs wat2wasm.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


def leb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        if (v == 0 and not b & 0x40) or (v == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def binary_module(body_code):
    """A module with one exported function f (i32) -> i32 whose body is
    body_code (no locals, the final `end` included)."""
    def section(i, payload):
        return bytes([i]) + leb(len(payload)) + payload
    body = b"\x00" + body_code
    body = leb(len(body)) + body
    return (b"\0asm\1\0\0\0" + section(1, b"\x01\x60\x01\x7f\x01\x7f") + section(3, b"\x01\x00")
            + section(7, b"\x01\x01f\x00\x00") + section(10, b"\x01" + body))


def nested_ifs_binary(n):
    code = bytearray()
    for k in range(n):
        code += b"\x20\x00\x41" + sleb(k) + b"\x4b\x04\x40"   # local.get 0; i32.const k; gt_u; if
    return binary_module(bytes(code) + b"\x0b" * n + b"\x20\x00\x0b")


def nested_blocks_binary(n):
    return binary_module(b"\x02\x40" * n + b"\x0b" * n + b"\x20\x00\x0b")


def long_function_text(statements):
    out = ['(module (func (export "f") (param i32) (result i32)']
    for k in range(statements):
        out.append(' local.get 0 i32.const %d i32.xor i32.const %d i32.rotl local.set 0'
                   % (k * 7 + 1, k % 13 + 1))
    out.append(' local.get 0))')
    return "\n".join(out)


def nested_ifs_text(n):
    out = ['(module (func (export "f") (param i32) (result i32)']
    for k in range(n):
        out.append(' local.get 0 i32.const %d i32.gt_u (if (then local.get 0 i32.const %d '
                   'i32.add local.set 0' % (k, k + 1))
    out.append(')' * (2 * n))
    out.append(' local.get 0))')
    return "\n".join(out)


def functions_text(n, reached):
    out = ['(module']
    for k in range(n):
        out.append('(func $f%d (param i32) (result i32) local.get 0 i32.const %d i32.add '
                   'i32.const 3 i32.mul)' % (k, k))
    out.append('(func (export "main") (param i32) (result i32) local.get 0 %s))'
               % " ".join("call $f%d" % k for k in range(reached)))
    return "\n".join(out)


def nested_loops_text(n):
    body = "(br_if 0 (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0)))"
    for _ in range(n):
        body = "(loop %s %s)" % (body, "(br_if 0 (i32.eqz (local.get 1)))")
    return ('(module (func (export "f") (param i32) (result i32) (local i32) %s (local.get 1)))'
            % body)


def compile_measured(w2b, path, out):
    """Runs the compiler; (exit status, stderr, seconds, peak KiB)."""
    t0 = time.monotonic()
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([w2b, path, "--all-exports", "-o", out], stdout=subprocess.DEVNULL,
                             stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - t0
        err.seek(0)
        text = err.read().decode(errors="replace")
    return p.returncode, text, seconds, usage.ru_maxrss


def case(w2b, tmp, name, content, binary, want_exit, want_msg, max_s, max_mib):
    path = os.path.join(tmp, name + (".wasm" if binary else ".wat"))
    with open(path, "wb" if binary else "w") as f:
        f.write(content)
    code, err, secs, kib = compile_measured(w2b, path, os.path.join(tmp, name + ".o"))
    line = next((l for l in err.splitlines() if "error" in l), err.strip()[:300])
    detail = "exit %d in %.1f s, %d MiB: %s" % (code, secs, kib // 1024, line[:300])
    print("  %s: %s" % (name, detail), flush=True)
    check(name + " exit", code == want_exit, detail)
    if want_msg:
        check(name + " message", re.search(want_msg, err), detail)
    check(name + " time", secs < max_s, "%.1f s, budget %d s" % (secs, max_s))
    check(name + " memory", kib < max_mib * 1024, "%d MiB, budget %d MiB" % (kib // 1024, max_mib))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--wasm2bpf", required=True)
    a = ap.parse_args()
    w2b = os.path.abspath(a.wasm2bpf)
    located = r":0x[0-9a-f]+: error: func\[0\] 'f': "
    with tempfile.TemporaryDirectory() as tmp:
        case(w2b, tmp, "function-over-instruction-budget", long_function_text(34000), False, 1,
             located + r"the function has 204,002 instructions, more than the 100,000", 30, 1024)
        case(w2b, tmp, "ifs-nested-over-budget", nested_ifs_binary(10000), True, 1,
             located + r"`if`s nested 10,000 deep, more than the 1,024", 30, 1024)
        case(w2b, tmp, "nesting-too-deep", nested_blocks_binary(20000), True, 1,
             located + r"blocks nested 20,000 deep, more than the 10,000", 30, 1024)
        case(w2b, tmp, "nesting-a-million", nested_blocks_binary(1000000), True, 1,
             located + r"blocks nested 1,000,000 deep", 60, 3072)
        case(w2b, tmp, "ifs-nested-text-too-deep-for-wabt", nested_ifs_text(10000), False, 1,
             r"error: wat2wasm \(wabt\) crashed reading the text", 30, 1024)
        case(w2b, tmp, "ifs-nested-1000", nested_ifs_text(1000), False, 0, None, 120, 1024)
        case(w2b, tmp, "functions-20000", functions_text(20000, 100), False, 0, None, 60, 1024)
        case(w2b, tmp, "loops-nested-1000", nested_loops_text(1000), False, 1,
             r"error: func\[0\] 'f'", 30, 1024)
    failed = results.count(False)
    print("cli_budgets: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
