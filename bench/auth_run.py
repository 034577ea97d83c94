#!/usr/bin/env python3
"""Run samples/auth's program on HTTP request frames with BPF_PROG_TEST_RUN.

    sudo bench/auth_run.py build                  # build/samples/auth/auth.bpf.o
    sudo bench/auth_run.py build --obj X.bpf.o --repeat 1000000

Loads the object with `bpftool prog load OBJ PIN` (its section is "tc": a
sched_cls program), then for each frame (Ethernet + IPv4 + TCP to port 8080
+ the request curl 7.88 sends; the valid one carries an HS256 bearer token)
runs `bpftool prog run pinned PIN data_in FRAME repeat N` and prints the
verdict (0 TC_ACT_OK, 2 TC_ACT_SHOT), the average ns per run, and the
loaded program's size (`bytes_xlated` / 8 from `bpftool prog show -j`).
Every run logs a line (bpf_trace_printk) and bumps auth_stats, so ns/run
includes both. Exit 0 when the verdicts are right, 1 if not, 2 on setup
failure. tests/kernel/test_auth_e2e.py imports this module.
"""
import argparse
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

TOKEN = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.x.y"
SERVER, CLIENT = "10.203.0.1", "10.203.0.2"


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def http_request(headers=()):
    """What `curl -H H... http://SERVER:8080/` (curl 7.88) sends."""
    lines = ["GET / HTTP/1.1", "Host: %s:8080" % SERVER, "User-Agent: curl/7.88.1", "Accept: */*"]
    return ("\r\n".join(lines + list(headers)) + "\r\n\r\n").encode()


def tcp_frame(payload, sport=41000, dport=8080, src=CLIENT, dst=SERVER):
    """Ethernet + IPv4 (checksummed) + TCP (PSH|ACK, timestamps option, as
    Linux sends) + payload."""
    opts = b"\x01\x01\x08\x0a" + struct.pack("!II", 123456, 654321)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1000, 2000, (5 + len(opts) // 4) << 4, 0x18,
                      502, 0, 0) + opts + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0x1234, 0x4000, 64, 6, 0,
                     bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return bytes.fromhex("020000000001" "020000000002" "0800") + ip + tcp


FRAMES = [
    # name, frame, expected verdict
    ("valid token", tcp_frame(http_request(["Authorization: Bearer " + TOKEN])), 0),
    ("wrong token", tcp_frame(http_request(["Authorization: Bearer abc"])), 2),
    ("no header", tcp_frame(http_request()), 2),
    ("ACK without payload", tcp_frame(b""), 0),
    ("to port 8081", tcp_frame(http_request(), dport=8081), 0),
]


def sh(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def load(obj, pin):
    rc, out, err = sh("bpftool", "prog", "load", obj, pin)
    if rc:
        raise RuntimeError("bpftool prog load %s %s: %s" % (obj, pin, err or out))
    rc, out, err = sh("bpftool", "prog", "show", "pinned", pin, "-j")
    if rc:
        raise RuntimeError("bpftool prog show pinned %s: %s" % (pin, err))
    return json.loads(out)


def run(pin, frame, repeat, tmpdir):
    """(verdict, ns per run) of `bpftool prog run` on frame."""
    path = os.path.join(tmpdir, "frame.bin")
    with open(path, "wb") as f:
        f.write(frame)
    rc, out, err = sh("bpftool", "prog", "run", "pinned", pin, "data_in", path, "repeat", str(repeat))
    m = re.search(r"Return value: (\d+), duration(?: \(average\))?: (\d+)ns", out)
    if rc or not m:
        raise RuntimeError("bpftool prog run pinned %s data_in %s repeat %d: %s %s" % (pin, path, repeat, out, err))
    return int(m.group(1)), int(m.group(2))


def measure(obj, repeat, log=print, frames=None):
    """Load obj, run every (name, frame, verdict) of frames (default
    FRAMES); True when every verdict is right."""
    pin = "/sys/fs/bpf/w2b-auth-run-%d" % os.getpid()
    ok = True
    try:
        info = load(obj, pin)
        log("%s: program %s (%s), %d xlated insns, %d JITed bytes" % (
            obj, info.get("name"), info.get("type"), info.get("bytes_xlated", 0) // 8,
            info.get("bytes_jited", 0)))
        with tempfile.TemporaryDirectory() as tmp:
            for name, frame, want in frames or FRAMES:
                verdict, ns = run(pin, frame, repeat, tmp)
                good = verdict == want
                ok &= good
                log("  %-20s %4d bytes  verdict %d%s  %6d ns/run (repeat %d)" % (
                    name, len(frame), verdict, "" if good else " (WRONG: want %d)" % want, ns, repeat))
    finally:
        if os.path.exists(pin):
            os.unlink(pin)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="the build directory (build/samples/auth/auth.bpf.o)")
    ap.add_argument("--obj", help="the object to run instead")
    ap.add_argument("--repeat", type=int, default=100000)
    a = ap.parse_args()
    obj = a.obj or os.path.join(a.build, "samples", "auth", "auth.bpf.o")
    if not os.path.exists(obj):
        print("no %s: build the samples first" % obj)
        return 2
    try:
        return 0 if measure(obj, a.repeat) else 1
    except RuntimeError as e:
        print("error:", e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
