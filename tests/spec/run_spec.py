#!/usr/bin/env python3
"""run_spec.py — the official WebAssembly spec tests, run in the kernel.

Each .wast file is converted by wabt's wast2json into a list of commands and
binary modules; every module is then handed to one `wasm2bpf run --batch`
process, which compiles all its exported functions as `syscall` programs,
loads them once, and answers `invoke` lines on stdin by BPF_PROG_TEST_RUN.
Loading once per module, not once per assertion, is what keeps a full run to
seconds: the kernel verifies each program a single time.

Conversion. Debian's wast2json (wabt 1.0.32) predates some syntax the current
testsuite uses (typed function references, `(ref null $t)`, ...). When it
refuses a whole file, the file is split into its top-level forms and each
module with its following commands (a "segment") is converted alone; a
segment that still fails is converted form by form, every form together with
its segment's module, so that only the forms wabt cannot read are lost. Each
lost form counts as skipped ("wast2json 1.0.32 cannot parse"); if the lost
form is a module, the commands after it are skipped too ("module not
convertible"): they would otherwise run against the previous module. Every
partial conversion is written with the forms at their original line numbers
(the text between them blanked out), so the line numbers wast2json reports
are the .wast file's own.

The protocol with the compiler (documented in README.md and implemented by
fake_wasm2bpf.py, which lets this runner be tested without the compiler):

    wasm2bpf run M.wasm --all-exports --skip-unsupported --batch
      stdout: `skip HEXNAME REASON` per left-out export, then `ready`
              (exit 1: module refused; any other failure: exit 2)
      stdin:  `invoke HEXNAME i32:V i64:V ...`   (V: unsigned decimal)
      stdout: `ok i32:V ...` | `trap MESSAGE` | `error MESSAGE`
    wasm2bpf check FILE    exit 0 valid, 1 malformed/invalid

What is counted. Every assertion is passed, failed or skipped, and a skip
always has a reason; nothing outside the supported subset counts as passed.
A top-level module counts as one assertion too ("module valid": `check` must
accept it). The runner exits 1 if anything failed or a file could not be
processed.
"""

import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import batch  # noqa: E402
from batch import exit_desc  # noqa: E402

DEFAULT_FILES = (
    "i32 i64 int_exprs int_literals block br br_if br_table loop if labels "
    "switch nop return select local_get local_set local_tee call left-to-right "
    "fac forward unreachable unwind stack func traps "
    # instance state: linear memory, data segments, globals
    "address align endianness load store memory memory_trap memory_redundancy "
    "global data memory_copy memory_fill start "
    # tables: call_indirect over what the element segments put there
    "call_indirect func_ptrs elem table table_init table_copy linking imports"
).split()

# Assertions of the older revisions in wabt-1.0.32-compatible/ that the
# current spec reverses, (file, line) -> why they are skipped. The compiler
# follows the current spec.
SUPERSEDED = {
    ("global", 352): "superseded: the current spec lets a global's initializer read an "
                     "earlier immutable global (global.wast:373 is a valid module)",
    ("global", 356): "superseded: the current spec lets a global's initializer read an "
                     "earlier immutable global (global.wast:374 is a valid module)",
}

# Exports whose expected result is that of a memory.grow that succeeds:
# the test suite assumes growth within the maximum, and wasm2bpf's memory
# is allocated before the program runs, so its memory.grow answers -1, as
# Wasm lets it (tests/run/memory-grow.wat). These exports test operands
# passing through memory.grow, not growth.
GROWS = re.compile(r"^as-memory\.grow-")
REASON_GROWS = "expects memory.grow to succeed (wasm2bpf's answers -1: a fixed-size memory)"
# Recursion is compiled as RECURSION_DEPTH nested copies (ir/bound_recursion.c,
# fewer where branching recursion would grow too big); a deeper call traps
# "call stack exhausted", the trap the spec lets an engine take at any depth.
RECURSION_DEPTH = 64
REASON_DEEPER = ("recursion deeper than wasm2bpf compiled (--max-recursion-depth=%d): "
                 "call stack exhausted" % RECURSION_DEPTH)
EXHAUSTED = "call stack exhausted"
# A module registered for others to import from: once another module is
# defined after it, that one may have written into its exports (a shared
# table's elements, memory, globals), which a module compiled alone never
# sees.
REASON_LINKED = ("a module defined after it may have changed its exports through "
                 "imports (wasm2bpf compiles each module alone)")

INT_TYPES = {"i32": 32, "i64": 64}
FLOAT_TYPES = {"f32", "f64"}

START_TIMEOUT = 300     # compile + load of a module with every export
CHECK_TIMEOUT = 60
WAST2JSON_TIMEOUT = 120

REASON_CANNOT_PARSE = "wast2json 1.0.32 cannot parse"
REASON_MODULE_LOST = "module not convertible"


# ---- splitting a .wast file into top-level forms --------------------------

class Form:
    __slots__ = ("start", "end", "line", "kind")

    def __init__(self, start, end, line, kind):
        self.start, self.end, self.line, self.kind = start, end, line, kind


def split_forms(text):
    """Top-level s-expressions of a .wast text, as Forms (offsets, 1-based
    start line, first keyword). Strings (with backslash escapes), `;;` line
    comments and nested `(; ;)` block comments are skipped, so parentheses
    inside them do not count. Raises ValueError on unbalanced input."""
    forms = []
    i, n, line = 0, len(text), 1
    depth, start, start_line = 0, 0, 0
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\":
                    i += 1
                elif text[i] == "\n":
                    line += 1
                i += 1
            if i >= n:
                raise ValueError("unterminated string")
            i += 1
        elif text.startswith(";;", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("(;", i):
            nest, i = 1, i + 2
            while i < n and nest:
                if text.startswith("(;", i):
                    nest, i = nest + 1, i + 2
                elif text.startswith(";)", i):
                    nest, i = nest - 1, i + 2
                else:
                    if text[i] == "\n":
                        line += 1
                    i += 1
            if nest:
                raise ValueError("unterminated block comment")
        elif c == "(":
            if depth == 0:
                start, start_line = i, line
            depth += 1
            i += 1
        elif c == ")":
            depth -= 1
            i += 1
            if depth < 0:
                raise ValueError("unbalanced ')' at line %d" % line)
            if depth == 0:
                m = re.match(r"\(\s*([^\s()\";]+)", text[start:i])
                forms.append(Form(start, i, start_line, m.group(1) if m else ""))
        else:
            i += 1
    if depth:
        raise ValueError("unbalanced '(' at end of file")
    return forms


def padded_text(text, forms):
    """The given forms (in file order) at their original lines, blank lines
    in between, so that wast2json's line numbers stay the file's."""
    out, cur = [], 1
    for f in forms:
        out.append("\n" * (f.line - cur))
        body = text[f.start:f.end]
        out.append(body)
        cur = f.line + body.count("\n")
    out.append("\n")
    return "".join(out)


# ---- conversion -----------------------------------------------------------

def wast2json(wast_path, json_path):
    """Run wast2json; the parsed JSON, or None and wabt's first error line."""
    try:
        p = subprocess.run(["wast2json", wast_path, "-o", json_path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=WAST2JSON_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "wast2json timed out"
    if p.returncode != 0:
        err = p.stderr.decode(errors="replace").strip().splitlines()
        return None, err[0] if err else "wast2json failed"
    with open(json_path) as f:
        return json.load(f), None


def absolutize(cmds, json_dir):
    for c in cmds:
        if "filename" in c:
            c["filename"] = os.path.join(json_dir, c["filename"])
    return cmds


def convert(wast_path, name, work):
    """The command list of a .wast file, with synthetic `_dropped` commands
    for the forms wast2json 1.0.32 could not read."""
    data, _ = wast2json(wast_path, os.path.join(work, name + ".json"))
    if data is not None:
        return absolutize(data["commands"], work)

    with open(wast_path, encoding="utf-8") as f:
        text = f.read()
    forms = split_forms(text)
    # Segments: a module and the commands up to the next module.
    segments, cur = [], []
    for f in forms:
        if f.kind == "module" and cur:
            segments.append(cur)
            cur = []
        cur.append(f)
    if cur:
        segments.append(cur)

    counter = [0]

    def try_forms(fs):
        counter[0] += 1
        base = "%s.c%d" % (name, counter[0])
        p = os.path.join(work, base + ".wast")
        with open(p, "w", encoding="utf-8") as out:
            out.write(padded_text(text, fs))
        d, _ = wast2json(p, os.path.join(work, base + ".json"))
        return None if d is None else absolutize(d["commands"], work)

    def dropped(f, reason):
        return {"type": "_dropped", "line": f.line, "kind": f.kind, "reason": reason}

    # Named modules converted so far: a form may name one of them
    # (`invoke $M`), and wast2json refuses a name it has not seen. They are
    # converted again in front of each piece and their commands dropped.
    context = []

    def with_context(fs):
        got = try_forms(context + fs)
        return None if got is None else got[len(context):]

    cmds = []
    for seg in segments:
        has_module = seg[0].kind == "module"
        got = with_context(seg)
        if got is None:
            rest = seg[1:] if has_module else seg
            if has_module:
                mod = with_context([seg[0]])
                if mod is None:
                    cmds.append(dropped(seg[0], REASON_CANNOT_PARSE))
                    cmds.extend(dropped(f, REASON_MODULE_LOST) for f in rest)
                    continue
                cmds.extend(mod)
            for f in rest:
                one = with_context([seg[0], f] if has_module else [f])
                if one is None:
                    cmds.append(dropped(f, REASON_CANNOT_PARSE))
                else:
                    cmds.extend(one[1:] if has_module else one)
        else:
            cmds.extend(got)
        if has_module and re.match(r"\(\s*module\s+\$", text[seg[0].start:seg[0].end]):
            context.append(seg[0])
    return cmds


# ---- one `wasm2bpf run --batch` process -----------------------------------

class Batch(batch.Batch):
    """tests/lib/batch.py's driver for one module loaded by `wasm2bpf run
    --all-exports --skip-unsupported --batch`, answering in the form this
    runner compares: (kind, payload) tuples."""

    def __init__(self, wasm2bpf, wasm, log_path):
        super().__init__([wasm2bpf, "run", wasm, "--all-exports", "--skip-unsupported", "--batch",
                          "--max-recursion-depth=%d" % RECURSION_DEPTH], log_path)
        self.measured = set()   # hex export names whose verifier cost was read
        self.linked = False     # registered, and another module defined since

    def start(self, timeout=START_TIMEOUT):
        super().start(timeout)

    def _answer(self, line):
        """A died process leaves the batch broken, with why."""
        if line.startswith("died: "):
            self.state, self.reason = "broken", "wasm2bpf died (%s)" % line[len("died: "):]
        return line

    def invoke(self, hexname, args, timeout):
        """One invoke; returns (kind, payload):
        ("ok", [(type, value str)]), ("trap", msg), ("error", msg),
        ("protocol", line), ("timeout", None), ("died", desc)."""
        line = self._answer(self.send("invoke " + " ".join([hexname] + ["%s:%s" % a for a in args]),
                                      timeout))
        if line == "timeout":
            return "timeout", None
        if line.startswith("died: "):
            return "died", self.reason
        word, _, rest = line.partition(" ")
        if word == "ok":
            vals = []
            for tok in rest.split():
                t, sep, v = tok.partition(":")
                if not sep:
                    return "protocol", line
                vals.append((t, v))
            return "ok", vals
        if word in ("trap", "error"):
            return word, rest
        return "protocol", line

    def verified_insns(self, hexname, timeout):
        """What the kernel's verifier processed for the export's program
        (`stats` line), or None if the compiler does not say."""
        m = re.match(r"ok verified_insns=(\d+)", self._answer(self.send("stats " + hexname, timeout)))
        return int(m.group(1)) if m else None


# ---- running one file -----------------------------------------------------

class Result:
    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failures = []      # (line, what, details)
        self.skips = collections.Counter()
        self.verified = []      # verifier-processed insns per program run
        self.error = None
        self.seconds = 0.0

    def skip(self, reason):
        self.skips[normalize_reason(reason)] += 1


def normalize_reason(reason):
    """Group skip reasons across exports: drop the diagnostic's location
    and entity prefix ("m.wasm:0x1a: error: func[3] 'f': ")."""
    r = reason.strip()
    r = re.sub(r"^\S+?:(0x[0-9a-fA-F]+:)?\s*(error|warning|note):\s*", "", r)
    r = re.sub(r"^(func\[\d+\]\s*)?('[^']*'\s*)?:\s*", "", r)
    # What is left may still name functions and offsets ("recursion:
    # func[3] calls itself"); one reason per rule, not per function.
    r = re.sub(r" \((entry|reached from entry) '.*\)$", "", r)
    r = re.sub(r"func\[\d+\]( '[^']*')?", "func[N]", r)
    r = re.sub(r"\b0x[0-9a-fA-F]+\b", "0x...", r)
    r = re.sub(r"^(call to func\[N\] with an?) (f32|f64) (parameter|result)", r"\1 float \3", r)
    r = re.sub(r"^(f32|f64)\.[a-z_0-9]+ is not supported", "a float instruction is not supported", r)
    return r or reason


def value_kind(types):
    """Why values of these types are outside the tested subset, or None."""
    other = [t for t in types if t not in INT_TYPES]
    if not other:
        return None
    if "v128" in other:
        return "v128"
    if any(t in FLOAT_TYPES for t in other):
        return "float"
    return "reference"


def check_status(wasm2bpf, path, log_path):
    """Exit status of `wasm2bpf check PATH` (negative: signal; None: timeout)."""
    with open(log_path, "ab") as errf:
        try:
            p = subprocess.run([wasm2bpf, "check", path], stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=errf,
                               timeout=CHECK_TIMEOUT, start_new_session=True)
        except subprocess.TimeoutExpired:
            return None
        except OSError as e:
            errf.write(("cannot run %s: %s\n" % (wasm2bpf, e)).encode())
            return 127
    return p.returncode


def run_file(name, wast_path, args, work_root):
    res = Result(name)
    t0 = time.monotonic()
    work = os.path.join(work_root, name)
    os.makedirs(work, exist_ok=True)
    try:
        cmds = convert(wast_path, name, work)
    except (OSError, ValueError, json.JSONDecodeError) as e:
        res.error = "cannot convert: %s" % e
        return res
    def fail(line, what, details):
        res.failures.append((line, what, details))

    # `check` runs need no module process and no order: start them all
    # now, in parallel with the invokes, and collect them in file order.
    check_pool = concurrent.futures.ThreadPoolExecutor(max(2, args.jobs))
    checks = {}
    for i, c in enumerate(cmds):
        if c["type"] in ("module", "assert_invalid", "assert_malformed"):
            checks[i] = check_pool.submit(check_status, args.wasm2bpf, c["filename"],
                                          os.path.join(work, "check.log"))

    current = None          # the Batch of the latest module
    named = {}              # "$M" -> Batch
    registered = []         # Batches other modules may import from (register)
    nmod = 0

    def close_current():
        if current and current not in named.values():
            current.close()

    try:
        for i, c in enumerate(cmds):
            t, line = c["type"], c.get("line", 0)
            if t == "_dropped":
                res.skip(c["reason"])
                if c["kind"] == "module":
                    close_current()
                    current = None
                continue

            if t == "module":
                for r in registered:
                    r.linked = True
                close_current()
                current = None
                path = c["filename"]
                st = checks[i].result()
                if st == 0:
                    res.passed += 1
                else:
                    fail(line, "module valid", "check %s: %s" % (
                        os.path.basename(path),
                        "timeout" if st is None else exit_desc(st) + ", want status 0"))
                nmod += 1
                current = Batch(args.wasm2bpf, path,
                                os.path.join(work, "run%d.stderr" % nmod))
                current.start()
                if c.get("name"):
                    old = named.get(c["name"])
                    if old:
                        old.close()     # the name now means the new module
                    named[c["name"]] = current
                continue

            if (name, line) in SUPERSEDED:
                res.skip(SUPERSEDED[(name, line)])
                continue

            if t in ("assert_invalid", "assert_malformed"):
                path = c["filename"]
                st = checks[i].result()
                if st == 1:
                    res.passed += 1
                else:
                    why = ("timeout" if st is None else
                           "accepted" if st == 0 else
                           "crashed: " + exit_desc(st) if st < 0 else exit_desc(st))
                    fail(line, t, "check %s (%s, expected %r): %s, want status 1"
                         % (os.path.basename(path), c.get("module_type", "?"),
                            c.get("text", ""), why))
                continue

            if t == "register":
                r = named.get(c["name"]) if c.get("name") else current
                if r is not None:
                    registered.append(r)
                res.skip("imports between modules")
                continue
            if t in ("assert_unlinkable", "assert_uninstantiable"):
                # its instantiation may write into what it imports before it fails
                for r in registered:
                    r.linked = True
                res.skip(t + " not tested")
                continue
            if t not in ("assert_return", "assert_trap", "assert_exhaustion", "action"):
                res.skip("command %s not supported" % t)
                continue

            action = c.get("action", {})
            if action.get("type") != "invoke":
                res.skip("%s action" % action.get("type", "unknown"))
                continue
            mod = action.get("module")
            if mod:
                target = named.get(mod)
                if target is None:
                    res.skip("invoke on another module")
                    continue
            else:
                target = current
            if target is None:
                res.skip(REASON_MODULE_LOST)
                continue
            types = [a["type"] for a in action.get("args", [])]
            types += [e["type"] for e in c.get("expected", [])]
            kind = value_kind(types)
            if kind:
                res.skip(kind)
                continue
            if target.linked:
                res.skip(REASON_LINKED)
                continue
            if target.state == "refused":
                res.skip(target.reason)
                continue
            field = action["field"]
            hexname = field.encode("utf-8", "surrogatepass").hex()
            argv = [(a["type"], a["value"]) for a in action.get("args", [])]
            sent = " ".join(["invoke", hexname] + ["%s:%s" % a for a in argv]
                            + ["(%s)" % json.dumps(field)])
            if target.state == "broken":
                fail(line, t, "%s: %s" % (sent, target.reason))
                continue
            if hexname in target.skips:
                res.skip(target.skips[hexname])
                continue
            if GROWS.match(field):
                res.skip(REASON_GROWS)
                continue

            kindr, payload = target.invoke(hexname, argv, args.timeout)
            if kindr in ("ok", "trap") and hexname not in target.measured:
                target.measured.add(hexname)
                n = target.verified_insns(hexname, args.timeout)
                if n is not None:
                    res.verified.append(n)
            if kindr == "timeout":
                fail(line, t, "%s: timeout after %gs" % (sent, args.timeout))
                target.kill()
                target.close()
                target.start()
                continue
            if kindr == "died":
                fail(line, t, "%s: %s" % (sent, payload))
                continue
            if kindr == "protocol":
                fail(line, t, "%s: protocol: unexpected answer %r" % (sent, payload))
                continue

            if kindr == "trap" and EXHAUSTED in payload and t in ("assert_return", "action"):
                res.skip(REASON_DEEPER)
                continue
            if t in ("assert_trap", "assert_exhaustion"):
                want = c.get("text", "")
                if kindr == "trap" and want in payload:
                    res.passed += 1
                else:
                    fail(line, t, "%s: got %s, expected trap %r"
                         % (sent, show(kindr, payload), want))
                continue

            if t == "action":
                if kindr == "ok":
                    res.passed += 1
                else:
                    fail(line, t, "%s: got %s, expected ok" % (sent, show(kindr, payload)))
                continue

            # assert_return
            expected = [(e["type"], e["value"]) for e in c.get("expected", [])]
            if kindr == "ok" and results_equal(payload, expected):
                res.passed += 1
            else:
                fail(line, t, "%s: got %s, expected ok %s"
                     % (sent, show(kindr, payload),
                        " ".join("%s:%s" % e for e in expected)))
    finally:
        for b in set(named.values()) | ({current} if current else set()):
            b.close()
        check_pool.shutdown(cancel_futures=True)
        res.seconds = time.monotonic() - t0
    return res


def show(kind, payload):
    if kind == "ok":
        return "ok " + " ".join("%s:%s" % v for v in payload) if payload else "ok"
    return "%s %s" % (kind, payload)


def results_equal(got, expected):
    """Exact comparison of bit patterns: the protocol prints unsigned
    decimal, so a signed or out-of-range value is a mismatch, not a match."""
    if len(got) != len(expected):
        return False
    for (gt, gv), (et, ev) in zip(got, expected):
        if gt != et or not gv.isdigit():
            return False
        if int(gv) >= 1 << INT_TYPES[et] or int(gv) != int(ev):
            return False
    return True


# ---- driver ---------------------------------------------------------------

def find_wast(suite, name):
    if os.sep in name and os.path.exists(name):
        return name
    base = name[:-5] if name.endswith(".wast") else name
    for cand in (os.path.join(suite, "wabt-1.0.32-compatible", base + ".wast"),
                 os.path.join(suite, base + ".wast")):
        if os.path.exists(cand):
            return cand
    return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description="Run the WebAssembly spec tests through wasm2bpf.")
    ap.add_argument("files", nargs="*", help="spec files without .wast (default: the integer subset)")
    ap.add_argument("--wasm2bpf", required=True, help="the compiler (or fake_wasm2bpf.py)")
    ap.add_argument("--suite", default=os.path.join(root, "..", "shared", "wasm-testsuite"))
    ap.add_argument("--work", help="keep converted files here (default: a temporary directory)")
    ap.add_argument("--jobs", "-j", type=int, default=2, help="files run in parallel")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per invoke")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every failure")
    ap.add_argument("--list-skips", action="store_true",
                    help="print all skip reasons of the run, grouped, with counts")
    args = ap.parse_args()

    args.wasm2bpf = os.path.abspath(args.wasm2bpf) if os.sep in args.wasm2bpf else args.wasm2bpf
    if not shutil.which(args.wasm2bpf):
        print("run_spec: %s: not found or not executable" % args.wasm2bpf, file=sys.stderr)
        return 2
    if not shutil.which("wast2json"):
        print("run_spec: wast2json (wabt) not found", file=sys.stderr)
        return 2
    names = args.files or DEFAULT_FILES
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="w2b-spec-")
    os.makedirs(work, exist_ok=True)

    def job(name):
        base = os.path.basename(name)
        base = base[:-5] if base.endswith(".wast") else base
        path = find_wast(args.suite, name)
        if path is None:
            r = Result(base)
            r.error = "no %s.wast in %s" % (base, args.suite)
            return r
        try:
            return run_file(base, path, args, work)
        except Exception as e:      # a runner bug must not hide other files
            r = Result(base)
            r.error = "runner error: %s: %s" % (type(e).__name__, e)
            return r

    tp = tf = ts = 0
    broken = False
    all_skips = collections.Counter()
    try:
        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as ex:
            for r in ex.map(job, names):
                if r.error:
                    broken = True
                    print("%s: error: %s" % (r.name, r.error), flush=True)
                    continue
                nskip = sum(r.skips.values())
                print("%s: %d passed, %d failed, %d skipped" % (r.name, r.passed,
                                                                len(r.failures), nskip))
                if r.verified:
                    print("    verifier: %d programs, %d processed insns in all, at most %d" % (
                        len(r.verified), sum(r.verified), max(r.verified)))
                for reason, n in sorted(r.skips.items(), key=lambda kv: (-kv[1], kv[0])):
                    print("    skipped %d: %s" % (n, reason))
                if args.verbose:
                    for line, what, details in r.failures:
                        print("    FAIL %s.wast:%d: %s: %s" % (r.name, line, what, details))
                elif r.failures:
                    line, what, details = r.failures[0]
                    print("    first failure: %s.wast:%d: %s: %s" % (r.name, line, what, details))
                sys.stdout.flush()
                tp += r.passed
                tf += len(r.failures)
                ts += nskip
                all_skips.update(r.skips)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)

    if args.list_skips:
        print("skip reasons, all files:")
        for reason, n in sorted(all_skips.items(), key=lambda kv: (-kv[1], kv[0])):
            print("    skipped %d: %s" % (n, reason))
    print("spec: %d passed, %d failed, %d skipped" % (tp, tf, ts))
    return 1 if tf or broken else 0


if __name__ == "__main__":
    sys.exit(main())
