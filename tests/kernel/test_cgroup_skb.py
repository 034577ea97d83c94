#!/usr/bin/env python3
"""A cgroup_skb/egress program on real TCP traffic reads a byte 6000 bytes
into a segment's payload: there, the skb's linear part holds the headers
and the payload is in page fragments, which cgroup_skb programs may not
pull linear; wasm2bpf reads past the linear part with bpf_skb_load_bytes.

    test_cgroup_skb.py --wasm2bpf build/wasm2bpf --obj build/tests/cgroup/deep_read.bpf.o

A cgroup v2 directory (under the machine's cgroup2 mount) gets the program
on egress (bpftool cgroup attach); a child process moved into it connects
to a server on 127.0.0.1:9099 (outside the cgroup) and sends 64 KiB whose
byte i is (i * 7 + i // 256) % 251. The map `deep` must then show segments
with over 6000 payload bytes and, for the last one, the 4 bytes at its
payload's start and at offset 6000 must be the stream's at some offset s
and s + 6000. Exit 0 pass, 1 fail, 2 setup impossible.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import threading

PORT = 9099
AT = 6000
SIZE = 65536


def pattern(i):
    return (i * 7 + i // 256) % 251


def sh(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError("%s: %s" % (" ".join(cmd), (p.stderr or p.stdout).strip()))
    return p.stdout


def cgroup2_root():
    with open("/proc/mounts") as f:
        for line in f:
            dev, path, fstype = line.split()[:3]
            if fstype == "cgroup2":
                return path
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--obj", required=True)
    a = ap.parse_args()
    root = cgroup2_root()
    if os.geteuid() != 0 or not root:
        print("cgroup_skb: needs root and a cgroup2 mount")
        return 2
    cg = os.path.join(root, "w2b-test-%d" % os.getpid())
    pin = "/sys/fs/bpf/w2b-cg-%d" % os.getpid()
    data = bytes(pattern(i) for i in range(SIZE))
    got = bytearray()
    ok = False
    os.mkdir(cg)
    try:
        sh("bpftool", "prog", "load", a.obj, pin, "type", "cgroup/skb")
        sh("bpftool", "cgroup", "attach", cg, "egress", "pinned", pin)
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", PORT))
        srv.listen(1)

        def serve():
            c, _ = srv.accept()
            while True:
                b = c.recv(65536)
                if not b:
                    break
                got.extend(b)
            c.close()

        t = threading.Thread(target=serve)
        t.start()
        # the client runs in the cgroup: its egress passes the program
        client = ("import socket,sys\n"
                  "s=socket.create_connection(('127.0.0.1',%d))\n"
                  "s.sendall(sys.stdin.buffer.read()); s.close()\n" % PORT)
        p = subprocess.Popen([sys.executable, "-c", client], stdin=subprocess.PIPE,
                             preexec_fn=lambda: open(os.path.join(cg, "cgroup.procs"), "w").write(str(os.getpid())))
        p.communicate(data, timeout=30)
        t.join(timeout=30)
        srv.close()
        info = json.loads(sh("bpftool", "prog", "show", "pinned", pin, "-j"))
        deep = None
        for mid in info.get("map_ids", []):
            m = json.loads(sh("bpftool", "map", "show", "id", str(mid), "-j"))
            if m.get("name") == "deep":
                deep = {}
                for e in json.loads(sh("bpftool", "map", "dump", "id", str(mid), "-j")):
                    e = e.get("formatted", e)   # with BTF: numbers
                    deep[e["key"]] = e["value"]
        if got != data:
            print("FAIL the server received %d bytes, not the %d sent" % (len(got), len(data)))
        elif not deep:
            print("FAIL no map 'deep' on the program")
        else:
            seen, deep4, segs, first4 = (deep.get(0, 0), deep.get(1, -1), deep.get(2, 0),
                                         deep.get(3, -1))
            print("segments with over %d payload bytes: %d (%d payload bytes in them); the last one's "
                  "payload starts %08x, has %08x at offset %d" % (AT, segs, seen, first4, deep4, AT))
            # where in the stream did that segment start? where the 4 bytes
            # the program read at its start are, with the 4 it read at AT
            # bytes further on
            def be32(i):
                return int.from_bytes(data[i:i + 4], "big")
            starts = [st for st in range(0, SIZE - AT - 4)
                      if be32(st) == first4 and be32(st + AT) == deep4]
            ok = segs >= 1 and seen > AT and bool(starts)
            print("%s cgroup_skb read payload offset %d of real segments (stream offset %s)"
                  % ("PASS" if ok else "FAIL", AT, starts[:3]))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        print("FAIL setup:", e)
    finally:
        subprocess.run(["bpftool", "cgroup", "detach", cg, "egress", "pinned", pin], capture_output=True)
        if os.path.exists(pin):
            os.unlink(pin)
        try:
            os.rmdir(cg)
        except OSError:
            pass
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
