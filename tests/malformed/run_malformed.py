#!/usr/bin/env python3
"""Runs every malformed binary in cases.txt through a command.

    run_malformed.py --cmd 'wasm2bpf {file} -o {dir}/out.o' [--cases FILE] [--status N]

cases.txt holds one case per line, `NAME | HEX BYTES | EXPECTED`, where
EXPECTED is the exact first line of stderr with the input's path written as
FILE. Each case is written to NAME.wasm in a fresh temporary directory and
the command is run with {file} replaced by that path and {dir} by the
directory. A case passes if the command exits with status 1 (or N), the
first line of its stderr is the expected one, and nothing but the input is
left in the directory: a rejected input must not leave a (half-written)
output behind.

Prints `PASS name` or `FAIL name: why` per case, then
`malformed: N passed, M failed`; exits 1 if any case failed.
"""
import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def read_cases(path):
    cases = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = [x.strip() for x in line.split("|", 2)]
            if len(fields) != 3 or not fields[0]:
                sys.exit(f"{path}:{lineno}: expected NAME | HEX BYTES | EXPECTED")
            try:
                data = bytes.fromhex(fields[1])
            except ValueError:
                sys.exit(f"{path}:{lineno}: bad hex bytes")
            cases.append((fields[0], data, fields[2]))
    names = [c[0] for c in cases]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        sys.exit(f"{path}: duplicate case names: {', '.join(sorted(dups))}")
    return cases


def run_case(cmd, name, data, expected, timeout, status=1):
    tmp = tempfile.mkdtemp(prefix="w2b-malformed-")
    try:
        path = os.path.join(tmp, name + ".wasm")
        with open(path, "wb") as f:
            f.write(data)
        command = cmd.replace("{file}", shlex.quote(path)).replace("{dir}", shlex.quote(tmp))
        try:
            p = subprocess.run(command, shell=True, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return f"timed out after {timeout}s"
        stderr = p.stderr.decode("utf-8", "replace")
        first = stderr.split("\n", 1)[0]
        want = expected.replace("FILE", path)
        left = sorted(set(os.listdir(tmp)) - {name + ".wasm"})
        if p.returncode != status:
            return f"exit status {p.returncode}, expected {status} (stderr: {first!r})"
        if first != want:
            return f"stderr {first!r}, expected {want!r}"
        if left:
            return f"left behind: {', '.join(left)}"
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmd", required=True, help="command; {file} is the input, {dir} its directory")
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.txt"))
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--status", type=int, default=1, help="the exit status every case must have")
    args = ap.parse_args()

    passed = failed = 0
    for name, data, expected in read_cases(args.cases):
        why = run_case(args.cmd, name, data, expected, args.timeout, args.status)
        if why is None:
            passed += 1
            print(f"PASS {name}")
        else:
            failed += 1
            print(f"FAIL {name}: {why}")
    print(f"malformed: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
