#!/usr/bin/env python3
"""bpf_tail_call from a Wasm module, in the kernel.

    tests/kernel/test_tail_call.py BUILD_DIR

Loads BUILD_DIR/tests/tail_call/tail_call.bpf.o (tests/kernel/tailcall/
tail.c) with bpftool, programs and maps pinned, puts `second` at index 0 of
the prog_array `jumps`, and test-runs (BPF_PROG_TEST_RUN, several repeats):
- `second` on its own: its answer is the address of its own shadow stack
  frame, A;
- `dispatch` with index 0 (the frame's byte 14): the run goes on in
  `second`, whose answer is A again however many times it runs, so the
  tail call left no shadow stack behind;
- `dispatch` with index 1, where there is no program: the call returns,
  and dispatch answers 7.

Prints PASS/FAIL lines and "tail_call: N passed, M failed"; exit 1 on a failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

results = []


def check(what, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", what, "" if ok else ": " + detail), flush=True)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def test_run(prog, frame_path, repeat):
    p = run(["bpftool", "prog", "run", "pinned", prog, "data_in", frame_path, "repeat", str(repeat)])
    m = re.search(r"Return value: (\d+)", p.stdout)
    return int(m.group(1)) if m else "failed: " + (p.stderr or p.stdout).strip()[-300:]


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    obj = os.path.join(sys.argv[1], "tests", "tail_call", "tail_call.bpf.o")
    pin = "/sys/fs/bpf/w2b_tail_call_%d" % os.getpid()
    tmp = tempfile.mkdtemp(prefix="w2b-tail-")
    try:
        p = run(["bpftool", "prog", "loadall", obj, pin, "pinmaps", pin + "/maps"])
        check("tail_call.bpf.o loads", p.returncode == 0, p.stderr[-2000:])
        if p.returncode:
            return 1
        p = run(["bpftool", "map", "update", "pinned", pin + "/maps/jumps", "key", "0", "0", "0", "0",
                 "value", "pinned", pin + "/second"])
        check("second is jumps[0]", p.returncode == 0, p.stderr)
        frames = {}
        for index in (0, 1):
            path = os.path.join(tmp, "frame%d.bin" % index)
            with open(path, "wb") as f:
                f.write(bytes(14) + bytes([index]) + bytes(49))
            frames[index] = path
        alone = test_run(pin + "/second", frames[0], 1)
        check("second on its own answers its frame's address", isinstance(alone, int) and alone > 0,
              str(alone))
        for repeat in (1, 5, 50):
            got = test_run(pin + "/dispatch", frames[0], repeat)
            check("dispatch -> jumps[0] (repeat %d) answers second's frame address %s" % (repeat, alone),
                  got == alone, str(got))
        got = test_run(pin + "/dispatch", frames[1], 3)
        check("dispatch -> jumps[1] (no program) returns from the call: 7", got == 7, str(got))
        got = test_run(pin + "/second", frames[0], 1)
        check("second on its own afterwards: the same address", got == alone, str(got))
    finally:
        shutil.rmtree(pin, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("tail_call: %d passed, %d failed" % (results.count(True), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
