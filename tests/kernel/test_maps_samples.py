#!/usr/bin/env python3
"""The map samples (counters, ratelimit, blocklist) in the kernel.

    sudo tests/kernel/test_maps_samples.py BUILD_DIR

Each BUILD_DIR/samples/NAME/NAME.bpf.o is loaded with `bpftool prog load`
(pinned under a per-run bpffs directory /sys/fs/bpf/w2b-maps-PID), frames
run through it with BPF_PROG_TEST_RUN (`bpftool prog run pinned PIN
data_in FILE repeat N`: N runs, the last one's verdict printed), and its
maps are read with `bpftool map dump id ID -j` (the maps found through the
program's map_ids, so no other object's maps of the same name get in):

- counters, counters-rust and counters-as (the same policy in Rust and
  in AssemblyScript, through their SDKs): UDP, TCP, ICMP, ARP and IPv6/ICMPv6 frames, each run a
  different number of times; proto_stats summed over CPUs must count
  exactly those packets and bytes under 17, 6, 1, 255 (not IP) and 58.
- ratelimit (RATE 10/s, BURST 5): five runs from one source in one burst
  pass (the last verdict is XDP_PASS), twenty more at once end dropped
  (XDP_DROP: at most one token can have come back in between), another
  source passes, and after 0.3 s (three tokens back) the first passes again.
- blocklist: the map is pinned by name at /sys/fs/bpf/blocklist (libbpf's
  LIBBPF_PIN_BY_NAME; bpftool's `pinmaps DIR` cannot move it, and fails),
  so a leftover pin there is removed first and the pin is removed at the
  end. 10.1.2.0/24 is added with `bpftool map update pinned`, then 10.1.2.7
  is dropped, 10.1.3.7 passes and block_hits counts the drops.

Exit 0 when all pass, 1 if any fails, 2 on setup failure. Closing line:
"map samples: N passed, M failed".
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import auth_run  # noqa: E402

XDP_DROP, XDP_PASS = 1, 2
BLOCKLIST_PIN = "/sys/fs/bpf/blocklist"
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


class Setup(Exception):
    pass


def sh(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise Setup("%s: exit %d: %s" % (" ".join(cmd), p.returncode, (p.stderr or p.stdout).strip()[-2000:]))
    return p.stdout.strip()


# --- frames ------------------------------------------------------------------

checksum = auth_run.checksum   # the IPv4 header checksum bench/auth_run.py computes


def eth(ethertype):
    return bytes.fromhex("020000000001" "020000000002") + struct.pack("!H", ethertype)


def ipv4(proto, payload, src="10.0.0.1", dst="10.0.0.2"):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, 0x4000, 64, proto, 0,
                    bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    return eth(0x0800) + h[:10] + struct.pack("!H", checksum(h)) + h[12:] + payload


def udp(src="10.0.0.1", body=b"hello"):
    return ipv4(17, struct.pack("!HHHH", 5353, 53, 8 + len(body), 0) + body, src=src)


def tcp():
    return ipv4(6, struct.pack("!HHIIBBHHH", 40000, 80, 1, 1, 0x50, 0x10, 512, 0, 0) + b"GET /\r\n")


def icmp():
    return ipv4(1, b"\x08\x00\x00\x00\x00\x01\x00\x01" + b"ping" * 8)


def arp():
    return eth(0x0806) + bytes.fromhex("0001080006040001" "020000000002" "0a000001" "000000000000" "0a000002")


def icmpv6():
    body = b"\x80\x00\x00\x00\x00\x01\x00\x01"
    return (eth(0x86DD) + struct.pack("!IHBB", 0x60000000, len(body), 58, 64) +
            bytes(15) + b"\x01" + bytes(15) + b"\x02" + body)


# --- bpftool -------------------------------------------------------------------

class Prog:
    def __init__(self, obj, pin, tmp):
        self.pin, self.tmp = pin, tmp
        sh("bpftool", "prog", "load", obj, pin)
        info = json.loads(sh("bpftool", "prog", "show", "pinned", pin, "-j"))
        self.maps = {}
        for mid in info.get("map_ids", []):
            self.maps[json.loads(sh("bpftool", "map", "show", "id", str(mid), "-j"))["name"]] = mid
        print("loaded %s: %s program %s, %d xlated insns, maps %s" % (
            obj, info.get("type"), info.get("name"), info.get("bytes_xlated", 0) // 8,
            ", ".join(sorted(n for n in self.maps if not n.startswith(("w2b_", "."))))))

    def run(self, frame, repeat=1):
        """The verdict of the last of `repeat` runs on frame."""
        path = os.path.join(self.tmp, "frame.bin")
        with open(path, "wb") as f:
            f.write(frame)
        out = sh("bpftool", "prog", "run", "pinned", self.pin, "data_in", path, "repeat", str(repeat))
        m = re.search(r"Return value: (\d+), duration(?: \(average\))?: (\d+)ns", out)
        if not m:
            raise Setup("bpftool prog run: unexpected output %r" % out)
        return int(m.group(1))

    def dump(self, name):
        """{key bytes: value bytes, per-CPU values summed as u64 fields}"""
        if name not in self.maps:
            raise Setup("the program has no map %s (it has %s)" % (name, sorted(self.maps)))
        out = {}
        for e in json.loads(sh("bpftool", "map", "dump", "id", str(self.maps[name]), "-j")):
            key = bytes(int(b, 16) for b in e["key"])
            if "values" in e:    # per CPU: sum each u64 field
                vals = [bytes(int(b, 16) for b in v["value"]) for v in e["values"]]
                n = len(vals[0]) // 8
                out[key] = [sum(struct.unpack("<%dQ" % n, v)[i] for v in vals) for i in range(n)]
            else:
                out[key] = bytes(int(b, 16) for b in e["value"])
        return out


def u32(n):
    return struct.pack("<I", n)


# --- the samples -----------------------------------------------------------------

def test_counters(obj, pin, tmp, name="counters"):
    p = Prog(obj, pin, tmp)
    frames = [("UDP", udp(), 17, 3), ("TCP", tcp(), 6, 5), ("ICMP", icmp(), 1, 7),
              ("ARP", arp(), 255, 11), ("IPv6 ICMPv6", icmpv6(), 58, 2)]
    sample = name
    for what, frame, _, n in frames:
        v = p.run(frame, n)
        check("%s: %s x%d passes" % (sample, what, n), v == XDP_PASS, "verdict %d" % v)
    stats = p.dump("proto_stats")
    for what, frame, key, n in frames:
        got = stats.get(u32(key), [0, 0])
        check("%s: proto_stats[%d] (%s) = %d packets, %d bytes" % (sample, key, what, n, n * len(frame)),
              got == [n, n * len(frame)], "got %s" % got)
    others = {int.from_bytes(k, "little"): v for k, v in stats.items()
              if v != [0, 0] and int.from_bytes(k, "little") not in {f[2] for f in frames}}
    check("%s: no other protocol counted" % sample, not others, str(others))


def test_ratelimit(obj, pin, tmp):
    p = Prog(obj, pin, tmp)
    a, b = udp("10.9.0.1"), udp("10.9.0.2")
    v = p.run(a, 5)
    check("ratelimit: 5 packets at once from 10.9.0.1 (BURST 5): the 5th passes", v == XDP_PASS, "verdict %d" % v)
    v = p.run(a, 20)
    check("ratelimit: 20 more at once: the last is dropped", v == XDP_DROP, "verdict %d" % v)
    v = p.run(a, 1)
    check("ratelimit: and the next one too", v == XDP_DROP, "verdict %d" % v)
    v = p.run(b, 1)
    check("ratelimit: 10.9.0.2 passes (its own bucket)", v == XDP_PASS, "verdict %d" % v)
    buckets = p.dump("buckets")
    ka, kb = bytes([10, 9, 0, 1]), bytes([10, 9, 0, 2])
    ta = struct.unpack("<QQ", buckets[ka])[0] if ka in buckets else None
    tb = struct.unpack("<QQ", buckets[kb])[0] if kb in buckets else None
    check("ratelimit: buckets has both sources (keys in network order), 10.9.0.1 below one token",
          ta is not None and tb is not None and ta < 10**9,
          "buckets %s" % {k.hex(): v.hex() for k, v in buckets.items()})
    check("ratelimit: 10.9.0.2 has about 4 of 5 tokens left", tb is not None and 4 * 10**9 <= tb < 5 * 10**9,
          "tokens %s" % tb)
    time.sleep(0.3)
    v = p.run(a, 1)
    check("ratelimit: after 0.3 s 10.9.0.1 passes again (refilled at 10/s)", v == XDP_PASS, "verdict %d" % v)


def remove_blocklist_pin():
    if os.path.exists(BLOCKLIST_PIN):
        os.unlink(BLOCKLIST_PIN)
        return True
    return False


def test_blocklist(obj, pin, tmp):
    if remove_blocklist_pin():
        print("note: removed a leftover %s" % BLOCKLIST_PIN)
    p = Prog(obj, pin, tmp)
    check("blocklist: the map is pinned by name at %s" % BLOCKLIST_PIN, os.path.exists(BLOCKLIST_PIN), "no pin")
    # struct w2b_lpm_v4_key { u32 prefixlen (host order); u8 addr[4]; }: 10.1.2.0/24
    sh("bpftool", "map", "update", "pinned", BLOCKLIST_PIN, "key", "hex", "18", "00", "00", "00",
       "0a", "01", "02", "00", "value", "hex", "01", "00", "00", "00")
    entries = p.dump("blocklist")
    check("blocklist: bpftool map update added 10.1.2.0/24", list(entries) == [bytes.fromhex("180000000a010200")],
          str({k.hex(): v.hex() for k, v in entries.items()}))
    v = p.run(udp("10.1.2.7"), 1)
    check("blocklist: 10.1.2.7 is dropped", v == XDP_DROP, "verdict %d" % v)
    v = p.run(udp("10.1.3.7"), 1)
    check("blocklist: 10.1.3.7 passes", v == XDP_PASS, "verdict %d" % v)
    v = p.run(arp(), 1)
    check("blocklist: ARP passes", v == XDP_PASS, "verdict %d" % v)
    hits = p.dump("block_hits").get(u32(0), b"")
    check("blocklist: block_hits = 1", hits == struct.pack("<Q", 1), hits.hex())
    v = p.run(udp("10.1.2.200"), 9)
    hits = p.dump("block_hits").get(u32(0), b"")
    check("blocklist: 9 more from 10.1.2.200 dropped, block_hits = 10",
          v == XDP_DROP and hits == struct.pack("<Q", 10), "verdict %d, hits %s" % (v, hits.hex()))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="the build directory (BUILD/samples/NAME/NAME.bpf.o)")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("map samples: needs root")
        return 2
    if not shutil.which("bpftool"):
        print("map samples: bpftool not found")
        return 2
    pindir = "/sys/fs/bpf/w2b-maps-%d" % os.getpid()
    tmp = tempfile.mkdtemp(prefix="w2b-maps-")
    try:
        os.mkdir(pindir)
        for name, fn in (("counters", test_counters), ("ratelimit", test_ratelimit),
                         ("blocklist", test_blocklist),
                         ("counters-rust", lambda o, p, t: test_counters(o, p, t, "counters-rust")),
                         ("counters-as", lambda o, p, t: test_counters(o, p, t, "counters-as"))):
            obj = os.path.join(a.build, "samples", name, name + ".bpf.o")
            try:
                if not os.path.exists(obj):
                    raise Setup("no %s (build the samples)" % obj)
                fn(obj, os.path.join(pindir, name), tmp)
            except Setup as e:
                check("%s: setup" % name, False, str(e))
    finally:
        shutil.rmtree(pindir, ignore_errors=True)   # unpins the programs
        remove_blocklist_pin()
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(results)
    print("map samples: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
