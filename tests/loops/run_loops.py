#!/usr/bin/env python3
"""The loop corpus: do loops as real compilers emit them verify in the kernel?

Builds every program of c/ (clang-19) and rust/ (rustc) at every
optimisation level into WORKDIR, compiles each module with wasm2bpf, and
then either loads and test-runs each object in the running kernel
(`wasm2bpf run --batch`: the verifier's processed instruction count, then
each test packet), or, with --oldkernel, loads and test-runs all objects in
one qemu boot of an older kernel (../shared/tools/oldkernel/run-objs.sh,
beside the repository). Every result is checked against the Python
reference of the program below.

    run_loops.py WORKDIR --wasm2bpf build/wasm2bpf [--w2b-opt=--target-kernel=5.10]...
                 [--oldkernel 6.1|5.10] [--expect-refusals GLOB]... [--only GLOB]...
                 [--report FILE] [-j N]

One line per (program, optimisation level, packet); an object that did
not get as far as running is one line. A module wasm2bpf refuses (exit 1,
a located diagnostic) fails unless --expect-refusals matches its label
(`c/fnv1a/O2`, `rust/search/Os`; fnmatch globs); a module the kernel
rejects, a wrong result and a trap always fail. Ends with
`loops: N passed, M failed`; exit 1 if anything failed, 2 on a harness
error.
"""
import argparse
import base64
import concurrent.futures
import fnmatch
import os
import random
import re
import shlex
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "tests", "lib"))
from batch import Batch, verifier_reason  # noqa: E402

RUN_OBJS = os.path.normpath(os.path.join(REPO, "..", "shared", "tools", "oldkernel", "run-objs.sh"))
SDK_INCLUDE = os.path.join(REPO, "runtime-stubs", "include")
OPT_LEVELS = ["0", "1", "2", "3", "s"]
STACK_SIZE = 8192       # the SDK's recipe (docs/sdk.md): the module stays in the per-CPU value
CLANG = os.environ.get("CLANG", "clang-19")
# Debian's rustc (/usr/bin) has the wasm32 standard library as a package
# (libstd-rust-dev-wasm32); a rustup toolchain earlier on PATH often lacks it.
RUSTC = os.environ.get("RUSTC") or ("/usr/bin/rustc" if os.path.exists("/usr/bin/rustc") else "rustc")


# ---- the reference: ../c/packet.h and each program, in Python -------------------

M32 = 0xffffffff
RESULT_OK = 0x80000000
RESULT_NONE = 0x40000000
FNV_OFFSET = 2166136261
FNV_PRIME = 16777619
HEX_DIGITS = b"0123456789abcdefABCDEF"
B64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
BUF_SIZE = 1024         # hexdec's and base64dec's buffer


def ipv4_l4(f, proto):
    if len(f) < 34 or f[12:14] != b"\x08\x00":
        return 0
    ihl = (f[14] & 0x0f) * 4
    if ihl < 20 or f[23] != proto or len(f) < 14 + ihl:
        return 0
    return 14 + ihl


def tcp_payload(f):
    l4 = ipv4_l4(f, 6)
    if not l4 or len(f) < l4 + 20:
        return 0
    doff = (f[l4 + 12] >> 4) * 4
    if doff < 20 or len(f) < l4 + doff:
        return 0
    return l4 + doff


def fnv(h, data):
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & M32
    return h


def djb2(data):
    h = 5381
    for b in data:
        h = (h * 33 + b) & M32
    return h


def hexval(c):
    return int(chr(c), 16) if c in HEX_DIGITS else -1


def hostname_char(c):
    return chr(c).lower() in "abcdefghijklmnopqrstuvwxyz0123456789-_"


def ref_bytesum(f):
    return (sum(f) & M32) | RESULT_OK


def ref_fnv1a(f):
    return fnv(FNV_OFFSET, f) | RESULT_OK


def ref_nested64(f):
    n, acc = min(len(f), 64), 7
    for i in range(n):
        for j in range(n):
            acc = (acc * 31 + (f[i] ^ f[j])) & M32
    return acc | RESULT_OK


def ref_hexdec(f):
    off = tcp_payload(f)
    if not off:
        return RESULT_NONE
    buf = bytearray()
    while off + 1 < len(f) and len(buf) < BUF_SIZE:
        hi, lo = hexval(f[off]), hexval(f[off + 1])
        if hi < 0 or lo < 0:
            break
        buf.append(hi << 4 | lo)
        off += 2
    return (djb2(buf) ^ len(buf)) | RESULT_OK


def ref_base64dec(f):
    off = tcp_payload(f)
    if not off:
        return RESULT_NONE
    buf, acc, bits = bytearray(), 0, 0
    for c in f[off:]:
        v = B64_ALPHABET.find(bytes([c]))
        if v < 0:
            break
        acc = (acc << 6 | v) & M32
        bits += 6
        if bits >= 8:
            if len(buf) == BUF_SIZE:
                break
            bits -= 8
            buf.append((acc >> bits) & 0xff)
    return (djb2(buf) ^ len(buf)) | RESULT_OK


def ref_search(f):
    off = tcp_payload(f)
    if not off:
        return RESULT_NONE
    p = f[off:]
    pos = p.find(b"Bearer ")
    if pos < 0:
        return RESULT_NONE | 1
    end = p.find(b"\r", pos + 7)
    if end < 0:
        end = len(p)
    return RESULT_OK | pos << 16 | (end - pos - 7)


def ref_http_headers(f):
    off = tcp_payload(f)
    if not off:
        return RESULT_NONE
    p = f[off:]
    end = p.find(b"\r\n")
    if end < 0:
        return RESULT_NONE | 1
    rest = p[end + 2:]
    headers, content_length, host, complete = 0, 0, FNV_OFFSET, 0
    while len(rest) >= 2:
        if rest.startswith(b"\r\n"):
            complete = 1
            break
        end = rest.find(b"\r\n")
        if end < 0:
            break
        line, rest = rest[:end], rest[end + 2:]
        colon = line.find(b":")
        if colon < 0:
            continue
        headers += 1
        name, value = line[:colon].lower(), line[colon + 1:].lstrip(b" \t")
        if name == b"host":
            host = fnv(host, value.lower())
        elif name == b"content-length":
            digits = re.match(rb"[0-9]*", value).group()
            content_length = int(digits or b"0") & M32
    return RESULT_OK | complete << 30 | (headers & 0x3f) << 24 | ((host ^ content_length) & 0xffffff)


def ref_tcpopts(f):
    l4 = ipv4_l4(f, 6)
    if not l4 or len(f) < l4 + 20:
        return RESULT_NONE
    end = l4 + (f[l4 + 12] >> 4) * 4
    if end < l4 + 20 or end > len(f):
        return RESULT_NONE | 1
    mss, wscale, sack, tsval, nopts, how = 0, 15, 0, 0, 0, 0
    i = l4 + 20
    while i < end:
        kind = f[i]
        if kind == 0:
            how = 1
            break
        if kind == 1:
            i += 1
            continue
        if i + 1 >= end:
            how = 2
            break
        olen = f[i + 1]
        if olen < 2 or i + olen > end:
            how = 2
            break
        nopts += 1
        if kind == 2 and olen == 4:
            mss = struct.unpack_from("!H", f, i + 2)[0]
        elif kind == 3 and olen == 3:
            wscale = f[i + 2] & 15
        elif kind == 4:
            sack = 1
        elif kind == 8 and olen == 10:
            tsval = struct.unpack_from("!I", f, i + 2)[0]
        i += olen
    return RESULT_OK | how << 28 | sack << 27 | wscale << 23 | (((mss | nopts << 16) ^ tsval) & 0x7fffff)


def ref_dnsname(f):
    l4 = ipv4_l4(f, 17)
    if not l4 or len(f) < l4 + 20 or struct.unpack_from("!H", f, l4 + 2)[0] != 53:
        return RESULT_NONE
    i, labels, namelen, h, how = l4 + 20, 0, 0, FNV_OFFSET, 0
    while True:
        if i >= len(f):
            how = 1
            break
        n = f[i]
        i += 1
        if n == 0:
            break
        if n > 63 or namelen + n + 1 > 255:
            how = 2
            break
        if i + n > len(f):
            how = 1
            break
        label = f[i:i + n]
        good = next((k for k, c in enumerate(label) if not hostname_char(c)), n)
        h = fnv(h, label[:good].lower())      # the bytes before a bad one are hashed too
        if good < n:
            how = 3
            break
        h = fnv(h, b".")
        labels += 1
        namelen += n + 1
        i += n
    return RESULT_OK | how << 28 | (labels & 0x1f) << 23 | ((h ^ namelen) & 0x7fffff)


def ref_urldecode(f):
    off = tcp_payload(f)
    if not off:
        return RESULT_NONE
    p = f[off:]
    i = p.find(b" ")
    if i < 0:
        return RESULT_NONE | 1
    state, back, hi, status = "path", "path", 0, 0
    segments, params, decoded, h = 0, 0, 0, FNV_OFFSET
    for c in p[i + 1:]:
        if c in b" \r":
            break
        if state in ("path", "query"):
            if c == ord("%"):
                back, state = state, "pct1"
                continue
            if state == "path" and c == ord("/"):
                segments += 1
            elif state == "path" and c == ord("?"):
                state, params = "query", 1
            elif state == "query" and c == ord("&"):
                params += 1
            elif state == "query" and c == ord("+"):
                c = ord(" ")
        elif state == "pct1":
            if hexval(c) < 0:
                status = 1
                break
            hi, state = hexval(c), "pct2"
            continue
        else:
            if hexval(c) < 0:
                status = 1
                break
            c, state = hi << 4 | hexval(c), back
        h = ((h ^ c) * FNV_PRIME) & M32
        decoded += 1
    if status == 0 and state in ("pct1", "pct2"):
        status = 2
    return (RESULT_OK | status << 28 | (segments & 0xf) << 24 | (params & 0xf) << 20 |
            ((h ^ decoded) & 0xfffff))


# ---- test packets ------------------------------------------------------------------

ETH = bytes.fromhex("020000000002" "020000000001" "0800")


def ipv4(proto, l4, ip_opts=b""):
    ihl = 5 + len(ip_opts) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(ip_opts) + len(l4), 0x1c46, 0x4000, 64,
                      proto, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    return ETH + hdr + ip_opts + l4


def tcp(payload, tcp_opts=b"", ip_opts=b"", flags=0x18, dport=80):
    doff = 5 + len(tcp_opts) // 4
    hdr = struct.pack("!HHIIBBHHH", 51234, dport, 0x01020304, 0x0a0b0c0d, doff << 4, flags, 64240, 0, 0)
    return ipv4(6, hdr + tcp_opts + payload, ip_opts)


def dns_query(labels):
    qname = b"".join(bytes([len(l)]) + l for l in labels)
    payload = struct.pack("!HHHHHH", 0x4b1d, 0x0100, 1, 0, 0, 0) + qname + b"\x00\x00\x01\x00\x01"
    return ipv4(17, struct.pack("!HHHH", 40000, 53, 8 + len(payload), 0) + payload)


def http(request_line, headers, body=b""):
    return request_line + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


def make_packets():
    """name -> frame. Deterministic: the same bytes in every run."""
    rnd = random.Random(20240611)
    token = base64.urlsafe_b64encode(rnd.randbytes(220)).rstrip(b"=")
    ts_opts = b"\x01\x01\x08\x0a\x00\x9a\x2b\x3c\x00\x00\x10\x00"          # NOP NOP timestamps
    router_alert = b"\x94\x04\x00\x00"                                      # an IP option: IHL 6
    hexpayload = "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(rnd.randbytes(700).hex())).encode()
    return {
        "tiny": ETH,                                                        # Ethernet header only
        "runt60": tcp(b"\x00" * 6, flags=0x12),                             # minimum frame, no options
        "full1500": tcp(rnd.randbytes(1500 - 54)),
        "http_get": tcp(http(b"GET /api/v1/items%2Fall/?id=42&q=red+shoes%21 HTTP/1.1", [
            b"Host: Example.COM", b"User-Agent: curl/7.88.1", b"Accept: */*",
            b"Accept-Language: en-US,en;q=0.9", b"Accept-Encoding: gzip, deflate, br",
            b"X-Request-ID: 7f3c2a10-9d4e-4b8a-a1c2-5e6f7a8b9c0d", b"Connection: keep-alive"]),
            tcp_opts=ts_opts, ip_opts=router_alert),
        "http_post": tcp(http(b"POST /upload/v2/form HTTP/1.1", [
            b"hOST: \t api.internal:8080", b"content-LENGTH: 1337", b"Content-Type: application/json",
            b"not a header line", b"Cookie: session=" + token[:120]], b'{"k": "v"}' * 8)),
        "http_trunc": tcp(b"GET /index.html HTTP/1.1\r\nHost: a.example\r\nAccept: text/ht"),
        "bearer": tcp(http(b"GET /private/report?year=2024 HTTP/1.1", [
            b"Host: reports.example.net", b"Cookie: " + b"; ".join(b"c%d=%s" % (k, token[k * 9:k * 9 + 40])
                                                                for k in range(12)),
            b"Authorization: Bearer " + token, b"Accept: application/pdf"]), tcp_opts=ts_opts),
        "hex_text": tcp(hexpayload + b"\r\n"),
        "hex_odd": tcp(b"deadBEEF123"),
        "b64_text": tcp(base64.b64encode(rnd.randbytes(1000)) + b"\r\n"),
        "b64_pad": tcp(base64.b64encode(rnd.randbytes(101))),
        "b64_full": tcp(base64.b64encode(rnd.randbytes(1080))),             # more than the buffer
        "syn_opts": tcp(b"", b"\x02\x04\x05\xb4\x04\x02\x08\x0a\x12\x34\x56\x78\x00\x00\x00\x00"
                        b"\x01\x03\x03\x07", flags=0x02),                 # Linux's SYN: MSS SACK TS NOP WS
        "opts_bad": tcp(b"", b"\x02\x04\x05\xb4\x05\x01\x00\x00", flags=0x02),   # option length 1
        "opts_eol": tcp(b"", b"\x02\x04\x05\x78\x01\x00\xff\xff", flags=0x02),   # MSS NOP EOL junk
        "dns_query": dns_query([b"www", b"Example-Site", b"COM"]),
        "dns_long": dns_query([b"a1" * 31 + b"x", b"B2" * 31 + b"y", b"c_" * 31 + b"z", b"d-" * 30 + b"w"]),
        "dns_toolong": dns_query([b"e" * 63] * 4),
        "dns_badchar": dns_query([b"mail", b"exa mple", b"org"]),
        "dns_ptr": ipv4(17, struct.pack("!HHHH", 40000, 53, 26, 0) +
                        bytes.fromhex("4b1d01000001000000000000") + b"\x03www\xc0\x0c"),
        "url_bad": tcp(http(b"GET /bad%zzescape HTTP/1.1", [b"Host: x"])),
        "url_cut": tcp(b"GET /cut%4"),
    }


# ---- the corpus ----------------------------------------------------------------------

LOOP_PACKETS = ["tiny", "runt60", "http_get", "full1500"]
PROGRAMS = {
    # name: (reference, packets); c/NAME.c, and rust/NAME.rs where it exists
    "bytesum": (ref_bytesum, LOOP_PACKETS),
    "fnv1a": (ref_fnv1a, LOOP_PACKETS),
    "nested64": (ref_nested64, LOOP_PACKETS),
    "http_headers": (ref_http_headers, ["http_get", "http_post", "http_trunc", "bearer", "full1500", "tiny"]),
    "hexdec": (ref_hexdec, ["hex_text", "hex_odd", "http_get", "tiny"]),
    "base64dec": (ref_base64dec, ["b64_text", "b64_pad", "b64_full", "http_get", "tiny"]),
    "search": (ref_search, ["bearer", "http_get", "full1500", "runt60"]),
    "tcpopts": (ref_tcpopts, ["syn_opts", "opts_bad", "opts_eol", "http_get", "runt60", "tiny"]),
    "dnsname": (ref_dnsname, ["dns_query", "dns_long", "dns_toolong", "dns_badchar", "dns_ptr", "tiny"]),
    "urldecode": (ref_urldecode, ["http_get", "http_post", "url_bad", "url_cut", "tiny"]),
}


def source_path(lang, prog):
    return os.path.join(HERE, lang, prog + (".c" if lang == "c" else ".rs"))


class Module:
    """One program in one language at one optimisation level, and what
    became of it."""

    def __init__(self, lang, prog, opt, work):
        self.lang, self.prog, self.opt = lang, prog, opt
        self.label = "%s/%s/O%s" % (lang, prog, opt)
        base = "%s-%s-O%s" % (lang, prog, opt)
        self.src = source_path(lang, prog)
        self.wasm = os.path.join(work, "wasm", base + ".wasm")
        self.obj = os.path.join(work, "obj", base + ".bpf.o")
        self.compile_log = os.path.join(work, "log", base + ".compile.log")   # wasm2bpf's notes and errors
        self.log = os.path.join(work, "log", base + ".run.log")               # and the load's, on the host
        self.entry = [] if lang == "c" else ["--entry", prog + "=xdp"]   # C records its entry (W2B_PROGRAM)
        self.stage = None       # "build" | "refused" | "compile" | "rejected" | "ran"
        self.reason = ""        # why it stopped, for the first four
        self.insns = None       # the verifier's processed instructions
        self.results = {}       # packet -> ("ok", value) | ("trap", msg) | ("error", msg)


def build_argv(m):
    if m.lang == "c":
        return [CLANG, "--target=wasm32", "-O" + m.opt, "-nostdlib", "-matomics", "-Wl,--no-entry",
                "-Wl,-z,stack-size=%d" % STACK_SIZE, "-I", SDK_INCLUDE, "-o", m.wasm, m.src]
    return [RUSTC, "--edition", "2021", "--crate-type=cdylib", "--target", "wasm32-unknown-unknown",
            "-C", "opt-level=" + m.opt, "-C", "panic=abort", "-C", "link-arg=-zstack-size=%d" % STACK_SIZE,
            "-o", m.wasm, m.src]


def first_line(text):
    return next((l.strip() for l in text.splitlines() if l.strip()), "")


def build_and_compile(m, args):
    """Source -> Wasm -> object; sets m.stage to build/refused/compile on failure."""
    p = subprocess.run(build_argv(m), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        m.stage, m.reason = "build", first_line("\n".join(l for l in p.stdout.splitlines() if "error" in l))
        return False
    p = subprocess.run([args.wasm2bpf, m.wasm] + m.entry + args.w2b_opt + ["-o", m.obj],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(m.compile_log, "w") as f:
        f.write(p.stdout)
    if p.returncode == 0:
        return True
    # a refusal is exit 1 with an error located in the module (MODULE:0xOFFSET:
    # error: ..., or MODULE: error: ... naming the function), perhaps after notes
    located = re.compile(r"%s(?::0x[0-9a-f]+)?: error: " % re.escape(m.wasm))
    error = next((located.match(l) for l in p.stdout.splitlines() if located.match(l)), None)
    if p.returncode == 1 and error:
        m.stage, m.reason = "refused", error.string[error.end():]
    else:
        m.stage, m.reason = "compile", "wasm2bpf exit %d: %s" % (p.returncode, first_line(p.stdout))
    return False


def verifier_failure(log_path):
    """(reason, processed insns or None) from the log of a rejected load:
    the verifier's line before its `processed N insns` summary."""
    with open(log_path, errors="replace") as f:
        lines = [l.strip() for l in f if l.strip()]
    for i, l in enumerate(lines):
        m = re.match(r"processed (\d+) insns", l)
        if m:
            return (verifier_reason(lines[i - 1]) if i else "?"), int(m.group(1))
    return (lines[0] if lines else "no diagnostic"), None


def run_host(m, args, packets):
    """Load m in the running kernel, read the verifier's count, run each packet."""
    b = Batch([args.wasm2bpf, "run", m.wasm] + m.entry + args.w2b_opt + ["--batch"], m.log)
    b.start()
    if b.state != "ready":
        b.close()
        m.stage = "rejected"
        m.reason, m.insns = verifier_failure(m.log)
        if m.insns is None:
            m.reason = b.reason
        return
    m.stage = "ran"
    m.insns = b.verified_insns(m.prog, timeout=30)
    for name in PROGRAMS[m.prog][1]:
        ans = b.send("packet %s %s" % (m.prog.encode().hex(), packets[name].hex()), timeout=60)
        if ans.startswith("ok i32:"):
            m.results[name] = ("ok", int(ans[7:]))
        elif ans.startswith("trap "):
            m.results[name] = ("trap", ans[5:])
        else:
            m.results[name] = ("error", ans)
    b.close()


def run_oldkernel(mods, args, packets, work):
    """Load and test-run every compiled object in one boot of args.oldkernel;
    returns the kernel's release."""
    pktdir = os.path.join(work, "pkts")
    os.makedirs(pktdir, exist_ok=True)
    for name, frame in packets.items():
        with open(os.path.join(pktdir, name + ".bin"), "wb") as f:
            f.write(frame)
    todo = [m for m in mods if m.stage is None]
    if not todo:
        return args.oldkernel
    # a program the verifier gives up on at 1M instructions takes 5-25 s under emulation
    # (run-objs.sh's README), and there may be dozens: more than its default 900 s
    argv = [args.run_objs, "--kernel", args.oldkernel, "--timeout", "1500",
            "--out", os.path.join(work, "oldkernel-" + args.oldkernel)]
    for m in todo:
        argv.append(m.obj)
        for name in PROGRAMS[m.prog][1]:
            argv += ["--pkt", "%s=%s" % (os.path.basename(m.obj), os.path.join(pktdir, name + ".bin"))]
    print("loops: booting %s for %d objects: %s" % (args.oldkernel, len(todo), args.run_objs), flush=True)
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with open(os.path.join(work, "oldkernel-%s.txt" % args.oldkernel), "w") as f:
        f.write(p.stdout + p.stderr)
    if p.returncode not in (0, 1):
        harness_error("run-objs.sh failed (exit %d):\n%s%s" % (p.returncode, p.stdout, p.stderr))
    lines = {}
    release = args.oldkernel
    for line in p.stdout.splitlines():
        m = re.match(r"SUMMARY: kernel (\S+)", line)
        if m:
            release = m.group(1)
        m = re.match(r"(\S+\.bpf\.o): (.*)$", line)
        if m:
            lines[m.group(1)] = m.group(2)
    for m in todo:
        line = lines.get(os.path.basename(m.obj), "NO RESULT (not in run-objs.sh's output)")
        n = re.search(r"processed (\d+) insns", line)
        m.insns = int(n.group(1)) if n else None
        if line.startswith("loaded"):
            m.stage = "ran"
            runs = line.split(" | ", 1)[1] if " | " in line else ""
            for run in runs.split("; "):
                r = re.match(r"(\S+)\.bin (?:ret=(-?\d+)|run FAILED: (.*))", run)
                if r and r.group(2) is not None:
                    m.results[r.group(1)] = ("ok", int(r.group(2)) & M32)
                elif r:
                    m.results[r.group(1)] = ("error", r.group(3))
        else:
            m.stage = "rejected"
            r = re.match(r"rejected \((.*)\) \[load", line)
            # run-objs.sh gives the verifier's last two lines as "BEFORE / LAST"; LAST is the reason
            why = re.sub(r"; processed \d+ insns.*", "", r.group(1)).split(" / ")[-1] if r else line
            m.reason = verifier_reason(why)
    return release


# ---- reporting ------------------------------------------------------------------------

def result_lines(m, args, packets):
    """(passed, line) for each line of module m."""
    head = "%-24s" % m.label
    if m.stage == "build":
        return [(False, "%s %-12s BUILD FAILED: %s" % (head, "-", m.reason))]
    if m.stage == "refused":
        expected = any(fnmatch.fnmatchcase(m.label, g) for g in args.expect_refusals)
        return [(expected, "%s %-12s refused%s: %s" % (head, "-", " (expected)" if expected else " FAIL",
                                                         m.reason))]
    if m.stage == "compile":
        return [(False, "%s %-12s COMPILE FAILED: %s" % (head, "-", m.reason))]
    insns = "%s insns" % (m.insns if m.insns is not None else "?")
    if m.stage == "rejected":
        return [(False, "%s %-12s compiled, REJECTED, %s: %s" % (head, "-", insns, m.reason))]
    out = []
    for name in PROGRAMS[m.prog][1]:
        want = PROGRAMS[m.prog][0](packets[name])
        kind, got = m.results.get(name, ("error", "no result"))
        if kind == "ok" and got == want:
            out.append((True, "%s %-12s compiled, loaded, %s, ok 0x%08x" % (head, name, insns, got)))
        elif kind == "ok":
            out.append((False, "%s %-12s compiled, loaded, %s, WRONG 0x%08x, want 0x%08x%s" % (
                head, name, insns, got, want, " (0 = XDP_ABORTED: a trap?)" if got == 0 else "")))
        else:
            out.append((False, "%s %-12s compiled, loaded, %s, %s: %s" % (head, name, insns, kind.upper(), got)))
    return out


def cell(m, notes, args, packets):
    """m's cell of the report table; reasons go to numbered notes."""
    def note(text):
        # one note for the same refusal in any function
        text = re.sub(r"function '[^']*'", "function '...'", re.sub(r"^func\[\d+\] '[^']*': ", "", text))
        if text not in notes:
            notes.append(text)
        return "[%d]" % (notes.index(text) + 1)
    if m.stage in ("build", "compile"):
        return "%s failed %s" % (m.stage, note(m.reason))
    if m.stage == "refused":
        return "refused %s" % note(m.reason)
    if m.stage == "rejected":
        return "rejected%s %s" % (" (%d)" % m.insns if m.insns is not None else "", note(m.reason))
    bad = sum(1 for ok, _ in result_lines(m, args, packets) if not ok)
    return "%s%s" % (m.insns, " (%d wrong)" % bad if bad else "")


def write_report(path, mods, args, packets, kernel):
    """A markdown section for this kernel and these options, replacing its
    earlier version in FILE and keeping the other kernels' sections."""
    heading = "## %s" % kernel + (", wasm2bpf " + " ".join(args.w2b_opt) if args.w2b_opt else "")
    notes, rows = [], []
    labels = sorted({(m.lang, m.prog) for m in mods})
    opts = [o for o in OPT_LEVELS if any(m.opt == o for m in mods)]
    for lang, prog in labels:
        cells = []
        for o in opts:
            m = next((m for m in mods if (m.lang, m.prog, m.opt) == (lang, prog, o)), None)
            cells.append(cell(m, notes, args, packets) if m else "")
        rows.append("| %s/%s | %s |" % (lang, prog, " | ".join(cells)))
    section = [heading, "",
               "Processed instructions (the verifier's count); refused = by wasm2bpf, "
               "rejected = by the kernel.", "",
               "| program | %s |" % " | ".join("O" + o for o in opts),
               "|---|" + "---|" * len(opts)] + rows + [""]
    section += ["%d. %s" % (i + 1, n.replace("|", "\\|")) for i, n in enumerate(notes)] + [""]
    sections = []
    if os.path.exists(path):
        with open(path) as f:
            for chunk in re.split(r"(?m)^(?=## )", f.read()):
                if chunk.startswith("## ") and chunk.splitlines()[0] != heading:
                    sections.append(chunk.rstrip("\n") + "\n")
    sections.append("\n".join(section))
    with open(path, "w") as f:
        f.write("# Loop corpus (tests/loops/run_loops.py)\n\n" + "\n".join(sections))


# ---- main -----------------------------------------------------------------------------

def harness_error(msg):
    """Exit 2: nothing was measured (a missing tool, a broken qemu run)."""
    print("loops: error: " + msg, file=sys.stderr)
    sys.exit(2)


def select_modules(args, work):
    mods = []
    for prog in PROGRAMS:
        for lang in ("c", "rust"):
            if not os.path.exists(source_path(lang, prog)):
                continue
            for opt in OPT_LEVELS:
                m = Module(lang, prog, opt, work)
                if not args.only or any(fnmatch.fnmatchcase(m.label, g) for g in args.only):
                    mods.append(m)
    return mods


def check_rustc():
    """None if RUSTC can build for wasm32-unknown-unknown, else why not."""
    try:
        p = subprocess.run([RUSTC, "--print", "sysroot"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    except OSError as e:
        return "cannot run %s: %s" % (RUSTC, e)
    if p.returncode != 0 or not os.path.isdir(os.path.join(p.stdout.strip(), "lib", "rustlib",
                                                            "wasm32-unknown-unknown")):
        return ("%s has no wasm32-unknown-unknown standard library (Debian: apt-get install rustc "
                "libstd-rust-dev-wasm32; or set RUSTC)" % RUSTC)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workdir", help="where the modules, objects and logs go")
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--w2b-opt", action="append", default=[], metavar="OPT",
                    help="an extra wasm2bpf option, e.g. --w2b-opt=--target-kernel=5.10 (repeatable)")
    ap.add_argument("--oldkernel", metavar="K", help="run in qemu on this kernel (6.1, 5.10, ...) instead of the host")
    ap.add_argument("--run-objs", default=RUN_OBJS, help="the oldkernel tool (default: %(default)s)")
    ap.add_argument("--expect-refusals", action="append", default=[], metavar="GLOB",
                    help="labels (c/fnv1a/O0; '*' for all) wasm2bpf may refuse (repeatable)")
    ap.add_argument("--only", action="append", default=[], metavar="GLOB", help="only these labels (repeatable)")
    ap.add_argument("--report", metavar="FILE", help="write/update a markdown table of processed insns")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="modules built and run at once (default 2)")
    args = ap.parse_args()

    work = os.path.abspath(args.workdir)
    for d in ("wasm", "obj", "log"):
        os.makedirs(os.path.join(work, d), exist_ok=True)
    mods = select_modules(args, work)
    if not mods:
        harness_error("--only matched nothing")
    if any(m.lang == "rust" for m in mods):
        err = check_rustc()
        if err:
            harness_error(err)
    packets = make_packets()
    print("loops: %d modules, wasm2bpf %s%s, on %s" % (
        len(mods), args.wasm2bpf, "".join(" " + shlex.quote(o) for o in args.w2b_opt),
        "oldkernel " + args.oldkernel if args.oldkernel else "the host kernel " + os.uname().release), flush=True)

    def one(m):
        if build_and_compile(m, args) and not args.oldkernel:
            run_host(m, args, packets)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        list(ex.map(one, mods))
    kernel = "host " + os.uname().release
    if args.oldkernel:
        kernel = "oldkernel " + run_oldkernel(mods, args, packets, work)

    passed = failed = 0
    for m in mods:
        for ok, line in result_lines(m, args, packets):
            print(line)
            passed += ok
            failed += not ok
    if args.report:
        write_report(args.report, mods, args, packets, kernel)
    print("loops: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
