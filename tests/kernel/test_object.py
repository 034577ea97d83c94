#!/usr/bin/env python3
"""What an emitted object looks like to the kernel's own tools.

- BTF: `bpftool btf dump file` shows the program and subprogram FUNCs.
- Line info: after `bpftool prog loadall`, every line number in
  `bpftool prog dump xlated ... linum` is the byte offset of a Wasm
  instruction of the module or of a function's start (its prologue and the
  entry wrapper), checked against wabt's wasm-objdump, and the division's
  offset is among them.
- Source lines: samples/auth built with -g (compiled, then linked without
  -O, so clang runs no wasm-opt, which would drop the line table's rows):
  the line info names auth.c and the SDK header, each line's text is that
  line of the file, the stats lookup's line is there, and the verifier's
  log (`bpftool -d`) says `@ auth.c:LINE`.
- Map names: the note names the object's maps (PREFIX_env, ...: the file
  name and a hash); two builds of one module and a --map-prefix build
  loaded side by side have maps of their own names, each found as one map
  by bpftool.
- --verify prints each program's verifier log with Wasm offsets named in
  the module's terms; --stats a line per program (instructions, stack,
  and with --verify the processed count the log ends with).
- License: GPL by default (the kernel marks the program gpl_compatible);
  --license=MIT is not GPL-compatible.
- --emit=asm/ll/ir write text; a refused compile leaves no output file.
- Exported mutable globals: after three runs on one CPU, `bpftool map
  dump` of PREFIX_env shows them by their export names with their values
  (tests/kernel/globals/exported.wat).

Closing line: "object: N passed, M failed".
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail))


def sh(*cmd, check_rc=True):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check_rc and p.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s%s" % (" ".join(cmd), p.returncode, p.stdout, p.stderr))
    return p


def instruction_offsets(wasm):
    offs = set()
    for line in sh("wasm-objdump", "-d", wasm).stdout.splitlines():
        # instructions, and function starts (prologue and entry wrapper)
        m = re.match(r"\s*([0-9a-f]{6}):", line) or re.match(r"([0-9a-f]{6}) func\[", line)
        if m:
            offs.add(int(m.group(1), 16))
    return offs


def check_verify_stats(w2b, tmp, wasm):
    """--verify prints the kernel's log with Wasm offsets named (the
    division of div_s at 0x59), --stats a line per program with what the
    verifier processed, as bpf_prog_info counts it."""
    p = sh(w2b, "--all-exports", wasm, "-o", os.path.join(tmp, "v.o"), "--verify", "--stats")
    check("--verify names the division's offset in the log",
          re.search(r"^; +func\[0\] 'div_s', offset 0x59 @ traps\.wasm:89$", p.stdout, re.M)
          is not None, p.stdout[-600:])
    check("--verify prints the kernel's own log (its processed line)",
          re.search(r"^processed \d+ insns", p.stdout, re.M) is not None)
    m = re.search(r"^stats: program 'div_s' \(syscall\): (\d+) instructions, (\d+) bytes of stack, "
                  r"estimated (\d+) instructions processed; "
                  r"verifier: (\d+) instructions processed, (\d+) loaded$", p.stdout, re.M)
    logs = [int(x) for x in re.findall(r"^processed (\d+) insns", p.stdout, re.M)]
    check("--stats: div_s's instructions, stack and processed count",
          m is not None and int(m.group(1)) > 0 and int(m.group(4)) in logs, p.stdout[-400:])
    # the precheck's estimate (each instruction once, loops once per
    # iteration; the kernel walks some twice, on two paths, and skips
    # branches it knows are dead) is near the kernel's count
    check("--stats: the estimate is within a factor of 2 of the kernel's count",
          m is not None and int(m.group(4)) / 2 <= int(m.group(3)) <= 2 * int(m.group(4)),
          m.group(0) if m else p.stdout[-400:])
    s = sh(w2b, "--all-exports", wasm, "-o", os.path.join(tmp, "s.o"), "--stats").stdout
    check("--stats alone loads nothing", "verifier:" not in s and "stats: program 'div_s'" in s, s)


def check_verify_refusal_and_long_log(w2b, tmp):
    """--verify of a program the kernel refuses (written with --no-precheck,
    which the precheck would have stopped): the kernel's words, the log
    with its lines named in the module's terms, exit 2. And of programs
    whose level-2 log outgrows the buffer (5.10's walked loops): loaded
    again at level 1, not taken for a refusal."""
    mod = os.path.join(ROOT, "tests", "precheck", "license-printk-xdp-mit.wat")
    p = sh(w2b, mod, "--entry", "f=xdp", "--license=MIT", "--no-precheck", "--verify",
           "-o", os.path.join(tmp, "r.o"), check_rc=False)
    out = p.stdout + p.stderr
    check("--verify of a refused program: exit 2, the kernel's reason, the log in the module's terms",
          p.returncode == 2 and "cannot call GPL-restricted function" in out and
          re.search(r"^; +func\[1\] 'f', offset 0x[0-9a-f]+ @ license-printk-xdp-mit\.wat:\d+$",
                    out, re.M) is not None, "exit %d: %s" % (p.returncode, out[-800:]))
    mod = os.path.join(ROOT, "tests", "run", "loop-packet.wat")
    p = sh(w2b, mod, "--entry", "bytesum=xdp", "--target-kernel=5.10", "--verify", "--stats",
           "-o", os.path.join(tmp, "l.o"))
    check("--verify of a 180,000-instruction walk: loaded again at level 1, exit 0",
          p.returncode == 0 and "loaded again at level 1" in p.stderr and
          re.search(r"verifier: \d{6} instructions processed", p.stdout) is not None,
          "exit %d: %s" % (p.returncode, (p.stdout + p.stderr)[-600:]))


def check_checks_elided(w2b):
    """tests/run/mem-range-known.wat: the accesses whose address bounds
    itself inside the hot block have no check: as many conditional jumps
    as a function reading no memory; one that may be out of bounds has
    more."""
    asm = sh(w2b, "--all-exports", "--emit=asm", os.path.join(ROOT, "tests/run/mem-range-known.wat"),
             "-o", "-").stdout
    jumps, f = {}, None
    for line in asm.splitlines():
        m = re.match(r"(\w+):$", line)
        if m and not m.group(1).startswith("LBB"):
            f = m.group(1)
        elif f and re.match(r"\s+if ", line):
            jumps[f] = jumps.get(f, 0) + 1
    base = jumps.get("none")
    check("a bounded address has no check (tab, tab8: as many jumps as none)",
          base is not None and jumps.get("tab") == base and jumps.get("tab8") == base, str(jumps))
    check("an address that may be out of bounds is checked (far)",
          base is not None and jumps.get("far", 0) > base, str(jumps))


def maps_named(name):
    """The ids of the kernel's maps whose name is `name`."""
    out = sh("bpftool", "-j", "map", "show").stdout
    return [m["id"] for m in json.loads(out) if m.get("name") == name]


def check_map_names(w2b, tmp, pin, wasm, prefix):
    """Two objects of one module built two ways, and a third with
    --map-prefix, loaded side by side: each map name is one map, the
    program's own, and `bpftool map dump name` reads it."""
    objs = {"a": [], "b": ["-O1"], "c": ["--map-prefix=w2bt_c"]}
    ids = {}
    try:
        for k, opts in objs.items():
            o = os.path.join(tmp, "names-%s.o" % k)
            note = sh(w2b, "--all-exports", wasm, "-o", o, *opts).stderr
            p = re.search(r"in (\w+)_env, ", note).group(1)
            sh("bpftool", "prog", "loadall", o, "%s-%s" % (pin, k))
            info = json.loads(sh("bpftool", "-j", "prog", "show", "pinned",
                                 "%s-%s/div_s" % (pin, k)).stdout)
            ids[k] = (p, set(info.get("map_ids", [])))
        check("default prefixes differ between builds", ids["a"][0] != ids["b"][0],
              "%s %s" % (ids["a"][0], ids["b"][0]))
        check("the first build's prefix is the note's", ids["a"][0] == prefix)
        check("--map-prefix names the maps", ids["c"][0] == "w2bt_c")
        for k, (p, mine) in ids.items():
            for suffix in ("_env", "_traps"):
                found = maps_named(p + suffix)
                check("%s%s is one map, the program's" % (p, suffix),
                      len(found) == 1 and found[0] in mine, "found %s, program's %s" % (found, mine))
        dump = sh("bpftool", "map", "dump", "name", ids["a"][0] + "_traps", check_rc=False)
        check("bpftool map dump name PREFIX_traps reads one map", dump.returncode == 0,
              dump.stderr)
    finally:
        for k in objs:
            subprocess.run(["rm", "-rf", "%s-%s" % (pin, k)])


def check_source_lines(w2b, tmp, pin):
    """samples/auth built with -g: its BTF line info is C."""
    src = os.path.join(ROOT, "samples", "auth", "auth.c")
    o, wasm, obj = (os.path.join(tmp, n) for n in ("auth.o", "auth.wasm", "auth.bpf.o"))
    sh("clang-19", "--target=wasm32", "-O2", "-g", "-matomics", "-I",
       os.path.join(ROOT, "runtime-stubs", "include"), "-c", "-o", o, src)
    sh("clang-19", "--target=wasm32", "-nostdlib", "-Wl,--no-entry", "-Wl,-z,stack-size=8192",
       "-o", wasm, o)
    sh(w2b, wasm, "-o", obj)
    p = sh("bpftool", "-d", "prog", "loadall", obj, pin + "-auth")
    try:
        dump = sh("bpftool", "prog", "dump", "xlated", "pinned", pin + "-auth/auth", "linum").stdout
    finally:
        subprocess.run(["rm", "-rf", pin + "-auth"])
    # "; TEXT [file:PATH line_num:N line_col:C]"
    recs = re.findall(r"^; (.*) \[file:(\S+) line_num:(\d+) line_col:(\d+)\]$", dump, re.M)
    in_c = [(t, f, int(n)) for t, f, n, _ in recs if f.endswith(".c") or f.endswith(".h")]
    check("-g: line info names auth.c", any(f == src for _, f, _ in in_c),
          "files %s" % sorted({r[1] for r in recs}))
    check("-g: line info names the SDK header",
          any(f.endswith("runtime-stubs/include/wasm2bpf_sdk.h") for _, f, _ in in_c))
    wrong = []
    for text, f, n in in_c:
        lines = open(f, encoding="utf-8").read().split("\n")
        if not (0 < n <= len(lines) and lines[n - 1].strip() == text.strip()):
            wrong.append("%s:%d %r" % (f, n, text))
    check("-g: each line's text is that line of its file", in_c and not wrong, "; ".join(wrong[:5]))
    auth = open(src, encoding="utf-8").read().split("\n")
    lookup = [k + 1 for k, l in enumerate(auth) if "bpf_map_lookup_elem(&auth_stats" in l]
    check("-g: the stats lookup's line is there", lookup and any(f == src and n == lookup[0]
                                                                  for _, f, n in in_c),
          "lookup at %s" % lookup)
    check("-g: the verifier's log names auth.c lines", "@ auth.c:" in p.stdout + p.stderr,
          (p.stdout + p.stderr)[-400:])


def check_exported_globals(w2b, tmp, pin):
    """Exported mutable globals are visible to a loader: named members of
    the env value's `globals`, per CPU, with the values the runs left."""
    wat = os.path.join(ROOT, "tests/kernel/globals/exported.wat")
    obj = os.path.join(tmp, "globals.o")
    pkt = os.path.join(tmp, "pkt64.bin")
    with open(pkt, "wb") as f:
        f.write(bytes(64))
    maps = pin + "-maps"
    try:
        note = sh(w2b, wat, "--entry", "f=xdp", "-o", obj).stderr
        prefix = re.search(r"in (\w+)_env, ", note).group(1)
        sh("bpftool", "prog", "loadall", obj, pin, "pinmaps", maps)
        # pinned to CPU 0 so the three runs add up in one CPU's instance
        sh("taskset", "-c", "0", "bpftool", "prog", "run", "pinned", pin + "/f",
           "data_in", pkt, "repeat", "3")
        dump = json.loads(sh("bpftool", "-j", "map", "dump", "pinned",
                             "%s/%s_env" % (maps, prefix)).stdout)
        cpu0 = [v["value"] for v in dump[0]["formatted"]["values"] if v["cpu"] == 0][0]
        want = {"hits": 3, "last_len": 64, "w2_global": 6}
        check("exported mutable globals are named members of the env value",
              cpu0.get("globals") == want, "globals %s, want %s" % (cpu0.get("globals"), want))
    finally:
        subprocess.run(["rm", "-rf", pin, maps])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm2bpf", required=True)
    w2b = ap.parse_args().wasm2bpf
    tmp = tempfile.mkdtemp(prefix="w2b-object-")
    pin = "/sys/fs/bpf/w2b-test-object-%d" % os.getpid()
    try:
        wasm = os.path.join(tmp, "traps.wasm")
        obj = os.path.join(tmp, "traps.bpf.o")
        sh("wat2wasm", os.path.join(ROOT, "tests/run/traps.wat"), "-o", wasm)
        sh(w2b, "--all-exports", wasm, "-o", obj)

        btf = sh("bpftool", "btf", "dump", "file", obj).stdout
        check("btf has the program FUNC", re.search(r"FUNC 'div_s' type_id=\d+ linkage=global", btf) is not None, btf[:400])
        note = sh(w2b, "--all-exports", wasm, "-o", obj).stderr
        m = re.search(r"in (\w+)_env, ", note)
        prefix = m.group(1) if m else "?"
        check("the note names the maps, PREFIX_env from the file name and a hash",
              re.fullmatch(r"trap_[0-9a-f]{4}", prefix) is not None, note)
        check("btf has the maps", prefix + "_env" in btf and prefix + "_traps" in btf, btf[:400])

        sh("bpftool", "prog", "loadall", obj, pin)
        show = sh("bpftool", "prog", "show", "pinned", pin + "/div_s").stdout
        check("default license is GPL", " gpl" in show, show)
        dump = sh("bpftool", "prog", "dump", "xlated", "pinned", pin + "/div_s", "linum").stdout
        lines = {int(x) for x in re.findall(r"line_num:(\d+)", dump)}
        offsets = instruction_offsets(wasm)
        div = [o for o in offsets if o in range(0x50, 0x60)]
        check("line info present", len(lines) > 0, dump[:400])
        check("line numbers are Wasm instruction offsets", lines <= offsets,
              "not instruction offsets: %s" % sorted(lines - offsets))
        check("the division's offset is in the line info", 0x59 in lines, "lines %s" % sorted(lines))
        check("line info names the module", "traps.wasm" in dump, dump[:300])
        shutil.rmtree(pin, ignore_errors=True)
        subprocess.run(["rm", "-rf", pin])

        check_source_lines(w2b, tmp, pin)
        check_map_names(w2b, tmp, pin, wasm, prefix)
        check_exported_globals(w2b, tmp, pin)

        obj2 = os.path.join(tmp, "mit.bpf.o")
        sh(w2b, "--all-exports", "--license=MIT", wasm, "-o", obj2)
        sh("bpftool", "prog", "loadall", obj2, pin)
        show = sh("bpftool", "prog", "show", "pinned", pin + "/div_s").stdout
        check("--license=MIT is not gpl", " gpl" not in show, show)
        subprocess.run(["rm", "-rf", pin])

        asm = sh(w2b, "--all-exports", "--emit=asm", wasm, "-o", "-").stdout
        check("--emit=asm writes BPF assembly", "exit" in asm and "call" in asm, asm[:300])
        ll = sh(w2b, "--all-exports", "--emit=ll", wasm, "-o", "-").stdout
        check("--emit=ll writes LLVM IR", 'section "syscall"' in ll, ll[:300])
        check_checks_elided(w2b)
        check_verify_stats(w2b, tmp, wasm)
        check_verify_refusal_and_long_log(w2b, tmp)
        ir = sh(w2b, "--all-exports", "--emit=ir", wasm, "-o", "-").stdout
        check("--emit=ir writes wasm2bpf IR", "trap_if" in ir, ir[:300])

        a = sh(w2b, "--all-exports", wasm, "-o", os.path.join(tmp, "a.o")).returncode
        b = sh(w2b, "--all-exports", wasm, "-o", os.path.join(tmp, "b.o")).returncode
        same = open(os.path.join(tmp, "a.o"), "rb").read() == open(os.path.join(tmp, "b.o"), "rb").read()
        check("output is deterministic", a == 0 and b == 0 and same)

        bad = os.path.join(tmp, "bad.wasm")
        with open(bad, "wb") as f:
            f.write(open(wasm, "rb").read()[:-3])
        out = os.path.join(tmp, "bad.o")
        p = sh(w2b, "--all-exports", bad, "-o", out, check_rc=False)
        check("a refused compile exits 1 and writes nothing",
              p.returncode == 1 and not os.path.exists(out) and
              not [f for f in os.listdir(tmp) if f.startswith("bad.o")], p.stderr)
    except RuntimeError as e:
        check("commands ran", False, str(e))
    finally:
        subprocess.run(["rm", "-rf", pin])
        shutil.rmtree(tmp, ignore_errors=True)
    passed = sum(results)
    print("object: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
