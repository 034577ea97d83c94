#!/usr/bin/env python3
"""samples/nat end to end: a stateless TC NAT on real traffic through a veth pair.

    sudo tests/kernel/test_nat_e2e.py BUILD_DIR [--wasm2bpf WASM2BPF] [--obj OBJ]

Two network namespaces joined by a veth pair: client 10.200.0.1/24, server
10.200.0.2/24, and in the client a route to the virtual address
10.200.9.9/32 via 10.200.0.2 (so ARP finds the real server). On both veth
ends transmit checksum offload, TSO and GSO are switched off
(ETHTOOL_STXCSUM / ETHTOOL_SGSO through the SIOCETHTOOL ioctl, as `ethtool
-K DEV tx off gso off` does; no ethtool binary needed, and the state is
read back): every packet then leaves with a full checksum, which the
receiving stack verifies in software. With offload on, a veth hands the
peer CHECKSUM_PARTIAL packets that the receiver trusts unchecked, so a wrong
TCP/UDP checksum would go unnoticed. TCP still builds GSO packets of several
segments whatever the device says (the stack segments and checksums them
after TC, so at TC egress they are CHECKSUM_PARTIAL): the client veth's
gso_max_segs is 1 while nat_stats is compared with the frames on the
wire, and back to its default for a last bulk transfer.

BUILD_DIR/samples/nat/nat.bpf.o is loaded with `bpftool prog loadall`
(programs and maps pinned under /sys/fs/bpf/w2b-nat-PID), nat_rules and
nat_reverse filled with `bpftool map update pinned` for

    10.200.9.9:80/tcp -> 10.200.0.2:8080      10.200.9.9:53/udp -> 10.200.0.2:5353

and nat_egress / nat_ingress attached at the client veth's TC egress and
ingress (`tc filter add ... bpf object-pinned PIN direct-action`, run with
nsenter --net: `ip netns exec` remounts /sys and hides bpffs). In the server
namespace a small socket server answers HTTP on 8080 and 8081 (GET: a known
body; POST: the request body back) and echoes UDP on 5353. Then, in the
client namespace:

- curl http://10.200.9.9/hello: 200 and the known body (a TCP handshake
  needs correct checksums both ways);
- curl POST of 128 KiB of random bytes to 10.200.9.9:80: the same bytes back
  (about 90 full-size segments each way);
- UDP echo through 10.200.9.9:53 from a connected socket (a reply from any
  other address than the VIP would not reach it): plain datagrams, one with
  IP options (IHL 6), one sent without a checksum (SO_NO_CHECK: the
  checksum must stay 0);
- a TCP SYN built by hand on a raw socket (a full checksum, not the
  CHECKSUM_PARTIAL the TCP stack sends) to 10.200.9.9:80: the server's
  SYN-ACK comes back from 10.200.9.9:80;
- a UDP datagram with a deliberately wrong checksum to 10.200.9.9:53: the
  NAT's incremental update keeps it wrong, the server drops it and counts
  it in Udp InCsumErrors (proves the receiver really checks);
- a 3000-byte UDP datagram to the VIP (fragmented by the client): the first
  fragment is rewritten, the later ones pass untouched;
- curl to 10.200.9.9:81 (no rule): no connection within the 2 s timeout;
- curl straight to 10.200.0.2:8081: 200 (untouched traffic still works);
- with GSO back on, a POST of 1 MiB through the VIP: the same bytes back,
  rewritten as fewer packets than segments (multi-segment GSO packets
  NAT'd), no checksum errors.

Meanwhile an AF_PACKET socket on the server's veth records every frame as
it crosses the wire (after nat_egress, before nat_ingress), and raw IP
sockets in the client namespace record what the client's stack receives
(after nat_ingress). The test checks in Python (RFC 1071) that every
rewritten packet has a valid IPv4 header checksum and TCP/UDP checksum
(except the deliberately wrong one; the fragmented datagram is checked
reassembled), that nat_stats (per-CPU, summed) counts exactly the packets
and bytes seen rewritten on the wire in each direction, that Tcp/Udp
InCsumErrors (/proc/net/snmp in each namespace) stayed 0 apart from the
deliberate one, and that the object's trap counters stayed 0. Last, frames
run through BPF_PROG_TEST_RUN (`bpftool prog run`): a later fragment, an
IPv6 frame and a truncated TCP header unchanged, a TCP SYN rewritten, a UDP
datagram whose new checksum folds to 0 written as 0xffff
(BPF_F_MARK_MANGLED_0), a reply with 8 bytes of IP options translated back.

With --wasm2bpf, BUILD_DIR/samples/nat/nat.wasm is also compiled with
`--verify --stats` (both programs loaded by the kernel, sizes printed).

Namespaces, processes, pins and temporary files are removed however the test
ends (also on SIGTERM). Exit 0 when all checks pass, 1 if any fails, 2 when
a prerequisite is missing or the setup fails.
Closing line: "nat e2e: N passed, M failed".
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

CLIENT, SERVER, VIP = "10.200.0.1", "10.200.0.2", "10.200.9.9"
TCP_VPORT, TCP_PORT, PLAIN_PORT = 80, 8080, 8081
UDP_VPORT, UDP_PORT = 53, 5353
NORULE_PORT = 81
SYN_SPORT, BAD_SPORT = 40999, 40998
IPPROTO_TCP, IPPROTO_UDP = 6, 17
BULK = 128 * 1024

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


class Setup(Exception):
    pass


def sh(*cmd, check_rc=False, timeout=30):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check_rc and p.returncode:
        raise Setup("%s: exit %d: %s" % (" ".join(cmd), p.returncode, (p.stderr or p.stdout).strip()))
    return p.returncode, p.stdout.strip(), p.stderr.strip()


# --- checksums and parsing (RFC 1071, RFC 791/793/768) -----------------------

def csum(data):
    """The Internet checksum of data: 0 over a block that includes a valid one."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def pseudo(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def parse_ip(pkt):
    """A dict describing the IPv4 packet pkt (starting at its header), or None."""
    if len(pkt) < 20 or pkt[0] >> 4 != 4:
        return None
    ihl = (pkt[0] & 15) * 4
    tot, ident, frag = struct.unpack("!HHH", pkt[2:8])
    p = {"ihl": ihl, "id": ident, "offset": frag & 0x1fff, "mf": bool(frag & 0x2000),
         "proto": pkt[9], "src": socket.inet_ntoa(pkt[12:16]), "dst": socket.inet_ntoa(pkt[16:20]),
         "ip_ok": csum(pkt[:ihl]) == 0, "l4": pkt[ihl:tot], "size": len(pkt), "raw_src": pkt[12:16],
         "raw_dst": pkt[16:20], "sport": None, "dport": None, "l4_ok": None, "payload": b""}
    l4 = p["l4"]
    if p["offset"] == 0 and p["proto"] in (IPPROTO_TCP, IPPROTO_UDP) and len(l4) >= 8:
        p["sport"], p["dport"] = struct.unpack("!HH", l4[:4])
        whole = not p["mf"]    # a first fragment's checksum covers the whole datagram
        if p["proto"] == IPPROTO_TCP and len(l4) >= 20:
            p["flags"] = l4[13]
            p["payload"] = l4[(l4[12] >> 4) * 4:]
            if whole:
                p["l4_ok"] = csum(pseudo(pkt[12:16], pkt[16:20], IPPROTO_TCP, len(l4)) + l4) == 0
        elif p["proto"] == IPPROTO_UDP:
            p["udp_csum"] = struct.unpack("!H", l4[6:8])[0]
            p["payload"] = l4[8:]
            if whole:
                p["l4_ok"] = p["udp_csum"] == 0 or \
                    csum(pseudo(pkt[12:16], pkt[16:20], IPPROTO_UDP, len(l4)) + l4) == 0
    return p


def parse_frame(frame):
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    return parse_ip(frame[14:])


# --- programs run in the namespaces ---------------------------------------------

SERVER_CODE = r'''
import socket, sys, threading
addr, body = sys.argv[1], sys.argv[2].encode()
lock = threading.Lock()
def log(*a):
    with lock:
        print(*a, flush=True)
def http(conn):
    with conn:
        conn.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        method, path = lines[0].split()[:2]
        n = 0
        for l in lines[1:]:
            k, _, v = l.partition(b":")
            if k.strip().lower() == b"content-length":
                n = int(v)
        while len(rest) < n:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        out = rest[:n] if method == b"POST" else body
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(out) + out)
        log("tcp", conn.getsockname()[1], method.decode(), path.decode(), n, len(out))
def tcp(s):
    while True:
        c, _ = s.accept()
        threading.Thread(target=http, args=(c,), daemon=True).start()
def udp(s):
    while True:
        d, peer = s.recvfrom(65535)
        log("udp", peer[0], peer[1], len(d), d[:16].hex())
        s.sendto(d, peer)
for port in (int(p) for p in sys.argv[3].split(",")):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    threading.Thread(target=tcp, args=(s,), daemon=True).start()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((addr, int(sys.argv[4])))
threading.Thread(target=udp, args=(u,), daemon=True).start()
log("ready")
threading.Event().wait()
'''

# Every frame on an interface (AF_PACKET), or every TCP and UDP packet the
# namespace's stack receives (raw IP sockets), kept until stdin closes, then
# printed as "DIRECTION HEX" lines.
CAPTURE_CODE = r'''
import select, socket, sys
if sys.argv[1] == "packet":
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((sys.argv[2], 0))
    socks = [s]
else:
    socks = []
    for proto in (socket.IPPROTO_TCP, socket.IPPROTO_UDP):
        r = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
        r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        socks.append(r)
got = []
print("ready", flush=True)
while True:
    ready, _, _ = select.select(socks + [sys.stdin], [], [])
    for r in ready:
        if r is sys.stdin:
            if not sys.stdin.readline():
                for d, f in got:
                    print(d, f.hex())
                sys.exit(0)
        else:
            f, a = r.recvfrom(65535)
            got.append(("out" if sys.argv[1] == "packet" and a[2] == socket.PACKET_OUTGOING else "in", f))
'''

# The UDP and raw-socket cases, from the client namespace; one JSON line.
CLIENT_CODE = r'''
import json, select, socket, struct, sys, time
vip, me, vport, bad_sport, syn_sport, tport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def pseudo(proto, n):
    return socket.inet_aton(me) + socket.inet_aton(vip) + struct.pack("!BBH", 0, proto, n)
res = {}
def echo(name, payload, opt=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if opt:
        s.setsockopt(*opt)
    s.connect((vip, vport))     # only replies from vip:vport reach it
    s.settimeout(3)
    t = time.monotonic()
    s.send(payload)
    try:
        got = s.recv(65535)
        res[name] = {"ok": got == payload, "ms": round((time.monotonic() - t) * 1000, 2), "bytes": len(got)}
    except socket.timeout:
        res[name] = {"ok": False, "error": "no echo within 3 s"}
    s.close()
for i in range(3):
    echo("udp echo %d" % i, b"w2b-nat udp %d " % i + bytes(range(32)) * (i + 1))
echo("udp echo with IP options", b"w2b-nat udp ipopt", (socket.IPPROTO_IP, socket.IP_OPTIONS, b"\x01\x01\x01\x00"))
echo("udp echo without checksum", b"w2b-nat udp nocsum", (socket.SOL_SOCKET, 11, 1))   # SO_NO_CHECK
# a datagram with a wrong checksum, on a raw socket
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
payload = b"BADCSUM w2b-nat"
hdr = struct.pack("!HHHH", bad_sport, vport, 8 + len(payload), 0)
good = csum(pseudo(17, 8 + len(payload)) + hdr + payload) or 0xffff
bad = good ^ 0x0101
if bad in (0, 0xffff):
    bad = good ^ 0x0202
r.sendto(hdr[:6] + struct.pack("!H", bad) + payload, (vip, 0))
res["bad checksum sent"] = {"good": good, "sent": bad}
# a big datagram, fragmented on the way out
f = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
f.sendto(b"FRAGMENTED " + bytes(range(256)) * 12, (vip, vport))
# a TCP SYN with a full checksum, on a raw socket; wait for the SYN-ACK
t = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
syn = struct.pack("!HHIIBBHHH", syn_sport, tport, 0x12345678, 0, 5 << 4, 0x02, 64240, 0, 0)
syn = syn[:16] + struct.pack("!H", csum(pseudo(6, len(syn)) + syn)) + syn[18:]
t.sendto(syn, (vip, 0))
end = time.monotonic() + 3
res["raw syn"] = {"ok": False, "error": "no SYN-ACK within 3 s"}
while time.monotonic() < end:
    if not select.select([t], [], [], end - time.monotonic())[0]:
        break
    pkt, _ = t.recvfrom(65535)
    ihl = (pkt[0] & 15) * 4
    seg = pkt[ihl:]
    sport, dport = struct.unpack("!HH", seg[:4])
    if socket.inet_ntoa(pkt[12:16]) == vip and sport == tport and dport == syn_sport:
        ok_csum = csum(pkt[12:16] + pkt[16:20] + struct.pack("!BBH", 0, 6, len(seg)) + seg) == 0
        res["raw syn"] = {"ok": seg[13] & 0x12 == 0x12 and ok_csum, "flags": seg[13], "checksum ok": ok_csum,
                          "ack": struct.unpack("!I", seg[8:12])[0]}
        break
print(json.dumps(res))
'''

# SIOCETHTOOL with struct ethtool_value: what `ethtool -K DEV tx off gso off`
# does, then the state read back.
ETHTOOL_CODE = r'''
import array, fcntl, json, socket, struct, sys
SIOCETHTOOL = 0x8946
GTXCSUM, STXCSUM, GTSO, GGSO, SGSO = 0x16, 0x17, 0x1e, 0x23, 0x24
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def op(cmd, data=0):
    buf = array.array("B", struct.pack("II", cmd, data))
    fcntl.ioctl(s, SIOCETHTOOL, struct.pack("16sP16x", sys.argv[1].encode(), buf.buffer_info()[0]))
    return struct.unpack("II", buf.tobytes())[1]
op(STXCSUM, 0)
op(SGSO, 0)
print(json.dumps({"tx-checksumming": op(GTXCSUM), "tso": op(GTSO), "gso": op(GGSO)}))
'''


class Net:
    """Two namespaces joined by a veth pair, the server, captures; close() undoes all."""

    def __init__(self):
        pid = os.getpid()
        self.srv, self.cli = "w2b-nats-%d" % pid, "w2b-natc-%d" % pid
        self.vsrv, self.vcli = "w2bns%d" % pid, "w2bnc%d" % pid    # at most 15 bytes
        self.netns = []
        self.procs = []
        self.server = None
        self.body = "wasm2bpf nat sample %d\n" % pid
        self.dir = tempfile.mkdtemp(prefix="w2b-nat-")

    def ns(self, ns, *cmd, **kw):
        return sh("ip", "netns", "exec", ns, *cmd, **kw)

    def nsenter(self, ns, *cmd, **kw):
        """Only the network namespace: bpffs stays visible (ip netns exec remounts /sys)."""
        return sh("nsenter", "--net=/run/netns/" + ns, *cmd, **kw)

    def popen(self, ns, code, *args, **kw):
        p = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable, "-c", code] + list(args), text=True, **kw)
        self.procs.append(p)
        return p

    def up(self):
        for ns in (self.srv, self.cli):
            sh("ip", "netns", "add", ns, check_rc=True)
            self.netns.append(ns)
        sh("ip", "link", "add", self.vcli, "netns", self.cli, "type", "veth", "peer", "name", self.vsrv,
           "netns", self.srv, check_rc=True)
        for ns, dev, addr in ((self.cli, self.vcli, CLIENT), (self.srv, self.vsrv, SERVER)):
            self.ns(ns, "ip", "addr", "add", addr + "/24", "dev", dev, check_rc=True)
            self.ns(ns, "ip", "link", "set", dev, "up", check_rc=True)
            self.ns(ns, "ip", "link", "set", "lo", "up", check_rc=True)
        self.ns(self.cli, "ip", "route", "add", VIP + "/32", "via", SERVER, check_rc=True)
        offload = {}
        for ns, dev in ((self.cli, self.vcli), (self.srv, self.vsrv)):
            _, out, _ = self.ns(ns, sys.executable, "-c", ETHTOOL_CODE, dev, check_rc=True)
            offload[dev] = json.loads(out)
            if any(offload[dev].values()):
                raise Setup("offloads still on for %s: %s" % (dev, offload[dev]))
        print("offloads off (tx checksum, TSO, GSO): %s" % offload)
        # TCP makes GSO packets whatever the device says (the stack segments
        # them after TC): one segment per packet while nat_stats is compared
        # with the frames on the wire, the default again for bulk()
        _, out, _ = self.ns(self.cli, "ip", "-d", "-j", "link", "show", self.vcli, check_rc=True)
        self.gso_max_segs = json.loads(out)[0].get("gso_max_segs", 65535)
        self.set_gso_max_segs(1)
        self.server = self.popen(self.srv, SERVER_CODE, SERVER, self.body, "%d,%d" % (TCP_PORT, PLAIN_PORT),
                                 str(UDP_PORT), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if self.server.stdout.readline().strip() != "ready":
            raise Setup("the server did not start")
        # the server answers directly (no NAT yet); this also resolves ARP
        deadline = time.time() + 10
        while self.curl("http://%s:%d/hello" % (SERVER, TCP_PORT), max_time=2)[0] != 200:
            if time.time() > deadline:
                raise Setup("the server on %s:%d did not answer within 10 s" % (SERVER, TCP_PORT))
            time.sleep(0.2)

    def set_gso_max_segs(self, n):
        self.ns(self.cli, "ip", "link", "set", "dev", self.vcli, "gso_max_segs", str(n), check_rc=True)

    def curl(self, url, max_time=5, connect_timeout=None, data=None):
        """(HTTP code or None, body bytes, curl's exit status, seconds)"""
        out = os.path.join(self.dir, "curl.out")
        cmd = ["curl", "-s", "--max-time", str(max_time), "-o", out, "-w", "%{http_code}"]
        if connect_timeout:
            cmd += ["--connect-timeout", str(connect_timeout)]
        if data:
            cmd += ["-H", "Expect:", "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + data]
        cmd.append(url)
        if os.path.exists(out):
            os.unlink(out)
        t = time.monotonic()
        rc, code, _ = self.ns(self.cli, *cmd, timeout=max_time + 10)
        secs = time.monotonic() - t
        body = open(out, "rb").read() if os.path.exists(out) else b""
        return (int(code) if rc == 0 and code.isdigit() else None), body, rc, secs

    def capture(self, ns, kind, dev=""):
        err = open(os.path.join(self.dir, "capture-%s.err" % kind), "w")
        p = self.popen(ns, CAPTURE_CODE, kind, dev, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err)
        if p.stdout.readline().strip() != "ready":
            p.wait(timeout=5)
            raise Setup("capture (%s) did not start: %s" % (kind, open(err.name).read().strip()))
        return p

    @staticmethod
    def capture_end(p):
        p.stdin.close()
        out = p.stdout.read()
        p.wait(timeout=10)
        return [(d, bytes.fromhex(h)) for d, h in (l.split() for l in out.splitlines() if l.strip())]

    def snmp(self, ns):
        """{"Tcp": {field: value}, "Udp": {...}} of the namespace's /proc/net/snmp."""
        _, out, _ = self.ns(ns, "cat", "/proc/net/snmp", check_rc=True)
        rows = {}
        lines = out.splitlines()
        for head, vals in zip(lines[::2], lines[1::2]):
            name, _, fields = head.partition(":")
            rows[name] = dict(zip(fields.split(), (int(v) for v in vals.split(":")[1].split())))
        return rows

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            for f in (p.stdin, p.stdout):
                if f:
                    try:
                        f.close()
                    except OSError:
                        pass
        for ns in self.netns:   # takes the veth pair, the qdisc and the filters with it
            sh("ip", "netns", "del", ns)
        shutil.rmtree(self.dir, ignore_errors=True)


# --- the object ------------------------------------------------------------------

def hexbytes(b):
    return ["%02x" % x for x in b]


def nat_key(addr, port, proto):
    return socket.inet_aton(addr) + struct.pack("!HBB", port, proto, 0)


def nat_target(addr, port):
    return socket.inet_aton(addr) + struct.pack("!HH", port, 0)


class Pins:
    def __init__(self):
        self.dir = "/sys/fs/bpf/w2b-nat-%d" % os.getpid()
        self.progs, self.maps = self.dir + "/progs", self.dir + "/maps"

    def load(self, obj):
        os.makedirs(self.dir)
        sh("bpftool", "prog", "loadall", obj, self.progs, "type", "classifier", "pinmaps", self.maps,
           check_rc=True)
        for prog in ("nat_egress", "nat_ingress"):
            if not os.path.exists(os.path.join(self.progs, prog)):
                raise Setup("bpftool prog loadall pinned no %s: %s" % (prog, os.listdir(self.progs)))

    def prog_id(self, name):
        _, out, _ = sh("bpftool", "prog", "show", "pinned", os.path.join(self.progs, name), "-j", check_rc=True)
        return json.loads(out)["id"]

    def update(self, mapname, key, value):
        sh("bpftool", "map", "update", "pinned", os.path.join(self.maps, mapname), "key", "hex", *hexbytes(key),
           "value", "hex", *hexbytes(value), check_rc=True)

    def dump(self, mapname):
        _, out, _ = sh("bpftool", "map", "dump", "pinned", os.path.join(self.maps, mapname), "-j", check_rc=True)
        return json.loads(out)

    def stats(self):
        """{0: (packets, bytes) egress, 1: ingress}, summed over CPUs."""
        res = {}
        for e in self.dump("nat_stats"):
            key = int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little")
            pk = by = 0
            for v in e["values"]:
                raw = bytes(int(b, 16) for b in v["value"])
                p, b = struct.unpack("<QQ", raw[:16])
                pk, by = pk + p, by + b
            res[key] = (pk, by)
        return res

    def traps(self):
        """The object's trap counters (PREFIX_traps), summed: {code: count} of those not 0."""
        names = [n for n in os.listdir(self.maps) if n.endswith("_traps")]
        if len(names) != 1:
            raise Setup("no single *_traps map among %s" % os.listdir(self.maps))
        res = {}
        for e in self.dump(names[0]):
            key = int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little")
            n = sum(int.from_bytes(bytes(int(b, 16) for b in v["value"]), "little") for v in e["values"])
            if n:
                res[key] = n
        return res

    def run(self, prog, frame, tmp):
        """BPF_PROG_TEST_RUN of frame: (return value, output frame)."""
        fin, fout = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        with open(fin, "wb") as f:
            f.write(frame)
        _, out, err = sh("bpftool", "prog", "run", "pinned", os.path.join(self.progs, prog), "data_in", fin,
                         "data_out", fout, check_rc=True)
        m = re.search(r"Return value: (\d+)", out + err)
        if not m:
            raise Setup("bpftool prog run printed no return value: %s" % (out + err))
        with open(fout, "rb") as f:
            return int(m.group(1)), f.read()

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)    # unpinning frees programs and maps


def udp_frame(src, dst, sport, dport, payload, frag=0, ihl_words=5):
    """An Ethernet + IPv4 + UDP frame, valid checksums; IP options (NOPs)
    for ihl_words > 5."""
    src, dst = socket.inet_aton(src), socket.inet_aton(dst)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    udp = udp[:6] + struct.pack("!H", csum(pseudo(src, dst, IPPROTO_UDP, len(udp)) + udp) or 0xffff) + udp[8:]
    opts = b"\x01" * (ihl_words * 4 - 20)
    ip = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl_words, 0, ihl_words * 4 + len(udp), 7, frag, 64, IPPROTO_UDP,
                     0, src, dst) + opts
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + udp


def tcp_frame(src, dst, sport, dport):
    src, dst = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 1024, 0, 0)
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo(src, dst, IPPROTO_TCP, len(tcp)) + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 7, 0x4000, 64, IPPROTO_TCP, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + tcp


def zero_after_nat_payload():
    """A UDP payload whose checksum, after 10.200.0.1:40000 -> VIP:53 becomes
    -> 10.200.0.2:5353, is 0 (so must be sent as 0xffff)."""
    base = b"w2b-nat zero csum"
    base += b"\0" * (len(base) % 2)
    udp = struct.pack("!HHHH", 40000, UDP_PORT, 8 + len(base) + 2, 0) + base
    rest = csum(pseudo(socket.inet_aton(CLIENT), socket.inet_aton(SERVER), IPPROTO_UDP, len(udp) + 2) + udp)
    # rest is ~S, S the sum of the rest: appending the word ~S makes the
    # sum 0xffff (S + ~S), the checksum ~0xffff = 0
    return base + struct.pack("!H", rest)


def test_run_frames(pins, tmp):
    """Frames through BPF_PROG_TEST_RUN: the paths real traffic rarely takes."""
    # a later fragment to the VIP: no L4 header, passes unchanged
    f = udp_frame(CLIENT, VIP, 0x4142, 0x4344, b"later fragment data", frag=185)
    rv, out = pins.run("nat_egress", f, tmp)
    check("test run: a later fragment to the VIP passes unchanged", rv == 0 and out == f, "verdict %d" % rv)
    # IPv6 (next header UDP) to nowhere in particular: not IPv4, unchanged
    v6 = (b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x86\xdd" + b"\x60\0\0\0\0\x08\x11\x40" +
          b"\0" * 32 + struct.pack("!HHHH", 1, UDP_VPORT, 8, 0))
    rv, out = pins.run("nat_egress", v6, tmp)
    check("test run: an IPv6 frame passes unchanged", rv == 0 and out == v6, "verdict %d" % rv)
    # a TCP header cut short: unchanged
    t = tcp_frame(CLIENT, VIP, 40001, TCP_VPORT)[:14 + 20 + 10]
    t = t[:16] + struct.pack("!H", 20 + 10) + t[18:]
    t = t[:24] + b"\0\0" + t[26:]
    t = t[:24] + struct.pack("!H", csum(t[14:34])) + t[26:]
    rv, out = pins.run("nat_egress", t, tmp)
    check("test run: a truncated TCP header passes unchanged", rv == 0 and out == t, "verdict %d" % rv)
    # a TCP SYN to the VIP with a full checksum (test-run skbs are CHECKSUM_NONE)
    rv, out = pins.run("nat_egress", tcp_frame(CLIENT, VIP, 40002, TCP_VPORT), tmp)
    p = parse_frame(out)
    check("test run: TCP to VIP:80 becomes %s:%d with valid checksums" % (SERVER, TCP_PORT),
          rv == 0 and p and p["dst"] == SERVER and p["dport"] == TCP_PORT and p["ip_ok"] and p["l4_ok"],
          "verdict %d, %s" % (rv, p and {k: p[k] for k in ("dst", "dport", "ip_ok", "l4_ok")}))
    # a datagram whose rewritten checksum folds to 0: sent as 0xffff
    rv, out = pins.run("nat_egress", udp_frame(CLIENT, VIP, 40000, UDP_VPORT, zero_after_nat_payload()), tmp)
    p = parse_frame(out)
    check("test run: a UDP checksum that becomes 0 is written 0xffff (BPF_F_MARK_MANGLED_0)",
          rv == 0 and p and p["dport"] == UDP_PORT and p["udp_csum"] == 0xffff and p["l4_ok"],
          "verdict %d, %s" % (rv, p and {k: p.get(k) for k in ("dst", "dport", "udp_csum", "l4_ok")}))
    # the reverse: a reply from the backend with IP options
    rv, out = pins.run("nat_ingress", udp_frame(SERVER, CLIENT, UDP_PORT, 40003, b"reply", ihl_words=7), tmp)
    p = parse_frame(out)
    check("test run: a reply from %s:%d with IP options (IHL 7) comes from %s:%d, valid checksums"
          % (SERVER, UDP_PORT, VIP, UDP_VPORT),
          rv == 0 and p and p["src"] == VIP and p["sport"] == UDP_VPORT and p["ihl"] == 28 and p["ip_ok"]
          and p["l4_ok"], "verdict %d, %s" % (rv, p and {k: p[k] for k in ("src", "sport", "ip_ok", "l4_ok")}))


# --- the test ----------------------------------------------------------------------

def classify(frames):
    """The server's capture: NAT'd frames from the client (after nat_egress),
    the server's frames to the client that nat_ingress rewrites, frames that
    still go to the VIP."""
    to_backend, from_backend, to_vip = [], [], []
    for d, f in frames:
        p = parse_frame(f)
        if not p:
            continue
        p["len"], p["dir"] = len(f), d
        if d == "in" and p["src"] == CLIENT and p["dst"] == SERVER and (
                (p["proto"] == IPPROTO_TCP and p["dport"] == TCP_PORT) or
                (p["proto"] == IPPROTO_UDP and p["dport"] == UDP_PORT)):
            to_backend.append(p)
        elif d == "out" and p["src"] == SERVER and p["dst"] == CLIENT and (
                (p["proto"] == IPPROTO_TCP and p["sport"] == TCP_PORT) or
                (p["proto"] == IPPROTO_UDP and p["sport"] == UDP_PORT)):
            from_backend.append(p)
        elif d == "in" and p["dst"] == VIP:
            to_vip.append(p)
    return to_backend, from_backend, to_vip


def reassembled_ok(first, frags):
    """The UDP checksum of a datagram whose first fragment is `first`, over
    it and the later fragments in frags (same id)."""
    data = first["l4"]
    for f in sorted(frags, key=lambda f: f["offset"]):
        if f["offset"] * 8 != len(data):
            return False
        data += f["l4"]
    return csum(pseudo(first["raw_src"], first["raw_dst"], IPPROTO_UDP, len(data)) + data) == 0


def bulk(net, pins, before, snmp0):
    """1 MiB through the VIP with GSO back on: TCP hands TC packets of
    several segments (CHECKSUM_PARTIAL), rewritten as well."""
    size = 1 << 20
    net.set_gso_max_segs(net.gso_max_segs)
    blob = os.urandom(size)
    src = os.path.join(net.dir, "bulk-gso")
    with open(src, "wb") as f:
        f.write(blob)
    code, body, rc, secs = net.curl("http://%s:%d/echo" % (VIP, TCP_VPORT), max_time=30, data=src)
    after = pins.stats()
    snmp1 = {ns: net.snmp(ns) for ns in snmp0}
    pkts = after[0][0] - before[0][0]
    segs = -(-size // 1448)     # at least this many segments on the wire (MSS 1448 at most)
    check("with GSO (gso_max_segs %d): POST of 1 MiB via %s:80, the same bytes back" % (net.gso_max_segs, VIP),
          code == 200 and body == blob, "curl exit %d, HTTP %s, %d bytes back" % (rc, code, len(body)))
    check("with GSO: the upload was rewritten as fewer packets (%d) than its %d+ segments" % (pkts, segs),
          0 < pkts < segs, "nat_stats egress grew by %d packets" % pkts)
    errs = {ns: {p: snmp1[ns][p]["InCsumErrors"] - snmp0[ns][p]["InCsumErrors"] for p in ("Tcp", "Udp")}
            for ns in snmp0}
    check("with GSO: no checksum errors in either namespace", not any(v for d in errs.values() for v in d.values()),
          str(errs))
    return "GSO phase: 1 MiB echoed in %.1f ms, egress %d packets for >= %d segments" % (secs * 1000, pkts, segs)


def verify_compile(wasm2bpf, wasm, tmp):
    rc, out, err = sh(wasm2bpf, wasm, "-o", os.path.join(tmp, "nat.bpf.o"), "--verify", "--stats", timeout=120)
    stats = [l for l in (out + "\n" + err).splitlines() if l.startswith("stats:")]
    check("wasm2bpf --verify --stats: exit 0, both programs loaded by the kernel",
          rc == 0 and len(stats) == 2 and all("verifier:" in l for l in stats),
          "exit %d: %s" % (rc, (stats or err.splitlines()[-3:])))
    for l in stats:
        print("  " + l)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="the build directory")
    ap.add_argument("--wasm2bpf", help="the compiler: also compile BUILD/samples/nat/nat.wasm with --verify")
    ap.add_argument("--obj", help="the object to load instead of BUILD/samples/nat/nat.bpf.o")
    a = ap.parse_args()
    obj = a.obj or os.path.join(a.build, "samples", "nat", "nat.bpf.o")
    if os.geteuid() != 0:
        print("nat e2e: needs root (namespaces, tc, bpf)")
        return 2
    for tool in ("ip", "tc", "curl", "bpftool", "nsenter"):
        if not shutil.which(tool):
            print("nat e2e: %s not found" % tool)
            return 2
    if not os.path.exists(obj):
        print("nat e2e: no %s (build the samples)" % obj)
        return 2
    if not os.path.isdir("/sys/fs/bpf") or not os.path.ismount("/sys/fs/bpf"):
        print("nat e2e: bpffs is not mounted at /sys/fs/bpf")
        return 2

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))     # run the finally below
    net, pins = Net(), Pins()
    summary = []
    setup_failed = False
    try:
        if a.wasm2bpf:
            verify_compile(a.wasm2bpf, os.path.join(os.path.dirname(obj), "nat.wasm"), net.dir)
        net.up()
        pins.load(obj)
        for key, val in (((VIP, TCP_VPORT, IPPROTO_TCP), (SERVER, TCP_PORT)),
                         ((VIP, UDP_VPORT, IPPROTO_UDP), (SERVER, UDP_PORT))):
            pins.update("nat_rules", nat_key(*key), nat_target(*val))
            pins.update("nat_reverse", nat_key(val[0], val[1], key[2]), nat_target(key[0], key[1]))
        net.nsenter(net.cli, "tc", "qdisc", "add", "dev", net.vcli, "clsact", check_rc=True)
        for hook, prog in (("egress", "nat_egress"), ("ingress", "nat_ingress")):
            net.nsenter(net.cli, "tc", "filter", "add", "dev", net.vcli, hook, "bpf", "object-pinned",
                        os.path.join(pins.progs, prog), "direct-action", check_rc=True)
            _, out, _ = net.nsenter(net.cli, "tc", "-j", "filter", "show", "dev", net.vcli, hook, check_rc=True)
            ids = [f["options"]["prog"]["id"] for f in json.loads(out) if "prog" in f.get("options", {})]
            check("%s attached at %s %s" % (prog, net.vcli, hook), ids == [pins.prog_id(prog)],
                  "tc shows %s, pinned %d" % (ids, pins.prog_id(prog)))

        snmp0 = {ns: net.snmp(ns) for ns in (net.srv, net.cli)}
        wire = net.capture(net.srv, "packet", net.vsrv)
        local = net.capture(net.cli, "raw")

        # TCP through the VIP
        code, body, rc, secs = net.curl("http://%s:%d/hello" % (VIP, TCP_VPORT))
        check("curl http://%s/hello: 200 and the known body" % VIP,
              code == 200 and body.decode(errors="replace") == net.body,
              "curl exit %d, HTTP %s, body %r" % (rc, code, body[:80]))
        summary.append("GET via VIP %.1f ms" % (secs * 1000))
        blob = os.urandom(BULK)
        src = os.path.join(net.dir, "bulk")
        with open(src, "wb") as f:
            f.write(blob)
        code, body, rc, secs = net.curl("http://%s:%d/echo" % (VIP, TCP_VPORT), max_time=20, data=src)
        check("curl POST of %d random bytes via %s:80: the same bytes back" % (BULK, VIP),
              code == 200 and body == blob, "curl exit %d, HTTP %s, %d bytes back" % (rc, code, len(body)))
        summary.append("%d KiB echoed via VIP in %.1f ms" % (BULK // 1024, secs * 1000))

        # UDP and hand-built packets
        _, out, _ = net.ns(net.cli, sys.executable, "-c", CLIENT_CODE, VIP, CLIENT, str(UDP_VPORT),
                             str(BAD_SPORT), str(SYN_SPORT), str(TCP_VPORT), check_rc=True)
        client = json.loads(out.splitlines()[-1])
        for name, r in client.items():
            if name == "bad checksum sent":
                continue
            what = {"raw syn": "a raw TCP SYN (full checksum) to %s:80: SYN-ACK back from %s:80, checksum valid"
                    % (VIP, VIP)}.get(name, "%s through %s:%d: the datagram back from the VIP" % (name, VIP, UDP_VPORT))
            check(what, r.get("ok"), str(r))

        # no rule for VIP:81: passes unchanged, nobody owns the VIP, no connection
        code, body, rc, secs = net.curl("http://%s:%d/hello" % (VIP, NORULE_PORT), max_time=3, connect_timeout=2)
        check("curl to %s:%d (no rule): no connection (exit 28) within 3 s" % (VIP, NORULE_PORT),
              rc == 28 and secs < 3.5, "curl exit %d, HTTP %s after %.1f s" % (rc, code, secs))
        # traffic to the server's own address and another port is not touched
        code, body, rc, secs = net.curl("http://%s:%d/hello" % (SERVER, PLAIN_PORT))
        check("curl http://%s:%d/hello directly: 200 and the body" % (SERVER, PLAIN_PORT),
              code == 200 and body.decode(errors="replace") == net.body, "curl exit %d, HTTP %s" % (rc, code))

        time.sleep(1.0)     # the last ACKs and FINs
        frames = net.capture_end(wire)
        received = net.capture_end(local)
        stats = pins.stats()
        traps = pins.traps()
        snmp1 = {ns: net.snmp(ns) for ns in (net.srv, net.cli)}

        to_backend, from_backend, to_vip = classify(frames)
        eg, ing = stats.get(0, (0, 0)), stats.get(1, (0, 0))
        print("nat_stats: egress %d packets %d bytes, ingress %d packets %d bytes" % (eg + ing))
        print("on the server's veth: %d frames to %s:%d/%d rewritten (%d bytes), %d replies (%d bytes), "
              "%d frames still to %s; %d frames in all" % (
                  len(to_backend), SERVER, TCP_PORT, UDP_PORT, sum(p["len"] for p in to_backend),
                  len(from_backend), sum(p["len"] for p in from_backend), len(to_vip), VIP, len(frames)))
        summary.append("nat_stats egress %d pkts/%d B, ingress %d pkts/%d B" % (eg + ing))

        check("nat_stats counts packets both ways", eg[0] > 0 and ing[0] > 0, str(stats))
        check("nat_stats egress == frames rewritten to the backend on the wire (packets, bytes)",
              eg == (len(to_backend), sum(p["len"] for p in to_backend)),
              "nat_stats %s, wire %d frames %d bytes" % (eg, len(to_backend), sum(p["len"] for p in to_backend)))
        check("nat_stats ingress == the backend's replies on the wire (packets, bytes)",
              ing == (len(from_backend), sum(p["len"] for p in from_backend)),
              "nat_stats %s, wire %d frames %d bytes" % (ing, len(from_backend), sum(p["len"] for p in from_backend)))

        # after nat_egress, on the wire: checksums
        bad_ip = [p for p in to_backend if not p["ip_ok"]]
        check("every rewritten frame to the backend has a valid IPv4 header checksum", not bad_ip,
              "%d bad of %d" % (len(bad_ip), len(to_backend)))
        bad_l4 = [p for p in to_backend if p["l4_ok"] is False]
        check("every rewritten TCP/UDP checksum to the backend is valid, but the deliberately wrong one",
              len(bad_l4) == 1 and b"BADCSUM" in bad_l4[0]["payload"],
              "%d bad: %s" % (len(bad_l4), [(p["proto"], p["sport"], p["payload"][:16]) for p in bad_l4]))
        nocsum = [p for p in to_backend if b"nocsum" in p["payload"]]
        check("the datagram sent without a checksum still has checksum 0 after the NAT",
              len(nocsum) == 1 and nocsum[0]["udp_csum"] == 0, str([p.get("udp_csum") for p in nocsum]))
        opts = [p for p in to_backend if b"ipopt" in p["payload"]]
        check("the datagram with IP options (IHL 6) was rewritten, checksums valid",
              len(opts) == 1 and opts[0]["ihl"] == 24 and opts[0]["ip_ok"] and opts[0]["l4_ok"],
              str([(p["ihl"], p["ip_ok"], p["l4_ok"]) for p in opts]))
        syns = [p for p in to_backend if p["proto"] == IPPROTO_TCP and p["sport"] == SYN_SPORT and p.get("flags", 0) & 2]
        check("the raw SYN arrived at %s:%d with a valid full checksum" % (SERVER, TCP_PORT),
              len(syns) == 1 and syns[0]["l4_ok"], str([p["l4_ok"] for p in syns]))
        tcp_frames = [p for p in to_backend if p["proto"] == IPPROTO_TCP]
        check("the TCP segments to the backend carry the bulk upload (%d segments, >= %d bytes of payload)"
              % (len(tcp_frames), BULK), sum(len(p["payload"]) for p in tcp_frames) >= BULK,
              "%d bytes" % sum(len(p["payload"]) for p in tcp_frames))
        firsts = [p for p in to_backend if p["mf"]]
        later = [p for p in to_vip if p["proto"] == IPPROTO_UDP and p["offset"]]
        check("the fragmented datagram: first fragment rewritten, %d later ones passed unchanged (to the VIP), "
              "UDP checksum valid over the reassembled datagram" % len(later),
              len(firsts) == 1 and later and all(f["id"] == firsts[0]["id"] for f in later)
              and reassembled_ok(firsts[0], later),
              "%d first fragments, %d later" % (len(firsts), len(later)))
        norule = [p for p in to_vip if p["proto"] == IPPROTO_TCP and p["dport"] == NORULE_PORT]
        check("SYNs to %s:%d (no rule) crossed the wire unchanged" % (VIP, NORULE_PORT),
              norule and all(p["l4_ok"] for p in norule), "%d frames" % len(norule))
        bad_out = [p for p in from_backend if not (p["ip_ok"] and p["l4_ok"])]
        check("the server's replies on the wire carry full valid checksums (transmit offload is off)",
              from_backend and not bad_out, "%d bad of %d" % (len(bad_out), len(from_backend)))

        # after nat_ingress, as the client's stack receives it
        seen = [p for p in (parse_ip(f) for _, f in received) if p and p["src"] == VIP]
        leaked = [p for p in (parse_ip(f) for _, f in received)
                  if p and p["src"] == SERVER and p["sport"] in (TCP_PORT, UDP_PORT)]
        bad = [p for p in seen if not (p["ip_ok"] and p["l4_ok"])]
        check("the client received %d packets from %s, all with valid IPv4 and TCP/UDP checksums"
              % (len(seen), VIP), seen and not bad, "%d bad" % len(bad))
        seen_bytes = sum(p["size"] + 14 for p in seen)     # + the Ethernet header TC counted
        check("the client received every rewritten reply (nat_stats ingress packets and bytes), "
              "none from %s:%d/%d" % (SERVER, TCP_PORT, UDP_PORT),
              (len(seen), seen_bytes) == ing and not leaked,
              "%d packets %d bytes from the VIP, nat_stats ingress %s, %d not rewritten"
              % (len(seen), seen_bytes, ing, len(leaked)))

        # the receivers verified checksums in software
        d = {ns: {proto: snmp1[ns][proto]["InCsumErrors"] - snmp0[ns][proto]["InCsumErrors"]
                  for proto in ("Tcp", "Udp")} for ns in snmp0}
        check("InCsumErrors: the server's Udp counted exactly the deliberately wrong datagram, nothing else",
              d[net.srv] == {"Tcp": 0, "Udp": 1} and d[net.cli] == {"Tcp": 0, "Udp": 0}, str(d))
        check("no traps in the programs", not traps, str(traps))

        summary.append(bulk(net, pins, stats, snmp1))
        net.server.kill()
        server_log = net.server.stdout.read().splitlines()
        udp_lines = [l for l in server_log if l.startswith("udp ")]
        check("the UDP server got the 5 echoed datagrams, from %s, and not the bad one" % CLIENT,
              len(udp_lines) == 5 and all(l.split()[1] == CLIENT for l in udp_lines)
              and not any(b"BADCSUM".hex() in l for l in server_log), str(udp_lines))
        check("no traps in the programs after all the traffic", not pins.traps(), str(pins.traps()))
        test_run_frames(pins, net.dir)
        summary.append("%d frames on the wire, %d received after NAT" % (len(frames), len(received)))
    except (Setup, subprocess.TimeoutExpired, OSError, ValueError, KeyError, json.JSONDecodeError) as e:
        check("setup", False, "%s: %s" % (type(e).__name__, e))
        setup_failed = True
    finally:
        net.close()
        pins.close()

    passed = sum(results)
    if summary:
        print("measured: " + "; ".join(summary))
    print("nat e2e: %d passed, %d failed" % (passed, len(results) - passed))
    if setup_failed or not results:
        return 2
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
