#!/usr/bin/env python3
"""run_packet_bench.py — the packet samples through wasm2bpf against the
same programs written natively for libbpf, side by side.

    sudo bench/run_packet_bench.py --wasm2bpf build/wasm2bpf
                                   [--runs N] [--rounds R] [--repeat K]
                                   [--out bench/REPORT.md] [--build-dir DIR]

For each sample (samples/auth, samples/counters, samples/blocklist) and
variant ("sample" as the sample is; "nolog" with its w2b_printk lines
compiled away, for a sample marked as logging so: none now, auth logs to a
ring buffer), two objects:

    samples/X/X.c  -- clang-19 --target=wasm32 -O2 ... -> wasm2bpf -> w2b
    bench/native/X.bpf.c -- clang-19 -O2 -g -target bpf -mcpu=v3 -> native

Both run with BPF_PROG_TEST_RUN (bench/packet_run.c, libbpf) on the same
frames, built here as bench/auth_run.py builds them. The script checks
that both return the expected verdict, reads verified_insns, xlated
instructions and JITed bytes from bpf_prog_info, and times each frame:

  - ns/run (the method of REPORT.md): one test run per syscall, the step
    of bpf_prog_info.run_time_ns across it (kernel.bpf_stats_enabled=1,
    restored afterwards); the median over rounds of each round's median;
  - repeat: one test run with repeat K, the kernel's own `duration`
    (average over its loop: no syscall between runs, warm caches).

Native and wasm2bpf alternate, R rounds, the order flipping each round,
pinned to one CPU. The results replace the "Packet programs" section of
the report (between its markers), or are appended to it. Exit 1 if a
verdict is wrong or the two sides disagree, 2 on a setup failure.
"""
import argparse
import os
import shutil
import statistics
import struct
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import auth_run  # noqa: E402  (frames: tcp_frame, http_request, TOKEN)
from run_bench import STATS_SYSCTL, check_setup, machine, ratio, run  # noqa: E402
BEGIN, END = "<!-- packet-bench:begin -->", "<!-- packet-bench:end -->"
SIDES = ("native", "w2b")


def udp_frame(payload=b"x" * 32, src="10.203.0.2", dst="10.203.0.1"):
    udp = struct.pack("!HHHH", 41000, 53, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0x1234, 0x4000, 64, 17, 0,
                     bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))))
    ip = ip[:10] + struct.pack("!H", auth_run.checksum(ip)) + ip[12:]
    return bytes.fromhex("020000000001" "020000000002" "0800") + ip + udp


TF = auth_run.tcp_frame
REQ = auth_run.http_request
# name: (sample source, native source, program, logs?, frames, map updates)
# frames: (name, bytes, expected verdict); verdicts: TC 0 OK / 2 SHOT,
# XDP 1 DROP / 2 PASS.
SAMPLES = {
    "auth": ("samples/auth/auth.c", "bench/native/auth.bpf.c", "auth", False, [
        ("valid token", TF(REQ(["Authorization: Bearer " + auth_run.TOKEN])), 0),
        ("wrong token", TF(REQ(["Authorization: Bearer abc"])), 2),
        ("ACK, no payload", TF(b""), 0),
    ], []),
    "counters": ("samples/counters/counters.c", "bench/native/counters.bpf.c", "counters",
                 False, [
                     ("UDP", udp_frame(), 2),
                     ("TCP", TF(REQ()), 2),
                 ], []),
    "blocklist": ("samples/blocklist/blocklist.c", "bench/native/blocklist.bpf.c",
                  "xdp_blocklist", False, [
                      ("blocked source", TF(b"", src="10.1.2.3"), 1),
                      ("other source", TF(b""), 2),
                  ],
                  # 10.1.2.0/24 -> rule 1 (struct w2b_lpm_v4_key: prefixlen, addr)
                  [("blocklist", "180000000a010200", "01000000")]),
}


def die(msg):
    print(f"run_packet_bench: {msg}", file=sys.stderr)
    sys.exit(2)


def build(args, out):
    """packet_run and every object: {(sample, variant): {side: path}}."""
    tool = os.path.join(out, "packet_run")
    r = run(["gcc", "-O2", "-Wall", "-Wextra", "-o", tool,
             os.path.join(HERE, "packet_run.c"), "-lbpf"])
    if r.returncode:
        die("building packet_run failed:\n" + r.stderr)
    multiarch = run(["gcc", "-dumpmachine"]).stdout.strip()
    objs = {}
    for s in args.samples:
        src, nsrc, _, logs, _, _ = SAMPLES[s]
        for v in (("sample", "nolog") if logs else ("sample",)):
            base = os.path.join(out, f"{s}.{v}")
            wasm = base + ".wasm"
            cmd = [args.clang, "--target=wasm32", "-O2", "-nostdlib", "-matomics",
                   "-Wl,--no-entry", "-Wl,-z,stack-size=8192",
                   "-I", os.path.join(ROOT, "runtime-stubs/include")]
            if v == "nolog":
                cmd += ["-include", os.path.join(HERE, "native/w2b_nolog.h")]
            r = run(cmd + ["-o", wasm, os.path.join(ROOT, src)])
            if r.returncode:
                die(f"{s} ({v}): clang wasm32 failed:\n{r.stderr}")
            r = run([args.wasm2bpf, wasm, "--target-kernel", args.target_kernel, "-o", base + ".w2b.o"])
            if r.returncode:
                die(f"{s} ({v}): wasm2bpf failed:\n{r.stderr}")
            cmd = [args.clang, "-O2", "-g", "-target", "bpf", "-mcpu=v3", "-Wall",
                   f"-I/usr/include/{multiarch}", "-c", "-o", base + ".native.o",
                   os.path.join(ROOT, nsrc)]
            if v == "nolog":
                cmd.insert(1, "-DNO_LOG")
            r = run(cmd)
            if r.returncode:
                die(f"{s} ({v}): clang bpf failed:\n{r.stderr}")
            objs[(s, v)] = {"native": base + ".native.o", "w2b": base + ".w2b.o"}
    return tool, objs


def packet_run(args, tool, obj, s, frame_path, side, runs, warmup, repeat, pin=None):
    prog, updates = SAMPLES[s][2], SAMPLES[s][5]
    pin_root = f"/sys/fs/bpf/w2b_pkt_bench_{os.getpid()}_{side}"
    os.makedirs(pin_root, exist_ok=True)
    cmd = [tool, obj, prog, frame_path, "--runs", str(runs), "--warmup", str(warmup),
           "--cpu", str(args.cpu), "--pin-root", pin_root]
    if repeat:
        cmd += ["--repeat", str(repeat)]
    if pin:
        cmd += ["--pin", pin]
    for m, k, v in updates:
        cmd += ["--map-update", m, k, v]
    r = run(cmd)
    if r.returncode:
        die(f"{obj}: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
    facts = {}
    for line in r.stdout.splitlines():
        key, _, val = line.partition("=")
        facts[key] = float(val) if "." in val else int(val)
    return facts


def dump_xlated(args, tool, objs, frames_dir, out):
    """Pin each object once and save `bpftool prog dump xlated`."""
    for (s, v), sides in objs.items():
        for side, obj in sides.items():
            pin = f"/sys/fs/bpf/w2b_pkt_bench_{os.getpid()}_dump"
            frame = os.path.join(frames_dir, f"{s}.0.bin")
            try:
                packet_run(args, tool, obj, s, frame, side, 1, 0, 0, pin=pin)
                r = run(["bpftool", "prog", "dump", "xlated", "pinned", pin])
                with open(os.path.join(out, f"{s}.{v}.{side}.xlated.txt"), "w") as fh:
                    fh.write(r.stdout)
            finally:
                if os.path.exists(pin):
                    os.unlink(pin)


def section(args, info, objs, static, timing, verdicts, bad):
    L = []
    w = L.append
    w(BEGIN)
    w("## Packet programs")
    w("")
    w(f"Generated by `bench/run_packet_bench.py` on {info['date']} (same machine "
      f"type as above: `{info['kernel']}`, {info['cpu']}, runs pinned to CPU {args.cpu}; "
      f"{info['load']}). Regenerate with "
      "`sudo bench/run_packet_bench.py --wasm2bpf build/wasm2bpf` (it rewrites only "
      "this section; `run_bench.py` rewrites the whole file, so run it first).")
    w("")
    w("The samples `auth` (TC), `counters` (XDP, per-CPU array) and `blocklist` "
      "(XDP, LPM trie) compiled by wasm2bpf (`clang-19 --target=wasm32 -O2 "
      "-matomics`, `-z stack-size=8192`, then `wasm2bpf` with its defaults) "
      "against the same policy and algorithm written natively for libbpf "
      "(`bench/native/*.bpf.c`, `clang-19 -O2 -g -target bpf -mcpu=v3`). "
      "auth logs every decision to a ring buffer (`auth_log`, 8-byte records) on "
      "both sides; it used to log with `bpf_trace_printk`, whose ~500 ns dominated a "
      "request (that is what the old **nolog** variant took away).")
    w("")
    w("**Time source.** ns/run is the report's method: one `BPF_PROG_TEST_RUN` "
      "with repeat 1 per syscall, and the step of `bpf_prog_info.run_time_ns` "
      "across it (`kernel.bpf_stats_enabled=1`; it does account test runs of "
      f"packet programs), median over {args.rounds} interleaved rounds of each "
      f"round's median of {args.runs} runs; fastest: the quickest single run. "
      f"The repeat column is the kernel's own `duration` of one test run with "
      f"`repeat {args.repeat}` (median over the rounds): packet programs, unlike "
      "syscall programs, accept `repeat`, and there the program runs back to "
      "back with warm caches and no syscall in between, so it shows the "
      "steady-state cost; it includes the stats' two `sched_clock()` reads per "
      "run, as ns/run does.")
    w("")
    if bad:
        w("**VERDICT MISMATCH:** " + "; ".join(bad))
        w("")
    w("Each cell is `native / wasm2bpf (ratio wasm2bpf÷native)`.")
    w("")
    w("| sample | variant | verified insns | xlated insns | JITed bytes |")
    w("|---|---|---:|---:|---:|")
    for (s, v) in objs:
        cells = []
        for key in ("verified_insns", "xlated_insns", "jited_bytes"):
            a, b = static[(s, v)]["native"][key], static[(s, v)]["w2b"][key]
            cells.append(f"{a} / {b} ({ratio(a, b)})")
        w(f"| {s} | {v} | " + " | ".join(cells) + " |")
    w("")
    w("| sample | variant | frame | bytes | verdict | ns/run | fastest run | repeat: ns/run |")
    w("|---|---|---|---:|---|---:|---:|---:|")
    for (s, v) in objs:
        for fi, (fname, fb, want) in enumerate(SAMPLES[s][4]):
            t = timing[(s, v, fi)]
            cells = []
            for key, agg in (("ns_median", statistics.median), ("ns_min", min),
                             ("repeat_duration_ns", statistics.median)):
                a = agg(x[key] for x in t["native"])
                b = agg(x[key] for x in t["w2b"])
                cells.append(f"{a:,.0f} / {b:,.0f} ({ratio(a, b)})")
            vn, vw = verdicts[(s, v, fi)]
            vd = f"{vn}" + ("" if vn == vw == want else f" **/ {vw} (want {want})**")
            w(f"| {s} | {v} | {fname} | {len(fb)} | {vd} | " + " | ".join(cells) + " |")
    w("")
    w(END)
    return "\n".join(L) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--target-kernel", default="6.4",
                    help="wasm2bpf's --target-kernel (default 6.4: iterators, as the natives' loops)")
    ap.add_argument("--runs", type=int, default=200, help="single test runs per measurement")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=10000, help="repeat of the duration run")
    ap.add_argument("--cpu", type=int, default=None)
    ap.add_argument("--out", default=os.path.join(HERE, "REPORT.md"))
    ap.add_argument("--build-dir", help="keep objects, frames and xlated dumps here")
    ap.add_argument("--clang", default="clang-19")
    ap.add_argument("--samples", help="comma-separated subset of: " + ", ".join(SAMPLES))
    args = ap.parse_args()
    check_setup(args)
    args.samples = args.samples.split(",") if args.samples else list(SAMPLES)
    for s in args.samples:
        if s not in SAMPLES:
            die(f"unknown sample '{s}'")
    out = args.build_dir or tempfile.mkdtemp(prefix="w2b-pkt-bench-")
    os.makedirs(out, exist_ok=True)
    tool, objs = build(args, out)
    for s in args.samples:
        for fi, (_, fb, _) in enumerate(SAMPLES[s][4]):
            with open(os.path.join(out, f"{s}.{fi}.bin"), "wb") as fh:
                fh.write(fb)

    with open(STATS_SYSCTL) as fh:
        stats_before = fh.read().strip()
    static, timing, verdicts, bad = {}, {}, {}, []
    try:
        with open(STATS_SYSCTL, "w") as fh:
            fh.write("1")
        load_before = os.getloadavg()
        for rnd in range(args.rounds):
            order = SIDES if rnd % 2 == 0 else tuple(reversed(SIDES))
            for (s, v), sides in objs.items():
                for fi, (fname, _, want) in enumerate(SAMPLES[s][4]):
                    frame = os.path.join(out, f"{s}.{fi}.bin")
                    t = timing.setdefault((s, v, fi), {x: [] for x in SIDES})
                    got = {}
                    for side in order:
                        f = packet_run(args, tool, sides[side], s, frame, side,
                                       args.runs, args.warmup, args.repeat)
                        static.setdefault((s, v), {})[side] = f
                        t[side].append(f)
                        got[side] = f["retval"]
                        if f["repeat_retval"] != f["retval"]:
                            bad.append(f"{s} {v} {fname} {side}: repeat run returned "
                                       f"{f['repeat_retval']}, single run {f['retval']}")
                    verdicts[(s, v, fi)] = (got["native"], got["w2b"])
                    if not got["native"] == got["w2b"] == want:
                        msg = (f"{s} {v} {fname}: native {got['native']}, "
                               f"wasm2bpf {got['w2b']}, want {want}")
                        if msg not in bad:
                            bad.append(msg)
                            print("run_packet_bench: *** VERDICT MISMATCH *** " + msg,
                                  file=sys.stderr)
            print(f"run_packet_bench: round {rnd + 1}/{args.rounds} done", file=sys.stderr)
        load_after = os.getloadavg()
        dump_xlated(args, tool, objs, out, out)
    finally:
        with open(STATS_SYSCTL, "w") as fh:
            fh.write(stats_before)
        for side in SIDES:
            shutil.rmtree(f"/sys/fs/bpf/w2b_pkt_bench_{os.getpid()}_{side}",
                          ignore_errors=True)

    info = machine()
    info["load"] = (f"1-minute load average {load_before[0]:.2f} before, "
                    f"{load_after[0]:.2f} after")
    text = section(args, info, objs, static, timing, verdicts, bad)
    report = open(args.out).read() if os.path.exists(args.out) else ""
    if BEGIN in report and END in report:
        a, b = report.index(BEGIN), report.index(END) + len(END)
        report = report[:a] + text.rstrip("\n") + report[b:]
    else:
        report = report.rstrip("\n") + "\n\n" + text
    with open(args.out, "w") as fh:
        fh.write(report)
    print(text)
    print(f"run_packet_bench: objects, frames and xlated dumps in {out}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
