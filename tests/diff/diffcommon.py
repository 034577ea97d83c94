"""Shared by run_diff.py and csmith_batch.py: the C -> wasm32 recipe
(docs/c-recipe.md), the two sides of a differential run (node's WebAssembly
through ref_node.mjs, the kernel through `wasm2bpf run --batch`), and how
their answers are compared and classified."""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from batch import START_TIMEOUT, Batch, exit_desc, is_crash, verifier_reason  # noqa: E402,F401

HERE = os.path.dirname(os.path.abspath(__file__))
REF_NODE = os.path.join(HERE, "ref_node.mjs")
MEMFNS = os.path.join(HERE, "memfns.c")
CLANG = os.environ.get("CLANG", "clang-19")
NODE = os.environ.get("NODE", "node")

LOOP_FUEL_TRAP = "loop iteration limit exceeded"


# ---- the recipe -------------------------------------------------------------

def parse_variant(spec):
    """'O2', 'O0', 'O2+bulk', 'O2+nowasmopt', ... -> (opt flag, set of modifiers).
    +bulk: -mbulk-memory (memory.copy/fill instead of memcpy/memset calls);
    +nowasmopt: compile with -c and link separately, so that clang does not
    run binaryen's wasm-opt over the module (docs/c-recipe.md)."""
    m = re.fullmatch(r"(O[0-3sz])((?:\+(?:bulk|nowasmopt))*)", spec)
    if not m:
        raise ValueError("bad variant %r (expected O0..O3, Os, Oz, then optionally "
                         "+bulk and/or +nowasmopt)" % spec)
    return "-" + m.group(1), set(x for x in m.group(2).split("+") if x)


# Debian's rustc (/usr/bin) has the wasm32 standard library as a package
# (libstd-rust-dev-wasm32); a rustup one on PATH may not
RUSTC = os.environ.get("RUSTC") or ("/usr/bin/rustc" if os.path.exists("/usr/bin/rustc") else "rustc")


def compile_wat(src, out, timeout=60):
    """A text-format module, with wabt's wat2wasm. None or the complaint."""
    try:
        p = subprocess.run(["wat2wasm", src, "-o", out], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as e:
        return "cannot run wat2wasm: %s" % e
    if p.returncode:
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        return (lines[0] if lines else "wat2wasm failed (status %d)" % p.returncode).strip()
    return None


# npm's assemblyscript, where scripts/setup.sh installs it ($ASC to choose another)
ASC = os.environ.get("ASC") or "/opt/wasm2bpf/npm/node_modules/.bin/asc"


def compile_as(src, out, variant, timeout=120):
    """An AssemblyScript program with asc at the variant's level (O2 ->
    -O2), the stub runtime and one page of initial memory, as
    docs/sdk-assemblyscript.md builds. None, or the first line of asc's
    complaint."""
    opt, mods = parse_variant(variant)
    if mods:
        return "variant %s: +bulk and +nowasmopt are for C" % variant
    argv = [ASC, src, opt if opt in ("-O0", "-O1", "-O2", "-O3", "-Os", "-Oz") else "-O2",
            "--runtime", "stub", "--initialMemory", "1", "-o", out]
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return "asc timed out"
    except OSError as e:
        return "cannot run %s: %s" % (ASC, e)
    if p.returncode:
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        return (lines[0] if lines else "asc failed (status %d)" % p.returncode).strip()
    return None


def compile_rust(src, out, variant, stack_size, timeout=120):
    """A #![no_std] single-file Rust program (exports: #[no_mangle] extern
    "C" fns) to a cdylib at the variant's opt-level (O2 -> opt-level=2;
    the C modifiers do not apply). None on success, else the first line
    of rustc's complaint."""
    opt, mods = parse_variant(variant)
    if mods:
        return "variant %s: +bulk and +nowasmopt are for C" % variant
    # a crate name per output: rustc's intermediate files are named
    # after it, beside the output, and variants build in parallel
    crate = re.sub(r"\W", "_", os.path.splitext(os.path.basename(out))[0])
    argv = [RUSTC, "--edition", "2021", "--crate-type=cdylib", "--crate-name", crate,
            "--target", "wasm32-unknown-unknown",
            "-C", "opt-level=" + {"-Oz": "z", "-Os": "s"}.get(opt, opt[2:]), "-C", "panic=abort",
            "-C", "link-arg=-zstack-size=%d" % stack_size, "-o", out, src]
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return "rustc timed out"
    except OSError as e:
        return "cannot run %s: %s" % (RUSTC, e)
    if p.returncode:
        lines = [l for l in p.stdout.splitlines() if l.strip()]
        return (lines[0] if lines else "rustc failed (status %d)" % p.returncode).strip()
    return None


def clang_argvs(sources, out, variant, stack_size, include_dirs=(), extra=()):
    """The clang-19 command lines of docs/c-recipe.md for one module."""
    opt, mods = parse_variant(variant)
    cflags = ["--target=wasm32", opt, "-nostdlib"]
    if "bulk" in mods:
        cflags.append("-mbulk-memory")
    for d in include_dirs:
        cflags += ["-I", d]
    cflags += list(extra)
    ldflags = ["-Wl,--no-entry", "-Wl,-z,stack-size=%d" % stack_size, "-o", out]
    srcs = list(sources) + [MEMFNS]
    if "nowasmopt" not in mods:
        return [[CLANG] + cflags + ldflags + srcs]
    base = os.path.splitext(out)[0]
    objs = ["%s.%d.o" % (base, i) for i in range(len(srcs))]
    argvs = [[CLANG] + cflags + ["-c", s, "-o", o] for s, o in zip(srcs, objs)]
    return argvs + [[CLANG, "--target=wasm32", "-nostdlib"] + ldflags + objs]


def compile_c(sources, out, variant, stack_size, include_dirs=(), extra=(), timeout=120):
    """Returns None on success, else the first lines of clang's complaint."""
    for argv in clang_argvs(sources, out, variant, stack_size, include_dirs, extra):
        try:
            p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "clang timed out"
        except OSError as e:
            return "cannot run %s: %s" % (CLANG, e)
        if p.returncode != 0:
            lines = [l for l in p.stdout.decode(errors="replace").splitlines() if "error" in l]
            return (lines[0] if lines else "clang failed (status %d)" % p.returncode).strip()
    return None


# ---- one answering process: tests/lib/batch.py ---------------------------------

def node_batch(wasm, log_path):
    return Batch([NODE, REF_NODE, wasm, "--batch"], log_path)


def kernel_batch(wasm2bpf, wasm, log_path, cpu=None, extra=()):
    return Batch([wasm2bpf, "run", wasm] + list(extra) +
                 ["--all-exports", "--skip-unsupported", "--batch"], log_path, cpu)


# ---- classifying -------------------------------------------------------------

def short_diag(line, wasm=None):
    """A diagnostic line without the module's directory."""
    if wasm:
        line = line.replace(wasm, os.path.basename(wasm))
    return line


def reason_key(line):
    """A refusal reason reduced to what it is about, for grouping:
    without the file, offsets, function names and entries."""
    s = line
    m = re.search(r"\berror: (.*)", s)
    if m:
        s = m.group(1)
    s = re.sub(r"func\[\d+\](?: '[^']*')?: ", "", s)
    s = re.sub(r"func\[\d+\](?: '[^']*')?", "func[N]", s)
    s = re.sub(r" \(entry '[^']*'\)", "", s)
    s = re.sub(r"(program|entry|function) '[^']*'", r"\1 X", s)
    s = re.sub(r"\S+\.wasm(:\d+)*:\s*", "", s)
    s = re.sub(r"in function \S+ [^:]*\):", "in function X:", s)
    s = re.sub(r"\b0x[0-9a-f]+\b", "N", s)
    s = re.sub(r"\b\d+\b", "N", s)
    return s.strip()


def call_text(func, args):
    return " ".join([func] + list(args))


def run_module(wasm2bpf, wasm, calls, cpu=None, timeout=20, w2b_extra=(),
               node_timeout=None, node_traps_discard=False):
    """Runs `calls` ([(func, [TYPE:VALUE])]) in node and then in the kernel,
    in order, each side in one instance. Returns a dict:
      kind: 'agree' | 'differ' | 'refused' | 'error' | 'node-fail'
            ('node-fail': node timed out, died, could not instantiate, or
            trapped while node_traps_discard; the kernel is not run)
      detail: text for the report line
      crash: wasm2bpf crashed (signal, or status > 3: 4 is an internal
             compiler error)
      kernel_rejected: wasm2bpf compiled the module but the kernel refused
             to load it (status 2, `rejected by the kernel verifier`)
      fuel: every difference is the kernel's loop fuel running out
      diffs: [(call text, node answer, kernel answer)]
      node, kernel: the answers of each side"""
    base = os.path.splitext(wasm)[0]
    res = {"kind": None, "detail": "", "crash": False, "diffs": [], "node": [], "kernel": [],
           "status": None, "kernel_rejected": False, "fuel": False}
    nt = node_timeout or timeout

    node = node_batch(wasm, base + ".node.log")
    node.start()
    if node.state != "ready":
        node.kill()
        res["kind"], res["detail"] = "node-fail", "node: " + (node.reason or "failed")
        return res
    for func, args in calls:
        a = node.invoke(func, args, nt)
        res["node"].append(a)
        if a == "timeout" or a.startswith("died") or (node_traps_discard and a.startswith("trap")):
            node.kill()
            res["kind"] = "node-fail"
            res["detail"] = "node: %s: %s" % (call_text(func, args), a)
            return res
    node.close()

    k = kernel_batch(wasm2bpf, wasm, base + ".kernel.log", cpu, w2b_extra)
    k.start()
    if k.state == "refused":
        res["kind"], res["detail"] = "refused", short_diag(k.reason, wasm)
        return res
    if k.state != "ready":
        res["crash"] = is_crash(k.status) and not k.killed
        res["status"] = k.status
        res["kernel_rejected"] = k.status == 2 and "rejected by the kernel" in (k.reason or "")
        res["kind"] = "error"
        res["detail"] = ("CRASH: " if res["crash"] else "") + "wasm2bpf: " + short_diag(k.reason or "", wasm)
        return res
    skipped = []
    errors = []
    for (func, args), n in zip(calls, res["node"]):
        hexname = func.encode().hex()
        if hexname in k.skips:
            skipped.append("%s: %s" % (func, short_diag(k.skips[hexname], wasm)))
            res["kernel"].append("skipped")
            continue
        a = k.invoke(func, args, timeout)
        res["kernel"].append(a)
        if a == "timeout" or a.startswith("died"):
            if a.startswith("died"):
                res["crash"] = is_crash(k.status)
            k.kill()
            errors.append("%s: kernel %s" % (call_text(func, args), a))
            break
        if a.startswith("error"):
            errors.append("%s: kernel %s" % (call_text(func, args), a))
            continue
        if n.startswith("error"):
            errors.append("%s: node %s" % (call_text(func, args), n))
            continue
        if a != n:
            res["diffs"].append((call_text(func, args), n, a))
    k.close()
    if k.status is not None and is_crash(k.status) and not k.killed:
        res["crash"] = True
        errors.append("wasm2bpf exited with %s" % exit_desc(k.status))

    if res["diffs"]:
        c, n, a = res["diffs"][0]
        more = len(res["diffs"]) - 1
        note = " (kernel loop fuel ran out: raise --max-loop-iters)" if LOOP_FUEL_TRAP in a else ""
        res["kind"] = "differ"
        res["fuel"] = all(LOOP_FUEL_TRAP in d[2] for d in res["diffs"])
        res["detail"] = "%s: node %s, kernel %s%s%s" % (
            c, n, a, note, " (+%d more)" % more if more else "")
    elif errors:
        res["kind"] = "error"
        res["detail"] = ("CRASH: " if res["crash"] else "") + "; ".join(errors[:3])
    elif skipped:
        res["kind"], res["detail"] = "refused", skipped[0]
    else:
        res["kind"] = "agree"
    return res


def classify(r):
    """A run_module() result as a batch script's one-word verdict: DISCARD
    (node failed: no reference), FUEL / RECURSION / DIFFER (the answers
    differ: the loop fuel ran out, the recursion depth limit was hit, or a
    real difference), REJECTED (the kernel refused what wasm2bpf built:
    exit 2 before the first call), AGREE, REFUSED, or ERROR."""
    if r["kind"] == "node-fail":
        return "DISCARD"
    if r["kind"] == "differ":
        return "FUEL" if r.get("fuel") else "RECURSION" if r.get("limit") else "DIFFER"
    if r["kind"] == "error" and (r.get("kernel_rejected") or r.get("status") == 2):
        return "REJECTED"
    return {"agree": "AGREE", "refused": "REFUSED"}.get(r["kind"], "ERROR")
