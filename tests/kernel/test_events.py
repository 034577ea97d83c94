#!/usr/bin/env python3
"""`wasm2bpf events`: a loaded program's ring buffer records, decoded.

    tests/kernel/test_events.py WASM2BPF BUILD_DIR

Loads BUILD_DIR/tests/ringbuf_events/ringbuf_events.bpf.o (tests/kernel/
ringbuf/events.c, built with -g: its ring buffer `events` is
W2B_RINGBUF_OF struct event) with bpftool, maps pinned, runs its XDP
program on an IPv4 frame three times and an ARP frame once, then:
- `wasm2bpf events --pinned PIN --count 4` prints four lines decoded by
  the event type it finds in the loaded program's BTF:
  `events: (struct event){.len = (unsigned int)60,.ethertype = (unsigned short)2048,...}`;
- the buffer is drained: `--timeout 1` then prints nothing;
- `--map-id ID` finds the same map, `--raw` prints the bytes in hex
  (len 60 is 3c000000), and a missing map is exit 2 with a message.

Prints PASS/FAIL lines and "events: N passed, M failed"; exit 1 on a failure.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

results = []


def check(what, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", what, "" if ok else ": " + detail), flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, **kw)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    w2b, build = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    obj = os.path.join(build, "tests", "ringbuf_events", "ringbuf_events.bpf.o")
    pin = "/sys/fs/bpf/w2b_events_%d" % os.getpid()
    tmp = tempfile.mkdtemp(prefix="w2b-events-")
    try:
        p = run(["bpftool", "prog", "loadall", obj, pin, "pinmaps", pin + "/maps"])
        check("ringbuf_events.bpf.o loads", p.returncode == 0, p.stderr[-1500:])
        if p.returncode:
            return 1
        frames = {"ipv4": bytes.fromhex("020000000001020000000002080045000000") + bytes(42),
                  "arp": bytes.fromhex("ffffffffffff020000000002080600010800") + bytes(24)}
        for name, frame in frames.items():
            path = os.path.join(tmp, name + ".bin")
            with open(path, "wb") as f:
                f.write(frame)
            p = run(["bpftool", "prog", "run", "pinned", pin + "/watch", "data_in", path,
                     "repeat", "3" if name == "ipv4" else "1"])
            check("test run on the %s frame" % name, p.returncode == 0, p.stderr)
        ring = pin + "/maps/events"
        p = run([w2b, "events", "--pinned", ring, "--count", "4"])
        lines = p.stdout.splitlines()
        check("events --count 4: four lines", p.returncode == 0 and len(lines) == 4, p.stdout + p.stderr)
        want = "events: (struct event){.len = (unsigned int)60,.ethertype = (unsigned short)2048,"
        check("the IPv4 records decoded by their BTF type", len(lines) == 4 and
              all(l.startswith(want) for l in lines[:3]), "\n".join(lines))
        check("the ARP record: len 42, ethertype 2054", len(lines) == 4 and
              lines[3].startswith("events: (struct event){.len = (unsigned int)42,"
                                  ".ethertype = (unsigned short)2054,"), lines[3] if len(lines) == 4 else "")
        p = run([w2b, "events", "--pinned", ring, "--timeout", "1"])
        check("drained: --timeout 1 prints nothing", p.returncode == 0 and not p.stdout, p.stdout + p.stderr)
        frame = os.path.join(tmp, "ipv4.bin")
        run(["bpftool", "prog", "run", "pinned", pin + "/watch", "data_in", frame])
        info = json.loads(run(["bpftool", "-j", "map", "show", "pinned", ring]).stdout)
        p = run([w2b, "events", "--map-id", str(info["id"]), "--raw", "--count", "1"])
        check("--map-id ID --raw: the record's bytes (len 60: 3c000000)",
              p.returncode == 0 and p.stdout.startswith("events: 3c000000"), p.stdout + p.stderr)
        p = run([w2b, "events", "--pinned", pin + "/nothing"])
        check("a missing pin: exit 2, with a message", p.returncode == 2 and "nothing pinned at" in p.stderr,
              p.stderr)
    finally:
        shutil.rmtree(pin, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("events: %d passed, %d failed" % (results.count(True), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
