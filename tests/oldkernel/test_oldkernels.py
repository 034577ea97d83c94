#!/usr/bin/env python3
"""The samples on older kernels, in qemu: Debian 12's 6.1 and Debian 11's 5.10.

    tests/oldkernel/test_oldkernels.py BUILD_DIR WASM2BPF SOURCE_DIR [--kernel 6.1|5.10]...

Each kernel is booted once by ../shared/tools/oldkernel/run-objs.sh (found
from SOURCE_DIR, the repository root), which loads every object there with
libbpf and test-runs frames through the loaded program with `bpftool prog
run` (BPF_PROG_TEST_RUN), printing the verdict of each run.

- 6.1: every sample as CMake built it (BUILD_DIR/samples/NAME/NAME.bpf.o,
  default options) loads, and so does tests/kernel/trace's tp_btf program
  with its CO-RE reads (relocated in the guest for 6.1's BTF). The packet
  samples give the right verdicts. The test modules of OLD_KERNEL_MODULES
  (below, as on 5.10) load and give their PACKET lines' values: among
  them tests/run/packet-helpers.c's helpers that move the packet, and
  fentry, fexit and lsm programs, which the host's kernel refuses to load
  for everyone (EPERM).
  collatz (syscall programs) is only loaded: the guest's bpftool always
  sends a repeat count, which the kernel refuses for syscall programs
  (EINVAL), and okload, the guest's loader, cannot run programs at all.
- 5.10: the packet samples and execsnoop (tp_btf, CO-RE, a ring buffer),
  recompiled from BUILD_DIR/samples/NAME/NAME.wasm
  with the entries samples/CMakeLists.txt gives them and
  --target-kernel=5.10, load and give the same verdicts. collatz compiled
  so must be refused (exit 1, a message naming 5.14, the first kernel with
  syscall programs). And the OLD_KERNEL_MODULES: tests/run's
  loop-packet.wat (counted loops the verifier walks: a byte sum over a
  1500-byte frame, a 64 x 64 nest over its first bytes),
  atomic-add-statement.wat (BPF_XADD, the one atomic before 5.12) and
  packet-helpers.c (a loop around a packet-moving helper is a global
  function there), and tests/oldkernel/tracing-btf-types.wat, each entry
  compiled on its own with --target-kernel=5.10, load and compute the
  values their PACKET lines give.

The frames and verdicts are the host tests' own: auth's from
bench/auth_run.py, xdp_filter's from tests/kernel/test_samples.py, the map
samples' frames from tests/kernel/test_maps_samples.py. What run-objs.sh
allows differs from those tests:

- One repeat count for every run of a boot, and the verdict printed is the
  last run's. It is REPEAT = 5, ratelimit's BURST: five runs from a new
  source use its five tokens and the fifth passes. That five more are
  dropped is not tested here: it holds only if less than 0.5 s of guest
  time (five tokens at 10/s) passes between two bpftool runs, which an
  emulated guest on a loaded machine does not promise (seen failing in
  CI); tests/kernel/test_maps_samples.py tests it on the host.
- The guest cannot read or write maps: counters' and blocklist's maps are
  not checked, and blocklist's pinned LPM trie stays empty, so only its
  lookup misses (every frame passes) are tested.

Prints PASS/FAIL lines and "oldkernels: N passed, M failed"; exit 0 when
all pass, 1 if any fails, 2 when run-objs.sh is missing.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
sys.path.insert(0, os.path.join(HERE, "..", "kernel"))
import auth_run  # noqa: E402
sys.path.insert(0, os.path.join(HERE, "..", "golden"))
import run_golden  # noqa: E402
import test_maps_samples as maps  # noqa: E402
import test_samples  # noqa: E402

REPEAT = 5                  # ratelimit's BURST (samples/ratelimit/ratelimit.c)
BOOT_TIMEOUT = 110          # run-objs.sh --timeout: the guest's wall-clock limit, seconds
SYSCALL_MIN_KERNEL = "5.14"
KERNELS = ("6.1", "5.10")

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


def packet_cases():
    """(sample, what, frame, verdict): every frame run through a sample's program, in order."""
    cases = [("auth", name, frame, want) for name, frame, want in auth_run.FRAMES]
    cases += [("xdp_filter", what, bytes.fromhex(pkt), want) for what, pkt, want in test_samples.PACKETS]
    cases += [("counters", name + " passes", frame, maps.XDP_PASS)
              for name, frame in (("UDP", maps.udp()), ("TCP", maps.tcp()), ("ICMP", maps.icmp()),
                                  ("ARP", maps.arp()), ("IPv6 ICMPv6", maps.icmpv6()))]
    a = maps.udp("10.9.0.1")
    cases += [("ratelimit", "%d at once from new source 10.9.0.1: the last passes" % REPEAT, a, maps.XDP_PASS),
              ("ratelimit", "10.9.0.2 passes (its own bucket)", maps.udp("10.9.0.2"), maps.XDP_PASS),
              ("ratelimit", "ARP passes", maps.arp(), maps.XDP_PASS)]
    cases += [("blocklist", "10.1.2.7 passes (empty list)", maps.udp("10.1.2.7"), maps.XDP_PASS),
              ("blocklist", "ARP passes", maps.arp(), maps.XDP_PASS)]
    return cases


# Test modules loaded on both kernels, each entry compiled alone (at the
# kernel's --target-kernel) into the section given (a .wat's entries:
# xdp), and their PACKET lines checked: tests/run programs (counted loops;
# BPF_XADD; the packet helpers, which move the packet, in each loop
# lowering) and the tracing types the host cannot load.
OLD_KERNEL_MODULES = [
    ("tests/run/loop-packet.wat", {}),
    ("tests/run/atomic-add-statement.wat", {}),
    ("tests/run/packet-helpers.c", {"nat": "tc", "strip": "xdp", "trim": "xdp", "grow": "tc",
                                    "csum": "xdp", "via_devmap": "xdp", "nat_in_callee": "tc",
                                    "store_loop": "tc"}),
    ("tests/oldkernel/tracing-btf-types.wat", {"fe": "fentry/do_unlinkat", "fx": "fexit/do_unlinkat",
                                               "open": "lsm/file_open"}),
]

# Entries only loaded, their PACKET lines not run: before 6.18 a repeated
# XDP test run keeps the frame its last run left, so xdp_adjust_head(14)
# and xdp_adjust_tail(-30) move it again each time (REPEAT runs) and fail
# once too little is left; the host runs them once (tests/run).
LOAD_ONLY = {"packet-helpers.strip", "packet-helpers.trim"}


def module_entries(srcdir, rel, sections):
    """[(entry, section)] of one OLD_KERNEL_MODULES row: its sections, or
    (a .wat without them) the entries its PACKET lines name, as xdp."""
    if sections:
        return sorted(sections.items())
    names = set()
    with open(os.path.join(srcdir, rel)) as f:
        for line in f:
            m = re.match(r"(?:;;|//) PACKET: (\w+) ", line)
            if m:
                names.add(m.group(1))
    return [(n, "xdp") for n in sorted(names)]


def wat_cases(srcdir):
    """(object, what, frame, value) for each `PACKET: ENTRY HEX => i32:V`
    line of OLD_KERNEL_MODULES whose entry is compiled; the object is
    "STEM.ENTRY". The values assume programs give the same value however
    often a frame is run (run-objs.sh repeats each run)."""
    cases = []
    for rel, sections in OLD_KERNEL_MODULES:
        stem = os.path.splitext(os.path.basename(rel))[0]
        wanted = {e for e, _ in module_entries(srcdir, rel, sections)}
        with open(os.path.join(srcdir, rel)) as f:
            for line in f:
                m = re.match(r"(?:;;|//) PACKET: (\w+) ([0-9a-f]+) => i32:(\d+)", line)
                if m and m.group(1) in wanted and "%s.%s" % (stem, m.group(1)) not in LOAD_ONLY:
                    frame = bytes.fromhex(m.group(2))
                    cases.append(("%s.%s" % (stem, m.group(1)), "%d-byte frame" % len(frame), frame,
                                  int(m.group(3))))
    return cases


def compile_wats(a, tmp, opts, kernel):
    """{object name: path} for each entry of OLD_KERNEL_MODULES, compiled alone."""
    objs = {}
    for rel, sections in OLD_KERNEL_MODULES:
        stem = os.path.splitext(os.path.basename(rel))[0]
        src = os.path.join(a.source, rel)
        if rel.endswith(".c"):
            wasm, err = run_golden.compile_c(src, tmp)
        else:
            wasm = os.path.join(tmp, stem + ".wasm")
            p = subprocess.run(["wat2wasm", "--enable-threads", src, "-o", wasm],
                               capture_output=True, text=True)
            err = p.stderr if p.returncode else None
        if err:
            check("%s: build %s" % (kernel, rel), False, first_line(err))
            continue
        for entry, section in module_entries(a.source, rel, sections):
            name = "%s.%s" % (stem, entry)
            obj = os.path.join(tmp, name.replace(".", "_").replace("-", "_") + ".bpf.o")
            p = subprocess.run([a.wasm2bpf, "--entry", "%s=%s" % (entry, section), *opts, wasm, "-o", obj],
                               capture_output=True, text=True)
            if p.returncode:
                check("%s: %s compiles" % (kernel, name), False, "exit %d: %s" % (p.returncode, first_line(p.stderr)))
            else:
                objs[name] = obj
    return objs


def sample_entries(srcdir):
    """{NAME: [--entry FUNC=SECTION ...]}: the entries samples/CMakeLists.txt's
    w2b_sdk_module(NAME SOURCE [DEBUG] ENTRIES...) compiles each sample with."""
    with open(os.path.join(srcdir, "samples", "CMakeLists.txt")) as f:
        text = re.sub(r"#.*", "", f.read())
    out = {}
    for args in re.findall(r"w2b_sdk_module\(([^)]*)\)", text):
        name, _source, *entries = args.split()
        # DEBUG is w2b_sdk_module's keyword (build with -g), not an entry
        out[name] = [a for e in entries if e != "DEBUG" for a in ("--entry", e)]
    return out


def compile_sample(wasm2bpf, build, name, entries, opts, out):
    """wasm2bpf's CompletedProcess for BUILD/samples/NAME/NAME.wasm -> out."""
    wasm = os.path.join(build, "samples", name, name + ".wasm")
    return subprocess.run([wasm2bpf, *entries, *opts, wasm, "-o", out], capture_output=True, text=True)


def first_line(s):
    return (s.strip().splitlines() or [""])[0]


def boot(run_objs, kernel, objs, cases, tmp):
    """Load objs {sample: path} on kernel in one boot and run each case's
    frame through its sample's program. Returns (loads {sample: (loaded,
    detail)}, verdicts {case index: int or error text}, SUMMARY line), or
    raises RuntimeError when the guest did not finish."""
    cmd = [run_objs, "--kernel", kernel, "--repeat", str(REPEAT), "--timeout", str(BOOT_TIMEOUT)]
    cmd += objs.values()
    pkt_names = {}
    for i, (sample, _, frame, _) in enumerate(cases):
        if sample not in objs:
            continue
        # run-objs.sh reports each run under its packet file's base name
        name = "%s-%d.bin" % (sample, i)
        with open(os.path.join(tmp, name), "wb") as f:
            f.write(frame)
        cmd += ["--pkt", "%s=%s" % (objs[sample], os.path.join(tmp, name))]
        pkt_names[name] = i
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=BOOT_TIMEOUT + 60)
    if p.returncode:
        raise RuntimeError("run-objs.sh exit %d: %s" % (p.returncode, (p.stderr or p.stdout).strip()[-1500:]))
    by_obj = {os.path.basename(path): sample for sample, path in objs.items()}
    loads, verdicts, summary = {}, {}, ""
    for line in p.stdout.splitlines():
        if line.startswith("SUMMARY: "):
            summary = line
            continue
        m = re.match(r"(\S+): (loaded|rejected|NO RESULT)(.*)", line)
        if not m or m.group(1) not in by_obj:
            continue
        head, _, runs = m.group(3).partition(" | ")
        loads[by_obj[m.group(1)]] = (m.group(2) == "loaded", (m.group(2) + head).strip())
        for pkt, ret, err in re.findall(r"(\S+\.bin) (?:ret=(-?\d+)|run FAILED: ([^;]*))", runs):
            if pkt in pkt_names:
                verdicts[pkt_names[pkt]] = int(ret) if ret else "run failed: " + err.strip()
    return loads, verdicts, summary


def test_kernel(run_objs, kernel, objs, cases, tmp):
    """Boot kernel with objs {sample: path}; check that each loads and each case's verdict."""
    t0 = time.monotonic()
    try:
        loads, verdicts, summary = boot(run_objs, kernel, objs, cases, tmp)
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        check("%s: boot" % kernel, False, str(e))
        return
    print("%s: %s" % (kernel, summary))
    for sample, path in objs.items():
        loaded, detail = loads.get(sample, (False, "not in run-objs.sh's output"))
        check("%s: %s loads" % (kernel, os.path.basename(path)), loaded, detail)
    for i, (sample, what, _, want) in enumerate(cases):
        if sample not in objs:
            continue
        got = verdicts.get(i, "no verdict" + ("" if loads.get(sample, (False,))[0] else ": not loaded"))
        check("%s: %s: %s -> %d" % (kernel, sample, what, want), got == want,
              "verdict %d" % got if isinstance(got, int) else got)
    print("%s: %.1f s" % (kernel, time.monotonic() - t0), flush=True)


def kernel_61(a, run_objs, entries, cases, tmp):
    objs = {}
    for name in entries:
        obj = os.path.join(a.build, "samples", name, name + ".bpf.o")
        if os.path.exists(obj):
            objs[name] = obj
        else:
            check("6.1: %s exists" % obj, False, "build the samples")
    # a tracing program with CO-RE reads (tests/kernel/trace/exec_seen.c):
    # libbpf in the guest relocates it for 6.1's own task_struct
    trace = os.path.join(a.build, "tests", "trace_exec_seen", "trace_exec_seen.bpf.o")
    check("6.1: %s exists" % trace, os.path.exists(trace), "build the tests")
    if os.path.exists(trace):
        objs["trace_exec_seen"] = trace
    objs.update(compile_wats(a, tmp, ["--target-kernel=6.1"], "6.1"))
    test_kernel(run_objs, "6.1", objs, cases + wat_cases(a.source), tmp)


def kernel_510(a, run_objs, entries, cases, tmp):
    opts = ["--target-kernel=5.10"]
    objs = {}
    packet_samples = sorted({c[0] for c in cases})
    for name in packet_samples:
        obj = os.path.join(tmp, name + ".bpf.o")
        p = compile_sample(a.wasm2bpf, a.build, name, entries.get(name, []), opts, obj)
        if p.returncode:
            check("5.10: %s compiles" % name, False, "exit %d: %s" % (p.returncode, first_line(p.stderr)))
        else:
            objs[name] = obj
    for name in sorted(set(entries) - set(packet_samples)):
        obj = os.path.join(tmp, name + ".bpf.o")
        p = compile_sample(a.wasm2bpf, a.build, name, entries[name], opts, obj)
        if not any("=syscall" in e for e in entries[name]):
            # a tracing sample (execsnoop: tp_btf 5.5, CO-RE reads 5.5,
            # the ring buffer 5.8) compiles for 5.10 and loads there
            check("5.10: %s compiles" % name, p.returncode == 0,
                  "exit %d: %s" % (p.returncode, first_line(p.stderr)))
            if p.returncode == 0:
                objs[name] = obj
            continue
        check("5.10: %s (syscall programs) is refused: exit 1, naming %s" % (name, SYSCALL_MIN_KERNEL),
              p.returncode == 1 and SYSCALL_MIN_KERNEL in p.stderr,
              "exit %d: %s" % (p.returncode, first_line(p.stderr) or first_line(p.stdout)))
    objs.update(compile_wats(a, tmp, opts, "5.10"))
    if objs:
        test_kernel(run_objs, "5.10", objs, cases + wat_cases(a.source), tmp)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build", help="the build directory (BUILD/samples/NAME/NAME.bpf.o and NAME.wasm)")
    ap.add_argument("wasm2bpf", help="the compiler, for the 5.10 objects")
    ap.add_argument("source", help="the repository root (samples/CMakeLists.txt; ../shared beside it)")
    ap.add_argument("--kernel", action="append", choices=KERNELS, help="only this kernel (repeatable)")
    a = ap.parse_args()
    run_objs = os.path.normpath(os.path.join(a.source, "..", "shared", "tools", "oldkernel", "run-objs.sh"))
    if not os.access(run_objs, os.X_OK):
        print("oldkernels: no %s (the shared tools are cloned beside the repository)" % run_objs)
        return 2
    entries = sample_entries(a.source)
    cases = packet_cases()
    with tempfile.TemporaryDirectory(prefix="w2b-oldkernels-") as tmp:
        for kernel, fn in (("6.1", kernel_61), ("5.10", kernel_510)):
            if not a.kernel or kernel in a.kernel:
                os.mkdir(os.path.join(tmp, kernel))
                fn(a, run_objs, entries, cases, os.path.join(tmp, kernel))
    passed = sum(results)
    print("oldkernels: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
