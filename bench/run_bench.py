#!/usr/bin/env python3
"""run_bench.py — wasm2bpf against native `clang -O2 -target bpf`, side by side.

    sudo bench/run_bench.py --wasm2bpf BUILD/wasm2bpf [--runs N] [--rounds R]
                            [--out bench/REPORT.md]

Every kernel in bench/kernels/*.c is compiled twice from the same source:

    clang-19 --target=wasm32 -O2 -> .wasm -> wasm2bpf -> NAME.w2b.o
    clang-19 -O2 -g -target bpf  ->                      NAME.native.o

Both hold a `syscall` program NAME with the context of docs/abi.md (one u64
parameter n, one u64 result). For each kernel the script

  1. checks that both objects give the same result for the same inputs
     (a mismatch is printed loudly, marked in the report, and makes the
     script exit 1);
  2. reads what the kernel reports for each loaded program: verified_insns
     (instructions the verifier processed), xlated instructions, JITed bytes;
  3. measures the kernel-side run time per run: bench_run runs the program N
     times with BPF_PROG_TEST_RUN and divides bpf_prog_info.run_time_ns by
     run_cnt (kernel.bpf_stats_enabled is turned on for the duration and
     restored afterwards). Native and wasm2bpf runs are interleaved, R
     rounds, order alternating; the report gives the median;
  4. dissects the hot loop of the array-sum kernel in both xlated dumps
     (instructions per memory access);

then writes a Markdown report. A kernel that does not compile or load shows
"refused: <reason>" / "load failed: <reason>" instead of numbers.
"""
import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_DIR = os.path.join(HERE, "kernels")
STATS_SYSCTL = "/proc/sys/kernel/bpf_stats_enabled"
MAX_LOOP_ITERS = 8388607  # wasm2bpf's maximum; native BENCH_WHILE uses the same

# name: (benchmark n, what one run does)
KERNELS = {
    "collatz": (1000, "Collatz steps of every start in [1, n]"),
    "xorshift": (100000, "n steps of xorshift64*"),
    "isqrt_gcd": (1000, "Newton isqrt + Euclid gcd for every v in [1, n]"),
    "sum_u32": (262144, "fill 4096 u32, sum n of them"),
    "crc32": (262144, "build table + 4 KiB buffer, CRC-32 of n bytes"),
    "isort": (100, "n rounds: fill 64 u32, insertion sort"),
    "copy": (262144, "fill 2048 u64, copy n words"),
}
CHECK_INPUTS = [0, 1, 7, 100]
VARIANTS = ("native", "w2b")
VARIANT_TITLE = {"native": "native clang", "w2b": "wasm2bpf"}


def die(msg):
    print(f"run_bench: {msg}", file=sys.stderr)
    sys.exit(2)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def first_error(stderr, fallback):
    """The line of a tool's stderr that says why, for the report."""
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    for pat in ("error:", "BPF program is too large", "processed ",
                "load failed", "invalid", "unknown"):
        for l in lines:
            if pat in l:
                return l
    return lines[-1] if lines else fallback


def short(text, n=160):
    text = text.replace("|", "\\|")
    return text if len(text) <= n else text[: n - 3] + "..."


# --- building ---------------------------------------------------------------

def build(args, out):
    """Compile bench_run and both variants of every kernel; returns
    {kernel: {variant: (path or None, reason)}}."""
    bench_run = os.path.join(out, "bench_run")
    r = run(["gcc", "-O2", "-Wall", "-Wextra", "-o", bench_run,
             os.path.join(HERE, "bench_run.c"), "-lbpf"])
    if r.returncode:
        die("building bench_run failed:\n" + r.stderr)
    multiarch = run(["gcc", "-dumpmachine"]).stdout.strip()
    objs = {}
    for k in args.kernels:
        src = os.path.join(KERNEL_DIR, k + ".c")
        objs[k] = {}
        wasm = os.path.join(out, k + ".wasm")
        r = run([args.clang, "--target=wasm32", "-O2", "-nostdlib",
                 "-Wl,--no-entry", "-o", wasm, src])
        if r.returncode:
            objs[k]["w2b"] = (None, "clang wasm32: " + first_error(r.stderr, "failed"))
        else:
            obj = os.path.join(out, k + ".w2b.o")
            r = run([args.wasm2bpf, wasm, "--entry", f"{k}=syscall", "--target-kernel", args.target_kernel,
                     f"--max-loop-iters={MAX_LOOP_ITERS}", "-o", obj])
            if r.returncode:
                why = first_error(r.stderr, f"exit {r.returncode}")
                why = re.sub(r"^\S*\.wasm:", "", why)  # keep the 0xOFFSET
                objs[k]["w2b"] = (None, "refused: " + why)
            else:
                objs[k]["w2b"] = (obj, "")
        obj = os.path.join(out, k + ".native.o")
        r = run([args.clang, "-O2", "-g", "-target", "bpf", "-mcpu=v3",
                 "-Wall", f"-I/usr/include/{multiarch}", "-c", "-o", obj, src])
        if r.returncode:
            objs[k]["native"] = (None, "clang bpf: " + first_error(r.stderr, "failed"))
        else:
            objs[k]["native"] = (obj, "")
    return bench_run, objs


# --- running ----------------------------------------------------------------

NICE = 0


def bench_run(tool, obj, prog, n, runs=1, warmup=0, cpu=None, pin=None):
    """Returns (facts dict, None) or (None, reason)."""
    cmd = [tool, obj, prog, "--runs", str(runs), "--warmup", str(warmup)]
    if cpu is not None:
        cmd += ["--cpu", str(cpu)]
    if pin:
        cmd += ["--pin", pin]
    cmd.append(str(n))
    r = run(cmd, preexec_fn=(lambda: os.nice(NICE)) if NICE else None)
    if r.returncode == 2:
        return None, "load failed: " + first_error(r.stderr, "exit 2")
    facts = {}
    for line in r.stdout.splitlines():
        key, _, val = line.partition("=")
        facts[key] = float(val) if "." in val else int(val)
    return facts, None


def outcome(f):
    """What a run returned, comparable across the two variants."""
    if f["status"]:
        return f"trap {f['status']}"
    return str(f["result0"])


def check(tool, objs, k, args):
    """Both variants on every check input; returns per-variant static facts,
    per-variant failure, and a list of mismatch descriptions."""
    inputs = sorted(set(CHECK_INPUTS + [KERNELS[k][0]]))
    facts, failed, results = {}, {}, {}
    for v in VARIANTS:
        obj, why = objs[k][v]
        if not obj:
            failed[v] = why
            continue
        for n in inputs:
            f, why = bench_run(tool, obj, k, n, cpu=args.cpu)
            if f is None:
                failed[v] = why
                break
            facts.setdefault(v, f)
            results.setdefault(v, {})[n] = outcome(f)
    mismatches = []
    if not failed:
        for n in inputs:
            a, b = results["native"][n], results["w2b"][n]
            if a != b:
                mismatches.append(f"n={n}: native {a}, wasm2bpf {b}")
    return inputs, facts, failed, results, mismatches


def measure(tool, objs, ks, args):
    """Interleaved rounds; returns {k: {v: [(ns_per_run, wall_ns, run_cnt)]}}."""
    samples = {k: {v: [] for v in VARIANTS} for k in ks}
    for rnd in range(args.rounds):
        order = VARIANTS if rnd % 2 == 0 else tuple(reversed(VARIANTS))
        for k in ks:
            for v in order:
                f, why = bench_run(tool, objs[k][v][0], k, KERNELS[k][0],
                                   runs=args.runs, warmup=args.warmup,
                                   cpu=args.cpu)
                if f is None:
                    die(f"{k} ({v}) failed while measuring: {why}")
                if f["status"]:
                    die(f"{k} ({v}) trapped (status {f['status']}) at n={KERNELS[k][0]}")
                samples[k][v].append((f.get("ns_median", 0), f["wall_ns_per_run"],
                                      f["run_cnt"], f.get("ns_min", 0)))
        print(f"run_bench: round {rnd + 1}/{args.rounds} done", file=sys.stderr)
    return samples


# --- hot loop ---------------------------------------------------------------

INSN_RE = re.compile(r"^\s*(\d+): \(([0-9a-f]{2})\) (.*)$")
MEM_RE = re.compile(r"\*\((u8|u16|u32|u64) \*\)\((r\d+) ([+-]\d+)\)")
PC_RE = re.compile(r"pc([+-]\d+)")


def parse_xlated(text):
    """bpftool's text dump -> [(slot index, opcode, text)]."""
    insns = []
    for line in text.splitlines():
        m = INSN_RE.match(line)
        if m:
            insns.append((int(m.group(1)), int(m.group(2), 16), m.group(3)))
    return insns


def is_jump_class(op):
    return op & 0x07 in (0x05, 0x06)


def successors(insns, at, i):
    """Successor instruction positions (indexes into insns) of insns[i];
    `at` maps slot index -> position."""
    idx, op, text = insns[i]
    nxt = [i + 1] if i + 1 < len(insns) else []
    if not is_jump_class(op):
        return nxt
    code = op >> 4
    if code == 0x9:  # exit
        return []
    if code == 0x8:  # call: helper, kfunc or subprogram, returns here
        return nxt
    m = PC_RE.search(text)
    target = at.get(idx + 1 + int(m.group(1))) if m else None
    tgt = [target] if target is not None else []
    if code == 0x0:  # goto / gotol
        return tgt
    return tgt + nxt


def cfg(insns):
    """Successor and predecessor lists of every instruction position."""
    at = {ins[0]: j for j, ins in enumerate(insns)}
    succ = [successors(insns, at, i) for i in range(len(insns))]
    preds = [[] for _ in insns]
    for i, ss in enumerate(succ):
        for j in ss:
            preds[j].append(i)
    return succ, preds


def loops(succ):
    """Strongly connected components of the instruction graph that contain
    a cycle: the loops, as sets of positions (Tarjan, iterative)."""
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    for root in range(len(succ)):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, pi = work.pop()
            if pi == 0:
                index[v] = low[v] = counter[0]
                counter[0] += 1
                stack.append(v)
                on.add(v)
            recurse = False
            for j in range(pi, len(succ[v])):
                w = succ[v][j]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in succ[v]:
                    comps.append(comp)
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    return comps


def defines(text, reg):
    """How insns text defines reg: None (it doesn't), ("iter",) for r0 after
    bpf_iter_num_next(), ("mov", src) for a plain copy, ("other",)."""
    if text.startswith("call "):
        if reg == "r0" and "bpf_iter_num_next" in text:
            return ("iter",)
        return ("other",) if reg in ("r0", "r1", "r2", "r3", "r4", "r5") else None
    m = re.match(r"^([rw])(\d+) ", text)
    if not m or "r" + m.group(2) != reg:
        return None
    mov = re.match(r"^r\d+ = (r\d+)$", text)
    return ("mov", mov.group(1)) if mov else ("other",)


def iter_pointer(insns, preds, pos, reg):
    """Whether every definition of reg reaching insns[pos] is the pointer a
    bpf_iter_num_next() call returned (searching backwards over the CFG)."""
    seen, work = set(), [(p, reg) for p in preds[pos]]
    if not work:
        return False
    while work:
        p, r = work.pop()
        if (p, r) in seen:
            continue
        seen.add((p, r))
        d = defines(insns[p][2], r)
        if d is None:
            if not preds[p]:
                return False  # reaches the entry undefined
            work.extend((q, r) for q in preds[p])
        elif d[0] == "mov":
            work.extend((q, d[1]) for q in preds[p])
        elif d[0] != "iter":
            return False
    return True


def data_accesses(insns, preds, positions, width):
    """Loads/stores of `width` that touch data: not the stack (r10) and not
    the int a bpf_iter_num_next() call returned a pointer to."""
    loads = stores = 0
    for i in positions:
        text = insns[i][2]
        m = MEM_RE.search(text)
        if not m or m.group(1) != width or m.group(2) == "r10":
            continue
        if iter_pointer(insns, preds, i, m.group(2)):
            continue
        if text.startswith("*("):
            stores += 1
        else:
            loads += 1
    return loads, stores


def hot_loop(tool, obj, k, width, pin):
    """Pin the program, dump it, find the loop with the most data loads.
    Returns (summary dict, listing) or (None, reason)."""
    f, why = bench_run(tool, obj, k, 1, pin=pin)
    if f is None:
        return None, why
    try:
        r = run(["bpftool", "prog", "dump", "xlated", "pinned", pin])
    finally:
        if os.path.exists(pin):
            os.unlink(pin)
    if r.returncode:
        return None, "bpftool: " + first_error(r.stderr, "failed")
    insns = parse_xlated(r.stdout)
    succ, preds = cfg(insns)
    best = None
    for comp in loops(succ):
        loads, stores = data_accesses(insns, preds, comp, width)
        if loads == 0:
            continue
        key = (loads, -len(comp))
        if best is None or key > best[0]:
            best = (key, comp, loads, stores)
    if best is None:
        return None, "no loop with a data load found"
    _, comp, loads, stores = best
    exits = sum(1 for i in comp
                if is_jump_class(insns[i][1]) and insns[i][1] >> 4 not in (0x0, 0x8, 0x9)
                and any(j not in comp for j in succ[i]))
    stack = sum(1 for i in comp
                if (m := MEM_RE.search(insns[i][2])) and m.group(2) == "r10")
    listing = "\n".join(f"{insns[i][0]:4d}: {insns[i][2]}" for i in sorted(comp))
    slots = sum(2 if insns[i][1] == 0x18 else 1 for i in comp)
    kfunc = sum(1 for i in comp if "bpf_iter_num_next" in insns[i][2])
    span = (insns[min(comp)][0], insns[max(comp)][0])
    return {"insns": len(comp), "slots": slots, "loads": loads,
            "stores": stores, "iter_calls": kfunc, "span": span,
            "exits": exits, "stack": stack}, listing


# --- report -----------------------------------------------------------------

def ratio(a, b):
    return f"{b / a:.2f}x" if a else "–"


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "kernel": platform.release(),
        "cpu": cpu,
        "ncpu": os.cpu_count(),
        "date": datetime.datetime.now(datetime.timezone.utc)
        .strftime("%Y-%m-%d %H:%M UTC"),
    }


def cpu_times():
    """The aggregate `cpu` line of /proc/stat, in ticks."""
    with open("/proc/stat") as fh:
        return [int(x) for x in fh.readline().split()[1:]]


def steal_pct(before, after):
    d = [b - a for a, b in zip(before, after)]
    total = sum(d[:8])  # guest time is already counted in user/nice
    return 100.0 * d[7] / total if total else 0.0


def tool_version(cmd):
    try:
        r = run(cmd)
        return (r.stdout or r.stderr).splitlines()[0].strip()
    except (OSError, IndexError):
        return "unknown"


def write_report(path, args, info, rows, samples, hot, any_mismatch, timing_src):
    L = []
    w = L.append
    w("# wasm2bpf vs native clang: benchmark report")
    w("")
    w(f"Generated by `bench/run_bench.py` on {info['date']}.")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| kernel | `{info['kernel']}` |")
    w(f"| CPU | {info['cpu']} ({info['ncpu']} CPUs; runs pinned to CPU {args.cpu}) |")
    w(f"| native | `{info['clang']}`, `-O2 -g -target bpf -mcpu=v3` |")
    w(f"| wasm2bpf | `{args.wasm2bpf}` (default `-O2`, `--mcpu=v3`, "
      f"`--max-loop-iters={MAX_LOOP_ITERS}`); Wasm from `{args.clang} --target=wasm32 -O2` |")
    w(f"| wasm2bpf source | {info['rev']} |")
    w(f"| runs | {args.rounds} rounds x {args.runs} runs (+{args.warmup} warm-up) "
      f"per kernel and variant, interleaved |")
    w(f"| time source | {timing_src} |")
    w(f"| machine load | {info['load']}" + (f"; bench_run at nice {args.nice}" if args.nice else "") + " |")
    w("")
    if any_mismatch:
        w("**RESULT MISMATCH: at least one kernel gives different results "
          "natively and through wasm2bpf; see the table.**")
        w("")
    w("## Summary")
    w("")
    w("Each cell is `native / wasm2bpf (ratio wasm2bpf÷native)`. "
      "ns/run: each run's kernel-side time is the step of "
      "`bpf_prog_info.run_time_ns` across it; the cell is the median over "
      "the rounds of each round's median run; fastest run: the quickest "
      "single run of all rounds (see Timing detail on noise).")
    w("")
    w("| kernel | n | results | verified insns | xlated insns | JITed bytes | ns/run "
      "| fastest run |")
    w("|---|---:|---|---:|---:|---:|---:|---:|")
    for k, row in rows.items():
        n = KERNELS[k][0]
        if row["failed"]:
            why = "; ".join(f"{VARIANT_TITLE[v]}: {short(r)}"
                            for v, r in row["failed"].items())
            w(f"| {k} | {n} | {why} | | | | | |")
            continue
        res = ("**MISMATCH**: " + "; ".join(row["mismatches"])) \
            if row["mismatches"] else f"agree ({len(row['inputs'])} inputs)"
        cells = []
        for key in ("verified_insns", "xlated_insns", "jited_bytes"):
            a, b = row["facts"]["native"][key], row["facts"]["w2b"][key]
            cells.append(f"{a} / {b} ({ratio(a, b)})")
        ta = statistics.median(s[0] for s in samples[k]["native"])
        tb = statistics.median(s[0] for s in samples[k]["w2b"])
        cells.append(f"{ta:,.0f} / {tb:,.0f} ({ratio(ta, tb)})")
        fa = min(s[3] for s in samples[k]["native"])
        fb = min(s[3] for s in samples[k]["w2b"])
        cells.append(f"{fa:,.0f} / {fb:,.0f} ({ratio(fa, fb)})")
        w(f"| {k} | {n} | {res} | " + " | ".join(cells) + " |")
    w("")
    w("## What each kernel does")
    w("")
    w("| kernel | one run | checked at n = | result at the benchmark n |")
    w("|---|---|---|---|")
    for k, row in rows.items():
        inputs = ", ".join(str(i) for i in row["inputs"]) if row["inputs"] else "–"
        res = row["results"].get("native", {}).get(KERNELS[k][0]) or \
            row["results"].get("w2b", {}).get(KERNELS[k][0]) or "–"
        w(f"| {k} | {KERNELS[k][1]} | {inputs} | {res} |")
    w("")
    w("## Timing detail")
    w("")
    w("ns per run from the kernel's `run_time_ns`: the median over rounds "
      "of each round's median run, then the range of the round medians; the "
      "fastest single run; and the wall-clock time of one "
      "`BPF_PROG_TEST_RUN` syscall measured in userspace (median of the "
      "rounds' means), which adds the syscall, the context copy and — on a "
      "busy machine — the time the process waits for a CPU afterwards.")
    w("")
    w("Three ratios (wasm2bpf÷native), because a shared virtual machine is "
      "noisy: of the medians (the summary's), the median of the per-round "
      "ratios (each round runs both variants back to back, so slow drift "
      "cancels), and of the fastest runs (noise only ever adds time).")
    w("")
    w("| kernel | native ns/run | wasm2bpf ns/run | ratio of medians | "
      "median per-round ratio | native fastest | wasm2bpf fastest | ratio of fastest | "
      "native wall ns | wasm2bpf wall ns |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for k, row in rows.items():
        if row["failed"]:
            continue
        cells, med, low, t = [], {}, {}, {}
        for v in VARIANTS:
            t[v] = [s[0] for s in samples[k][v]]
            med[v] = statistics.median(t[v])
            low[v] = min(s[3] for s in samples[k][v])
            cells.append(f"{med[v]:,.0f} ({min(t[v]):,.0f}–{max(t[v]):,.0f})")
        per_round = statistics.median(b / a for a, b in zip(t["native"], t["w2b"]) if a)
        walls = [f"{statistics.median(s[1] for s in samples[k][v]):,.0f}"
                 for v in VARIANTS]
        w(f"| {k} | {cells[0]} | {cells[1]} | {ratio(med['native'], med['w2b'])} | "
          f"{per_round:.2f}x | {low['native']:,.0f} | {low['w2b']:,.0f} | "
          f"{ratio(low['native'], low['w2b'])} | "
          f"{walls[0]} | {walls[1]} |")
    w("")
    w("## BPF instructions per memory access in a hot loop (sum_u32)")
    w("")
    w("The loop is `BENCH_FOR(i, 0, n) sum += sum_data[i & 4095];`. How it is "
      "found, identically for both objects: the program is loaded, pinned and "
      "dumped with `bpftool prog dump xlated`; the dump is cut into a control "
      "flow graph (a conditional jump goes to its target and the next "
      "instruction, `goto` only to its target, `exit` nowhere, calls return); "
      "its strongly connected components with a cycle are the loops; the hot "
      "loop is the one with the most 4-byte loads that touch data — not the "
      "stack (`r10`) and not the `int` that `bpf_iter_num_next()` returns a "
      "pointer to. Its instruction count is every instruction on the cycle, "
      "i.e. one iteration (the bodies have no branches other than the loop "
      "exit, the native bounds test and wasm2bpf's trap exits, which leave "
      "the component). `ld_imm64` counts as one instruction.")
    w("")
    if not hot:
        w("Not available: the sum_u32 kernel did not build or load in both variants.")
    else:
        w("| | native | wasm2bpf |")
        w("|---|---:|---:|")
        for key, title in (("span", "xlated instructions (positions)"),
                           ("insns", "instructions per loop iteration"),
                           ("loads", "array loads per iteration"),
                           ("iter_calls", "bpf_iter_num_next calls per iteration"),
                           ("exits", "conditional branches leaving the loop "
                            "(loop exit, bounds checks, traps)"),
                           ("stack", "stack (r10) loads and stores per iteration")):
            cells = []
            for v in VARIANTS:
                h = hot[v][0]
                if h is None:
                    cells.append(short(hot[v][1]))
                elif key == "span":
                    cells.append(f"{h['span'][0]}–{h['span'][1]}")
                else:
                    cells.append(str(h[key]))
            w(f"| {title} | {cells[0]} | {cells[1]} |")
        cells = []
        for v in VARIANTS:
            h = hot[v][0]
            cells.append(f"**{h['insns'] / h['loads']:.2f}**" if h else "–")
        w(f"| instructions per memory access | {cells[0]} | {cells[1]} |")
        w("")
        for v in VARIANTS:
            if hot[v][0] is None:
                continue
            w(f"<details><summary>{VARIANT_TITLE[v]}: the loop, xlated</summary>")
            w("")
            w("```")
            w(hot[v][1])
            w("```")
            w("</details>")
            w("")
    w("## Caveats")
    w("")
    w("- Syscall programs run through `BPF_PROG_TEST_RUN` one call at a time "
      "(`repeat` is refused for them): the per-run time comes from the "
      "kernel's own BPF stats (`sched_clock()` around the program), which "
      "leave out the syscall and the context copy but include interrupts and, "
      "in a virtual machine, any time the host deschedules the vCPU — hence "
      "medians and minimums rather than means.")
    w("- Both variants use open-coded `bpf_iter_num` iterators for every loop "
      "whose trip count is not a constant, so the verifier checks each loop "
      "body once in both; constant-bound inner loops are left to clang.")
    w("- xlated instructions are counted after the verifier's own clean-up: "
      "branches it proved never taken and code it never reached are gone "
      "(this removes some of wasm2bpf's bounds checks; compare with "
      "`llvm-objdump -d` of the object).")
    w("- Native data lives in `.bss` array maps; wasm2bpf's in its per-CPU "
      "instance memory map, reached through a lookup at entry.")
    w("- A virtual machine's timer and caches add noise; compare ratios "
      "within one report, not across machines.")
    w("")
    with open(path, "w") as fh:
        fh.write("\n".join(L))


# --- main -------------------------------------------------------------------

def check_setup(args):
    """The checks every bench script makes of its arguments: an executable
    wasm2bpf (made absolute), root, and the CPU to pin to (the last)."""
    args.wasm2bpf = os.path.abspath(args.wasm2bpf)
    if not os.access(args.wasm2bpf, os.X_OK):
        die(f"{args.wasm2bpf}: not an executable")
    if os.geteuid() != 0:
        die("needs root (BPF_PROG_LOAD, kernel.bpf_stats_enabled)")
    if args.cpu is None:
        args.cpu = (os.cpu_count() or 1) - 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wasm2bpf", required=True, help="the wasm2bpf binary "
                    "(wasm2bpf-binaryen must sit next to it)")
    ap.add_argument("--runs", type=int, default=200,
                    help="test runs per measurement (default 200)")
    ap.add_argument("--rounds", type=int, default=7,
                    help="interleaved measurements per kernel and variant (default 7)")
    ap.add_argument("--warmup", type=int, default=10,
                    help="runs before each measurement (default 10)")
    ap.add_argument("--out", default=os.path.join(HERE, "REPORT.md"))
    ap.add_argument("--build-dir", help="where objects go (default: a temporary directory)")
    ap.add_argument("--cpu", type=int, default=None,
                    help="CPU to pin the runs to (default: the last one)")
    ap.add_argument("--nice", type=int, default=0,
                    help="run bench_run at this nice value (e.g. -10 on a busy machine)")
    ap.add_argument("--clang", default="clang-19")
    ap.add_argument("--target-kernel", default="6.4",
                    help="wasm2bpf's --target-kernel (default 6.4: iterators, the natives' loops)")
    ap.add_argument("--kernels", help="comma-separated subset of: " + ", ".join(KERNELS))
    args = ap.parse_args()
    global NICE
    NICE = args.nice

    check_setup(args)
    args.kernels = args.kernels.split(",") if args.kernels else list(KERNELS)
    for k in args.kernels:
        if k not in KERNELS:
            die(f"unknown kernel '{k}'")

    out = args.build_dir or tempfile.mkdtemp(prefix="w2b-bench-")
    os.makedirs(out, exist_ok=True)
    tool, objs = build(args, out)

    with open(STATS_SYSCTL) as fh:
        stats_before = fh.read().strip()
    rows, samples, hot = {}, {}, {}
    any_mismatch = False
    timing_src = ("bpf_prog_info.run_time_ns, read after every run "
                  "(kernel.bpf_stats_enabled=1)")
    try:
        with open(STATS_SYSCTL, "w") as fh:
            fh.write("1")
        for k in args.kernels:
            inputs, facts, failed, results, mism = check(tool, objs, k, args)
            rows[k] = {"inputs": inputs, "facts": facts, "failed": failed,
                       "results": results, "mismatches": mism}
            for v, why in failed.items():
                print(f"run_bench: {k} ({VARIANT_TITLE[v]}): {why}", file=sys.stderr)
            for m in mism:
                any_mismatch = True
                print(f"run_bench: *** RESULT MISMATCH *** {k}: {m}", file=sys.stderr)
        ok = [k for k in args.kernels if not rows[k]["failed"]]
        load_before, stat_before = os.getloadavg(), cpu_times()
        samples = measure(tool, objs, ok, args)
        load_after, stat_after = os.getloadavg(), cpu_times()
        if any(s[2] == 0 for k in ok for v in VARIANTS for s in samples[k][v]):
            # The kernel did not account the runs: fall back to wall clock.
            timing_src = ("**wall clock of each BPF_PROG_TEST_RUN syscall** "
                          "(run_time_ns stayed 0 for syscall programs on this kernel)")
            for k in ok:
                for v in VARIANTS:
                    samples[k][v] = [(s[1], s[1], s[2], s[1]) for s in samples[k][v]]
        if "sum_u32" in ok:
            for v in VARIANTS:
                pin = f"/sys/fs/bpf/w2b_bench_{os.getpid()}_{v}"
                hot[v] = hot_loop(tool, objs["sum_u32"][v][0], "sum_u32", "u32", pin)
    finally:
        with open(STATS_SYSCTL, "w") as fh:
            fh.write(stats_before)

    info = machine()
    info["load"] = (f"1-minute load average {load_before[0]:.2f} before, "
                    f"{load_after[0]:.2f} after the measurements; "
                    f"{steal_pct(stat_before, stat_after):.1f}% of CPU time "
                    f"stolen by the hypervisor during them")
    info["clang"] = tool_version([args.clang, "--version"])
    rev = run(["git", "-C", HERE, "rev-parse", "--short", "HEAD"]).stdout.strip()
    dirty = run(["git", "--no-optional-locks", "-C", HERE, "status",
                 "--porcelain", "--untracked-files=no"]).stdout.strip()
    info["rev"] = (f"`{rev}`" + (" + uncommitted changes" if dirty else "")) if rev else "unknown"
    write_report(args.out, args, info, rows, samples, hot, any_mismatch, timing_src)
    print(f"run_bench: wrote {args.out}", file=sys.stderr)
    if not args.build_dir:
        shutil.rmtree(out, ignore_errors=True)
    return 1 if any_mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
