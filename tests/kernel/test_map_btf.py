#!/usr/bin/env python3
"""Map key, value and ring buffer event types in the object's BTF.

    tests/kernel/test_map_btf.py WASM2BPF

Builds tests/kernel/btf/map_types.c with -g (as tests/golden builds a C
module with // CFLAGS: -g), compiles it, and checks:
- `bpftool btf dump file OBJ format c` has the C types by field, exactly as
  the source declares them (a pointer member is the module's 4-byte address,
  w2b_addr; an anonymous struct takes its typedef's name; enums are
  unsigned in BTF, whose signed enums kernels before 6.0 refuse);
- the flows map's BTF key and value are struct flow and struct stats_t, the
  ring buffer's event type is the variable w2b_event__events's, struct
  event;
- the bit-field value of `packed` is described by its size, with a note;
- loaded into the kernel (bpftool, maps pinned), an entry written with
  bpftool reads back by field in `bpftool -j map dump`, and the program's
  test run on a frame of that flow counts into hits[1][2] in place.

Prints PASS/FAIL lines and "map_btf: N passed, M failed"; exit 1 on a failure.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "golden"))
import run_golden  # noqa: E402

SOURCE = os.path.join(HERE, "btf", "map_types.c")

# The declarations `format c` must print, each exactly.
EXPECTED = [
    """struct flow {
	unsigned int saddr;
	unsigned int daddr;
	unsigned short sport;
	unsigned short dport;
	unsigned char proto;
	unsigned char pad[3];
};""",
    """union addr {
	unsigned int v4;
	unsigned char bytes[4];
};""",
    """enum verdict {
	PASS = 0,
	DROP = 1,
	REDIRECT = 4294967295,
};""",
    """struct stats_t {
	unsigned long long hits[2][3];
	union addr last;
	enum verdict v;
	w2b_addr note;
	_Bool seen;
	signed char level;
};""",
    """struct event {
	unsigned int pid;
	char comm[16];
};""",
]

results = []


def check(what, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", what, "" if ok else ": " + detail), flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def btf_json(obj):
    p = run(["bpftool", "-j", "btf", "dump", "file", obj])
    return {t["id"]: t for t in json.loads(p.stdout)["types"]} if p.returncode == 0 else {}


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    w2b = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="w2b-map-btf-")
    pin = "/sys/fs/bpf/w2b_map_btf_%d" % os.getpid()
    try:
        wasm, err = run_golden.compile_c(SOURCE, tmp)
        if err:
            check("map_types.c builds", False, err)
            return 1
        obj = os.path.join(tmp, "map_types.bpf.o")
        p = run([w2b, wasm, "-o", obj])
        check("wasm2bpf compiles it", p.returncode == 0, p.stderr)
        if p.returncode:
            return 1
        check("a note says packed's value (a bit-field) is described by its size",
              "map 'packed': its value's C type is not one this compiler describes in BTF" in p.stderr,
              p.stderr)
        text = run(["bpftool", "btf", "dump", "file", obj, "format", "c"]).stdout
        for decl in EXPECTED:
            check("format c: %s" % decl.splitlines()[0].rstrip(" {"), decl in text,
                  "not in:\n" + text)

        types = btf_json(obj)
        by_name = {}
        for t in types.values():
            by_name.setdefault((t["kind"], t.get("name")), t)

        def map_member(name, member):
            """The type a .maps definition's `member` pointer points to."""
            var = by_name.get(("VAR", name))
            st = types.get(var["type_id"]) if var else None
            for m in (st or {}).get("members", []):
                if m["name"] == member:
                    return types.get(types[m["type_id"]]["type_id"])
            return None

        key, value = map_member("flows", "key"), map_member("flows", "value")
        check("flows' BTF key is struct flow", key and key["kind"] == "STRUCT" and key["name"] == "flow",
              str(key))
        check("flows' BTF value is struct stats_t",
              value and value["kind"] == "STRUCT" and value["name"] == "stats_t", str(value))
        bits = map_member("packed", "value")
        check("packed's BTF value is 4 bytes, not struct bits",
              bits and bits.get("name") != "bits" and bits.get("size") == 4, str(bits))
        ev = by_name.get(("VAR", "w2b_event__events"))
        ev_type = types.get(ev["type_id"]) if ev else None
        check("the ring buffer's events are struct event (VAR w2b_event__events)",
              ev_type and ev_type["name"] == "event", str(ev))

        p = run(["bpftool", "prog", "loadall", obj, pin, "pinmaps", pin + "/maps"])
        check("the object loads (bpftool, BTF accepted)", p.returncode == 0, p.stderr[-2000:])
        if p.returncode:
            return 1
        flows = pin + "/maps/flows"
        # 10.0.0.1 -> 10.0.0.2, UDP; zero ports and padding
        k = "0a 00 00 01 0a 00 00 02 00 00 00 00 11 00 00 00".split()
        v = ["00"] * 64
        v[48] = "07"            # last.v4 = 7
        v[52] = "01"            # v = DROP
        p = run(["bpftool", "map", "update", "pinned", flows, "key", "hex", *k, "value", "hex", *v])
        check("bpftool map update flows", p.returncode == 0, p.stderr)
        frame = bytes.fromhex("020000000002" "020000000001" "0800"
                              "4500001400010000" "40110000" "0a000001" "0a000002") + bytes(30)
        fpath = os.path.join(tmp, "frame.bin")
        with open(fpath, "wb") as f:
            f.write(frame)
        p = run(["bpftool", "prog", "run", "pinned", pin + "/count", "data_in", fpath, "repeat", "3"])
        check("test run of count", p.returncode == 0, p.stderr)
        p = run(["bpftool", "-j", "map", "dump", "pinned", flows])
        try:
            entries = json.loads(p.stdout)
        except ValueError:
            entries = []
        f = entries[0].get("formatted", {}) if entries else {}
        check("bpftool map dump shows the key by field", f.get("key", {}).get("saddr") == 16777226 and
              f.get("key", {}).get("proto") == 17, p.stdout[:2000])
        val = f.get("value", {})
        check("... and the value by field: hits[1][2] counted 3 runs in place, seen, last.v4 7, v DROP",
              val.get("hits") == [[0, 0, 0], [0, 0, 3]] and val.get("seen") is True and
              val.get("last", {}).get("v4") == 7 and val.get("v") == "DROP", json.dumps(val))
    finally:
        shutil.rmtree(pin, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("map_btf: %d passed, %d failed" % (results.count(True), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
