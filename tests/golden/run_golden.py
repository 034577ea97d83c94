#!/usr/bin/env python3
"""Golden tests: one .wat file per test, its expectation beside it.

Three kinds, by directory:

  tests/reject/NAME.wat  compiled with its ;; ARGS: (default --all-exports);
                         must exit 1 (or its ;; EXIT:) and print exactly
                         NAME.err on stderr ({file} stands for the input
                         path, {root} for the repository's: a -g module's
                         source paths). One file per refusal rule, named
                         after it.
  tests/reject/NAME.py   the same for a module too big to keep: the script
                         prints its text (;; ARGS: in the script's # ARGS:).
  tests/reject/NAME.c    the same for a C module against the SDK (rules
                         about maps, helpers and metadata): compiled by
                         clang-19 to wasm32 first, as the samples are;
                         // ARGS: (default none: the SDK's recorded entries);
                         // CFLAGS: more clang flags (e.g. -O0; with -g it is
                         built in two steps, keeping its DWARF line table).
  tests/ir/NAME.wat      `wasm2bpf --emit=ir`: stdout must equal NAME.ir.
  tests/run/NAME.wat     loaded into the kernel once (`wasm2bpf run --batch`)
                         and called per directive:
                           ;; INVOKE: EXPORT ARG... => RESULT...
                           ;; INVOKE: EXPORT ARG... => trap MESSAGE
                           ;; PACKET: EXPORT HEXBYTES... => i32:VERDICT
                           ;; PACKET: EXPORT HEXBYTES... => i32:VERDICT packet:HEX
                                         (the packet as the program left it;
                                         without packet:, only the verdict
                                         is compared)
                           ;; PACKET: EXPORT HEXBYTES... => trap MESSAGE
                           ;; STATS: EXPORT verified_insns < N
                           ;; NOTE: TEXT   (a line of stderr must contain
                                         "note: TEXT": TEXT may stop short of
                                         a machine-dependent tail)
                           ;; WARNING: TEXT  (... "warning: TEXT")
                           ;; RUN: OPTIONS... => LINE  (`wasm2bpf run MODULE
                                         OPTIONS` on its own must print LINE)
                         ARG/RESULT are TYPE:VALUE as `wasm2bpf run` prints them.
                         ;; TARGETS: 6.1 6.4 ... runs it all once per
                         --target-kernel (each a different loop lowering).
  tests/run/NAME.c       the same for a C module built as tests/reject's .c are.
  tests/run/NAME.ts      the same for an AssemblyScript module, built by asc
                         (npm's assemblyscript as scripts/setup.sh installs
                         it; $ASC to choose another) with
                         -O2 --runtime stub and its // ASCFLAGS:.

--rebase rewrites the .err/.ir expectations from what the compiler does now
(review the diff before committing it). The closing line is
"golden: N passed, M failed".
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def directives(path, name):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*(?:;;|//|#)\s*" + name + r":\s*(.*?)\s*$", line)
            if m:
                out.append(m.group(1))
    return out


def run(cmd, stdin=None, timeout=120):
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)


# Where scripts/setup.sh installs AssemblyScript's compiler.
ASC = "/opt/wasm2bpf/npm/node_modules/.bin/asc"
if not os.path.exists(ASC):
    ASC = "asc"

# How the samples are built (samples/CMakeLists.txt).
SDK_COMPILE = ["--target=wasm32", "-O2", "-matomics", "-I", os.path.join(ROOT, "runtime-stubs", "include")]
SDK_LINK = ["--target=wasm32", "-nostdlib", "-Wl,--no-entry", "-Wl,-z,stack-size=8192"]
SDK_CFLAGS = SDK_COMPILE + SDK_LINK


def check_reject(w2b, path, rebase):
    c_source = path.endswith(".c")
    args = " ".join(directives(path, "ARGS")) or ("" if c_source else "--all-exports")
    want_exit = int((directives(path, "EXIT") or ["1"])[0])
    with tempfile.TemporaryDirectory() as tmp:
        src = path
        if c_source:
            src, err = compile_c(path, tmp)
            if err:
                return err
        elif path.endswith(".py"):
            src = os.path.join(tmp, os.path.basename(path)[:-3] + ".wat")
            p = run([sys.executable, path])
            if p.returncode:
                return "generator failed:\n" + p.stderr
            with open(src, "w", encoding="utf-8") as f:
                f.write(p.stdout)
        out = os.path.join(tmp, "out.o")
        p = run([w2b] + args.split() + [src, "-o", out])
        if os.path.exists(out) or any(f.startswith("out.o") for f in os.listdir(tmp)):
            return "output file left behind after a refusal"
    got = p.stderr.replace(src, "{file}").replace(ROOT + "/", "{root}/")
    exp_path = path[:path.rindex(".")] + ".err"
    if rebase:
        with open(exp_path, "w", encoding="utf-8") as f:
            f.write(got)
    if p.returncode != want_exit:
        return "exit status %d, expected %d; stderr:\n%s" % (p.returncode, want_exit, p.stderr)
    exp = open(exp_path, encoding="utf-8").read() if os.path.exists(exp_path) else None
    if exp is None:
        return "missing %s (run with --rebase)" % exp_path
    if got != exp:
        return "stderr differs:\n--- expected\n%s--- got\n%s" % (exp, got)
    return None


def check_ir(w2b, path, rebase):
    args = " ".join(directives(path, "ARGS")) or "--all-exports"
    p = run([w2b] + args.split() + ["--emit=ir", path, "-o", "-"])
    exp_path = path[:-4] + ".ir"
    if p.returncode != 0:
        return "exit status %d; stderr:\n%s" % (p.returncode, p.stderr)
    if rebase:
        with open(exp_path, "w", encoding="utf-8") as f:
            f.write(p.stdout)
    exp = open(exp_path, encoding="utf-8").read() if os.path.exists(exp_path) else None
    if exp is None:
        return "missing %s (run with --rebase)" % exp_path
    if p.stdout != exp:
        return "IR differs:\n--- expected\n%s--- got\n%s" % (exp, p.stdout)
    return None


def compile_c(path, tmp):
    """A C test module built as the samples are; (wasm path, error).
    With -g among its CFLAGS, in two steps, compile and then link without
    -O: linking with -O makes clang run binaryen's wasm-opt, which drops
    the DWARF line table's rows (docs/c-recipe.md, Source lines)."""
    wasm = os.path.join(tmp, os.path.basename(path)[:-2] + ".wasm")
    # `// CFLAGS: -O0` adds to (and so overrides) the SDK's flags
    extra = " ".join(directives(path, "CFLAGS")).split()
    if "-g" in extra:
        obj = wasm[:-5] + ".o"
        p = run(["clang-19"] + SDK_COMPILE + extra + ["-c", "-o", obj, path])
        if not p.returncode:
            p = run(["clang-19"] + SDK_LINK + ["-o", wasm, obj])
    else:
        p = run(["clang-19"] + SDK_CFLAGS + extra + ["-o", wasm, path])
    return wasm, ("clang-19 failed:\n" + p.stderr if p.returncode else None)


def compile_ts(path, tmp):
    """An AssemblyScript test module; (wasm path, error)."""
    wasm = os.path.join(tmp, os.path.basename(path)[:-3] + ".wasm")
    extra = " ".join(directives(path, "ASCFLAGS")).split()
    try:
        p = run([os.environ.get("ASC") or ASC, path, "-O2", "--runtime", "stub"] + extra + ["-o", wasm])
    except OSError as e:
        return wasm, "asc: %s (scripts/setup.sh installs npm's assemblyscript)" % e
    return wasm, ("asc failed:\n" + p.stdout + p.stderr if p.returncode else None)


def check_run(w2b, path, rebase):
    for ext, build in ((".c", compile_c), (".ts", compile_ts)):
        if path.endswith(ext):
            with tempfile.TemporaryDirectory() as tmp:
                wasm, err = build(path, tmp)
                return err or run_module(w2b, path, wasm)
    return run_module(w2b, path, path)


def run_module(w2b, path, module):
    c_source = path.endswith(".c")
    args = " ".join(directives(path, "ARGS")) or ("" if c_source else "--all-exports")
    cmds, expects = [], []
    for d in directives(path, "INVOKE"):
        call, _, want = d.partition("=>")
        words = call.split()
        cmds.append("invoke %s %s" % (words[0].encode().hex(), " ".join(words[1:])))
        want = want.strip()
        expects.append("ok" + (" " + want if want else "") if not want.startswith("trap") else want)
    for d in directives(path, "PACKET"):
        call, _, want = d.partition("=>")
        words = call.split()
        cmds.append("packet %s %s" % (words[0].encode().hex(), "".join(words[1:])))
        want = want.strip()
        expects.append(want if want.startswith("trap") else "ok " + want)
    for d in directives(path, "STATS"):
        m = re.match(r"(\S+)\s+verified_insns\s*<\s*(\d+)$", d)
        if not m:
            return "bad STATS directive: " + d
        cmds.append("stats %s" % m.group(1).encode().hex())
        expects.append(("<", int(m.group(2))))
    runs = directives(path, "RUN")
    if not cmds and not runs:
        return "no INVOKE, PACKET, STATS or RUN directives"
    for d in runs:
        opts, _, want = d.partition("=>")
        p = run([w2b, "run", module] + opts.split())
        got = p.stdout.strip().replace(ROOT + "/", "{root}/")
        if got != want.strip():
            return "run %s: got %r, want %r; stderr:\n%s" % (opts.strip(), got, want.strip(), p.stderr)
    if not cmds:
        return None
    notes = (["note: " + n for n in directives(path, "NOTE")] +
             ["warning: " + n for n in directives(path, "WARNING")])
    targets = " ".join(directives(path, "TARGETS")).split()
    if not targets:
        return run_batch(w2b, path, module, args.split(), cmds, expects, notes)
    errors = []
    for t in targets:
        err = run_batch(w2b, path, module, args.split() + ["--target-kernel=" + t], cmds, expects,
                        notes)
        if err:
            errors.append("--target-kernel=%s: %s" % (t, err))
    return "\n".join(errors) or None


def run_batch(w2b, path, module, args, cmds, expects, notes=()):
    """Loads module once with args and checks each command's answer and
    that stderr has each note."""
    p = run([w2b, "run"] + args + ["--batch", module], stdin="\n".join(cmds) + "\n")
    if p.returncode != 0:
        return "exit status %d; stderr:\n%s" % (p.returncode, p.stderr)
    missing = [n for n in notes if not any(n in l for l in p.stderr.splitlines())]
    if missing:
        return "no %r; stderr:\n%s" % (missing[0], p.stderr)
    lines = [l for l in p.stdout.splitlines() if not l.startswith("skip ")]
    if not lines or lines[0] != "ready":
        return "no 'ready' line; stdout:\n%s\nstderr:\n%s" % (p.stdout, p.stderr)
    lines = lines[1:]
    errors = []
    for cmd, want, got in zip(cmds, expects, lines + [None] * len(cmds)):
        if isinstance(want, tuple):
            m = re.search(r"verified_insns=(\d+)", got or "")
            if not m or not int(m.group(1)) < want[1]:
                errors.append("%s: got %r, want verified_insns < %d" % (cmd, got, want[1]))
            else:
                print("    %s %s: verified_insns=%s" % (os.path.basename(path), " ".join(args), m.group(1)))
        elif got != want and not (cmd.startswith("packet ") and " packet:" not in want and
                                  (got or "").split(" packet:")[0] == want):
            errors.append("%s: got %r, want %r" % (cmd, got, want))
    return "\n".join(errors) or None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--rebase", action="store_true")
    ap.add_argument("--only", action="append", default=[], metavar="GLOB",
                    help="only the tests whose file name matches (repeatable)")
    ap.add_argument("kinds", nargs="*", default=["reject", "ir", "run"])
    a = ap.parse_args()
    # run from / so that a -g module's source paths print whole, the same
    # wherever the suite runs ({root} in the expectations)
    a.wasm2bpf = os.path.abspath(a.wasm2bpf)
    os.chdir("/")
    checks = {"reject": check_reject, "ir": check_ir, "run": check_run}
    passed = failed = 0
    for kind in a.kinds:
        d = os.path.join(ROOT, "tests", kind)
        for name in sorted(os.listdir(d)):
            if not (name.endswith(".wat") or (kind != "ir" and name.endswith(".c")) or
                    (kind == "reject" and name.endswith(".py")) or
                    (kind == "run" and name.endswith(".ts"))):
                continue
            if a.only and not any(fnmatch.fnmatch(name, g) for g in a.only):
                continue
            path = os.path.join(d, name)
            try:
                err = checks[kind](a.wasm2bpf, path, a.rebase)
            except subprocess.TimeoutExpired:
                err = "timeout"
            if err:
                failed += 1
                print("FAIL %s/%s: %s" % (kind, name, err))
            else:
                passed += 1
                print("PASS %s/%s" % (kind, name))
    print("golden: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
