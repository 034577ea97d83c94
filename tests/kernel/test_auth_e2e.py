#!/usr/bin/env python3
"""samples/auth end to end: a real HTTP server behind the TC program.

    sudo tests/kernel/test_auth_e2e.py BUILD_DIR [--obj OBJ]

Two network namespaces joined by a veth pair (server 10.203.0.1/24, client
10.203.0.2/24); in the server's, `python3 -m http.server` on 8080 and 8081
serving a temporary directory. BUILD_DIR/samples/auth/auth.bpf.o is
attached at the server veth's TC ingress (`tc filter add ... bpf
direct-action obj OBJ sec tc`), then curl in the client's namespace:

- `Authorization: Bearer eyJhbGciOiJIUzI1NiI...` to 8080: 200 and the file
- the same with the header name in lower case: 200
- `Authorization: Bearer abc` to 8080: no answer (curl --max-time 3, exit 28)
- no Authorization header to 8080: no answer (exit 28)
- no header to 8081: 200
- as RFC 9110 allows: `authorization:Bearer TOKEN` (no whitespace) and
  `AUTHORIZATION:<tab> bearer   TOKEN`: 200; `Authorization: Basic TOKEN`:
  no answer

Each curl uses its own source port (--local-port), so the decisions can be
matched to the requests. Then auth_stats (the attached program's map, found
through `tc filter show` and `bpftool prog show`) must count exactly 4
allowed — each accepted request is one segment, answered at once — and at
least 3 denied: a dropped request is retransmitted by the client's TCP
until curl gives up and after (the closed socket keeps retrying), and each
copy is judged again, so the exact number depends on timing. The ring
buffer auth_log, read with `wasm2bpf events --raw` (each record the
verdict and the client's port), must hold at least as many decisions as
auth_stats counted (refused requests' copies may arrive in between), only
"allowed" for the accepted requests' ports, only "denied" for the refused
ones, and none for port 8081's request. Last, bench/auth_run.py's frames run
through BPF_PROG_TEST_RUN (valid request 0 = TC_ACT_OK, invalid 2 =
TC_ACT_SHOT), printing ns/run and the xlated instruction count.

Namespaces, servers, the temporary directory and pins are removed however
the test ends. Exit 0 when all checks pass, 1 if any fails, 2 on setup
failure. Closing line: "auth e2e: N passed, M failed".
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import auth_run  # noqa: E402

SERVER, CLIENT = auth_run.SERVER, auth_run.CLIENT
TOKEN = auth_run.TOKEN

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


def sh(*cmd, check_rc=False, timeout=30):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if check_rc and p.returncode:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, (p.stderr or p.stdout).strip()))
    return p.returncode, p.stdout.strip(), p.stderr.strip()


class Net:
    """Two namespaces, a veth pair, two HTTP servers; close() undoes all."""

    def __init__(self):
        pid = os.getpid()
        self.srv, self.cli = "w2b-srv-%d" % pid, "w2b-cli-%d" % pid
        self.vsrv, self.vcli = "w2bs%d" % pid, "w2bc%d" % pid   # at most 15 bytes
        self.servers = []
        self.netns = []
        self.dir = tempfile.mkdtemp(prefix="w2b-auth-")
        self.content = "wasm2bpf auth sample %d\n" % pid

    def up(self):
        with open(os.path.join(self.dir, "index.html"), "w") as f:
            f.write(self.content)
        for ns in (self.srv, self.cli):
            sh("ip", "netns", "add", ns, check_rc=True)
            self.netns.append(ns)
        sh("ip", "link", "add", self.vsrv, "netns", self.srv, "type", "veth", "peer", "name", self.vcli,
           "netns", self.cli, check_rc=True)
        for ns, dev, addr in ((self.srv, self.vsrv, SERVER), (self.cli, self.vcli, CLIENT)):
            self.ns(ns, "ip", "addr", "add", addr + "/24", "dev", dev, check_rc=True)
            self.ns(ns, "ip", "link", "set", dev, "up", check_rc=True)
            self.ns(ns, "ip", "link", "set", "lo", "up", check_rc=True)
        for port in (8080, 8081):
            self.servers.append(subprocess.Popen(
                ["ip", "netns", "exec", self.srv, sys.executable, "-m", "http.server", str(port),
                 "--bind", SERVER, "--directory", self.dir],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        # wait for both servers (no filter yet)
        deadline = time.time() + 15
        for port in (8080, 8081):
            while True:
                code, _, _ = self.curl(port, max_time=1)
                if code == 200:
                    break
                if time.time() > deadline:
                    raise RuntimeError("http.server on %s:%d did not answer within 15 s" % (SERVER, port))
                time.sleep(0.2)

    def ns(self, ns, *cmd, **kw):
        return sh("ip", "netns", "exec", ns, *cmd, **kw)

    def curl(self, port, headers=(), local_port=None, max_time=3):
        """(HTTP code or None, body, curl's exit status)"""
        cmd = ["curl", "-s", "--max-time", str(max_time), "-o", "-", "-w", "\n%{http_code}"]
        if local_port:
            cmd += ["--local-port", str(local_port)]
        for h in headers:
            cmd += ["-H", h]
        cmd.append("http://%s:%d/index.html" % (SERVER, port))
        rc, out, _ = self.ns(self.cli, *cmd, timeout=max_time + 10)
        body, _, code = out.rpartition("\n")
        return (int(code) if rc == 0 and code.isdigit() else None), body, rc

    def capture_start(self):
        """A packet socket on the server's veth, in its namespace, that
        prints (hex) the first frame to TCP port 8080 carrying a bearer
        token: the request as it really arrives (capture_end())."""
        code = (
            "import socket,sys\n"
            "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW,socket.htons(3))\n"
            "s.bind((sys.argv[1],0)); s.settimeout(15)\n"
            "print('ready',flush=True)\n"
            "while True:\n"
            "    f,a=s.recvfrom(65535)\n"
            "    if a[2]!=socket.PACKET_OUTGOING and f[12:14]==b'\\x08\\x00' and f[23]==6 "
            "and f[36:38]==b'\\x1f\\x90' and b'Bearer ' in f:\n"
            "        print(f.hex(),flush=True); break\n")
        self.cap = subprocess.Popen(["ip", "netns", "exec", self.srv, sys.executable, "-c", code, self.vsrv],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if self.cap.stdout.readline().strip() != "ready":
            raise RuntimeError("packet capture did not start: %s" % self.cap.stderr.read())

    def capture_end(self):
        out, err = self.cap.communicate(timeout=20)
        if self.cap.returncode:
            raise RuntimeError("packet capture failed: %s" % err.strip())
        return bytes.fromhex(out.strip())

    def attach(self, obj):
        self.ns(self.srv, "tc", "qdisc", "add", "dev", self.vsrv, "clsact", check_rc=True)
        self.ns(self.srv, "tc", "filter", "add", "dev", self.vsrv, "ingress", "bpf", "direct-action",
                "obj", obj, "sec", "tc", check_rc=True)
        _, out, _ = self.ns(self.srv, "tc", "-j", "filter", "show", "dev", self.vsrv, "ingress", check_rc=True)
        for f in json.loads(out):
            prog = f.get("options", {}).get("prog", {})
            if "id" in prog:
                return prog["id"]
        raise RuntimeError("no BPF program in `tc filter show dev %s ingress`: %s" % (self.vsrv, out))

    def close(self):
        for p in self.servers:
            p.terminate()
        for p in self.servers:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for ns in self.netns:   # takes the veth pair, qdisc and filter with it
            sh("ip", "netns", "del", ns)
        shutil.rmtree(self.dir, ignore_errors=True)


def map_counts(prog_id, name):
    """{key: value} of the u32 -> u64 map `name` used by program prog_id."""
    _, out, _ = sh("bpftool", "prog", "show", "id", str(prog_id), "-j", check_rc=True)
    for mid in json.loads(out).get("map_ids", []):
        _, mout, _ = sh("bpftool", "map", "show", "id", str(mid), "-j", check_rc=True)
        if json.loads(mout).get("name") == name:
            _, dump, _ = sh("bpftool", "map", "dump", "id", str(mid), "-j", check_rc=True)
            return {int.from_bytes(bytes(int(b, 16) for b in e["key"]), "little"):
                    int.from_bytes(bytes(int(b, 16) for b in e["value"]), "little")
                    for e in json.loads(dump)}
    raise RuntimeError("program %d has no map %s" % (prog_id, name))


def map_id(prog_id, name):
    """The id of the map `name` used by program prog_id."""
    _, out, _ = sh("bpftool", "prog", "show", "id", str(prog_id), "-j", check_rc=True)
    for mid in json.loads(out).get("map_ids", []):
        _, mout, _ = sh("bpftool", "map", "show", "id", str(mid), "-j", check_rc=True)
        if json.loads(mout).get("name") == name:
            return mid
    raise RuntimeError("program %d has no map %s" % (prog_id, name))


def decisions(w2b, prog_id):
    """[(verdict, sport)]: the records of the program's ring buffer
    auth_log (struct decision: u32 verdict, u32 sport), read with
    `wasm2bpf events --raw` (the same bytes in all three languages)."""
    _, out, _ = sh(w2b, "events", "--map-id", str(map_id(prog_id, "auth_log")), "--raw",
                   "--timeout", "1", check_rc=True)
    recs = []
    for line in out.splitlines():
        raw = bytes.fromhex(line.split(": ", 1)[1])
        recs.append((int.from_bytes(raw[0:4], "little"), int.from_bytes(raw[4:8], "little")))
    return recs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="the build directory")
    ap.add_argument("--obj", help="the object to attach instead of BUILD/samples/auth/auth.bpf.o")
    ap.add_argument("--repeat", type=int, default=100000, help="BPF_PROG_TEST_RUN repeat count")
    a = ap.parse_args()
    obj = a.obj or os.path.join(a.build, "samples", "auth", "auth.bpf.o")
    if os.geteuid() != 0:
        print("auth e2e: needs root (namespaces, tc, bpf)")
        return 2
    for tool in ("ip", "tc", "curl", "bpftool"):
        if not shutil.which(tool):
            print("auth e2e: %s not found" % tool)
            return 2
    if not os.path.exists(obj):
        print("auth e2e: no %s (build the samples)" % obj)
        return 2

    net = Net()
    captured = None
    try:
        net.up()
        prog_id = net.attach(obj)
        print("attached %s at %s ingress: program id %d" % (obj, net.vsrv, prog_id))

        cases = [
            ("valid token", 8080, ["Authorization: Bearer " + TOKEN], 41001, True),
            ("lower-case header name", 8080, ["authorization: Bearer " + TOKEN[:19] + ".abc.def"], 41002, True),
            ("wrong token", 8080, ["Authorization: Bearer abc"], 41003, False),
            ("no Authorization header", 8080, [], 41004, False),
            ("port 8081 without a token", 8081, [], 41005, True),
            # RFC 9110: no whitespace after the colon; tabs and spaces; the
            # scheme in any case, several spaces before the token
            ("no space after the colon", 8080, ["authorization:Bearer " + TOKEN], 41006, True),
            ("a tab, spaces, scheme in lower case", 8080,
             ["AUTHORIZATION:\t bearer   " + TOKEN], 41007, True),
            ("another scheme", 8080, ["Authorization: Basic " + TOKEN], 41008, False),
        ]
        for name, port, headers, lport, answered in cases:
            if lport == 41001:
                net.capture_start()
            code, body, rc = net.curl(port, headers, lport)
            if lport == 41001:
                captured = net.capture_end()
                print("captured the valid request as it arrived: %d bytes" % len(captured))
            what = "%s to %d (source port %d)" % (name, port, lport)
            if answered:
                check(what + ": 200 and the file", code == 200 and body.strip() == net.content.strip(),
                      "curl exit %d, HTTP %s, body %r" % (rc, code, body[:80]))
            else:
                check(what + ": no answer (curl exit 28)", rc == 28,
                      "curl exit %d, HTTP %s, body %r" % (rc, code, body[:80]))

        counts = map_counts(prog_id, "auth_stats")
        allowed, denied = counts.get(0, 0), counts.get(1, 0)
        print("auth_stats: allowed %d, denied %d" % (allowed, denied))
        check("auth_stats allowed == 4 (four accepted one-segment requests)", allowed == 4, "allowed %d" % allowed)
        check("auth_stats denied >= 3 (three refused requests, each retransmitted)", denied >= 3,
              "denied %d" % denied)

        recs = decisions(os.path.join(a.build, "wasm2bpf"), prog_id)
        print("auth_log: %d decisions" % len(recs))
        check("auth_log has a decision for each that auth_stats counted", len(recs) >= allowed + denied,
              "%d records, %d counted" % (len(recs), allowed + denied))
        for verdict, lport in ((0, 41001), (0, 41002), (1, 41003), (1, 41004),
                               (0, 41006), (0, 41007), (1, 41008)):
            mine = [v for v, p in recs if p == lport]
            check("auth_log: the request from source port %d was %s" %
                  (lport, "allowed" if verdict == 0 else "denied"), mine and set(mine) == {verdict},
                  "its records' verdicts: %s" % mine)
        check("auth_log has no record for port 8081's request (source port 41005)",
              not any(p == 41005 for _, p in recs), str([r for r in recs if r[1] == 41005]))
    except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError) as e:
        check("setup", False, str(e))
    finally:
        net.close()

    # BPF_PROG_TEST_RUN on the captured request and on built frames:
    # verdicts, ns/run, size
    try:
        frames = list(auth_run.FRAMES)
        if captured:
            frames.insert(0, ("captured request", captured, 0))
        ok = auth_run.measure(obj, a.repeat, frames=frames)
        check("BPF_PROG_TEST_RUN verdicts (valid 0, invalid 2, others 0)", ok, "see the lines above")
        check("a real request was captured", captured is not None)
    except RuntimeError as e:
        check("BPF_PROG_TEST_RUN", False, str(e))

    passed = sum(results)
    print("auth e2e: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
