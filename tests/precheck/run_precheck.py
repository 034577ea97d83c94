#!/usr/bin/env python3
"""The precheck measured against the kernel.

Two corpora, each module compiled with --no-precheck (so the object is
written whatever the compiler expects; the precheck's findings are then
warnings that still say "will refuse" or "may refuse" and name the
kernel's reason class), loaded into a kernel, and the two verdicts
compared:

  accepted   every module of tests/run/ (.wat, .c; .ts when asc is there),
             at each of its ;; TARGETS:, with its ;; ARGS: — programs the
             kernel loads. The precheck must give none of them an error.
  rejected   tests/precheck/NAME.{wat,c,py} (and those of tests/reject,
             the compiler's golden refusals, that have a KERNEL: line), each
             a program the kernel refuses, with
               ;; ARGS: OPTIONS       (compile options)
               ;; KERNEL: CLASS       the reason class of the kernel's refusal
               ;; ON: 5.10            judged by Debian's 5.10 in qemu
                                      (../shared/tools/oldkernel), not by
                                      the running kernel
             (// for .c, # for .py, which prints the module's text). The
             kernel must refuse it for CLASS, and the precheck must give
             an error of CLASS.
  clang      tests/precheck/bpf/NAME.bpf.c, BPF C built by clang-19 -O2 -g
             -target bpf twice: with -DBROKEN, one rule of its // KERNEL:
             CLASS broken (the kernel must refuse it for CLASS, the
             precheck give an error of CLASS: the rules the compiler's own
             objects never break, checked on someone else's code), and
             without, the same program correct (the kernel loads it, the
             precheck gives no error). precheck_object (tests/unit) runs
             the precheck on them.

Classes (the kernel's log, read by KERNEL_CLASSES below): bounds, type,
helper, license, kernel version, stack, complexity, return value.

Prints the agreement table (markdown, as docs/precheck.md has it) and
"precheck: N passed, M failed"; exits 1 on any failure.
"""
import argparse
import fnmatch
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "golden"))
import run_golden  # noqa: E402  (directives, compile_c, compile_ts)

CLASSES = ["bounds", "type", "helper", "license", "kernel version", "stack",
           "complexity", "return value"]

# The kernel's words for each class (its verifier log, libbpf's errno).
KERNEL_CLASSES = [
    ("stack", r"combined stack size|call stack of \d+ frames is too deep|invalid (write to|read from) stack"),
    ("complexity", r"BPF program is too large|The sequence of \d+ jumps is too complex"),
    ("license", r"GPL"),
    ("kernel version", r"invalid func unknown#|program of this type cannot use helper|unknown func|invalid argument|Invalid argument|func_info|BTF"),
    ("helper", r"program of this type cannot use helper|unknown func"),
    ("return value", r"At program exit the register R0|R0 has value|should have been in"),
    ("bounds", r"invalid access to packet|invalid access to map value|invalid bpf_context access|outside of the allowed memory range|out of bounds"),
    ("type", r"invalid mem access|!read_ok|expected=|cannot write into packet|type=\w+ expected|math between \w+ pointer"),
]

FINDING = re.compile(r"the kernel's verifier (will|may) refuse program '[^']*' \(([a-z ]+)\): ")


def kernel_class(log, on_old):
    """The class of the verifier's error: the lines before its closing
    "processed N insns" since its last instruction (the whole log when
    there is none)."""
    lines = log.splitlines()
    for k, line in enumerate(lines):
        if line.startswith("processed ") and k:
            first = k - 1
            while first > 0 and k - first < 4 and not re.match(r"\d+: \(", lines[first - 1]):
                first -= 1
            log = "\n".join(lines[first:k])
            break
    for cls, pattern in KERNEL_CLASSES:
        if cls == "kernel version" and not on_old:
            continue
        if cls == "helper" and on_old:
            continue
        if re.search(pattern, log):
            return cls
    return "other"


def compile_module(w2b, module, args, obj):
    """(ok, errors, warnings, stderr): the classes of the precheck's
    findings, said as errors ("will") and as warnings ("may")."""
    p = subprocess.run([w2b, module, "--no-precheck", "-o", obj] + args,
                       capture_output=True, text=True, timeout=600)
    errors, warnings = set(), set()
    for m in FINDING.finditer(p.stderr):
        (errors if m.group(1) == "will" else warnings).add(m.group(2))
    return p.returncode == 0, errors, warnings, p.stderr


def load_here(obj, n):
    """(accepted, log) from the running kernel: bpftool loads every
    program of the object."""
    pin = "/sys/fs/bpf/w2b_precheck_%d_%d" % (os.getpid(), n)
    p = subprocess.run(["bpftool", "prog", "loadall", obj, pin],
                       capture_output=True, text=True, timeout=600)
    shutil.rmtree(pin, ignore_errors=True)
    if os.path.exists(pin):
        subprocess.run(["rm", "-rf", pin])
    return p.returncode == 0, p.stdout + p.stderr


def load_old(objs, kernel):
    """{obj: (accepted, log)} from Debian's KERNEL in qemu."""
    tool = os.path.join(os.path.dirname(ROOT), "shared", "tools", "oldkernel", "run-objs.sh")
    if not objs:
        return {}
    p = subprocess.run([tool] + objs + ["--kernel", kernel], capture_output=True, text=True,
                       timeout=900)
    out = {}
    for obj in objs:
        name = os.path.basename(obj)
        m = re.search(r"^%s: (loaded|rejected)(.*)$" % re.escape(name), p.stdout, re.M)
        out[obj] = (m.group(1) == "loaded", m.group(2)) if m else (None, p.stdout + p.stderr)
    return out


def build(path, tmp):
    """(wasm, error) for a corpus file."""
    if path.endswith(".c"):
        return run_golden.compile_c(path, tmp)
    if path.endswith(".ts"):
        return run_golden.compile_ts(path, tmp)
    if path.endswith(".py"):
        wasm = os.path.join(tmp, os.path.basename(path)[:-3] + ".wat")
        p = subprocess.run([sys.executable, path], capture_output=True, text=True)
        with open(wasm, "w") as f:
            f.write(p.stdout)
        return wasm, (p.stderr if p.returncode else None)
    return path, None


KEYS = ("n", "same", "other", "warn", "missed")


def refused_table(title, what, rows):
    """Prints the agreement table of one refused corpus (nothing if it is
    empty); its totals."""
    tot = {k: sum(r[k] for r in rows.values()) for k in KEYS}
    if not tot["n"]:
        return tot
    print()
    print("| %s | %s | precheck error, same class | error, other class | warning only | nothing |"
          % (title, what))
    print("|---|---|---|---|---|---|")
    for c in CLASSES:
        if rows[c]["n"]:
            print("| %s | %s |" % (c, " | ".join(str(rows[c][k]) for k in KEYS)))
    print("| **all refused** | %s |" % " | ".join(str(tot[k]) for k in KEYS))
    return tot


def directive(path, name):
    return " ".join(run_golden.directives(path, name)).strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wasm2bpf", required=True)
    ap.add_argument("--only", help="glob on corpus file names")
    ap.add_argument("--no-accepted", action="store_true", help="the rejected corpus only")
    ap.add_argument("--precheck-object", help="tests/unit's precheck_object (the clang corpus)")
    a = ap.parse_args()
    w2b = os.path.abspath(a.wasm2bpf)
    have_asc = bool(os.environ.get("ASC") or shutil.which(run_golden.ASC))

    rejected = sorted(p for p in glob.glob(os.path.join(HERE, "*"))
                      if p.endswith((".wat", ".c", ".py")) and not p.endswith("run_precheck.py"))
    # the compiler's refusals of what the kernel refuses (they say for
    # which class)
    rejected += sorted(p for p in glob.glob(os.path.join(ROOT, "tests", "reject", "*"))
                       if p.endswith((".wat", ".c", ".py")) and directive(p, "KERNEL"))
    accepted = [] if a.no_accepted else sorted(
        p for p in glob.glob(os.path.join(ROOT, "tests", "run", "*"))
        if p.endswith((".wat", ".c")) or (p.endswith(".ts") and have_asc))
    if a.only:
        rejected = [p for p in rejected if fnmatch.fnmatch(os.path.basename(p), a.only)]
        accepted = [p for p in accepted if fnmatch.fnmatch(os.path.basename(p), a.only)]

    failures = []
    rows = {c: dict.fromkeys(KEYS, 0) for c in CLASSES}
    crows = {c: dict.fromkeys(KEYS, 0) for c in CLASSES}
    acc = {"n": 0, "clean": 0, "warn": 0, "false": 0}
    cacc = {"n": 0, "clean": 0, "warn": 0, "false": 0}
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        # the rejected corpus
        old = []
        results = {}
        for path in rejected:
            name = os.path.basename(path)
            want = directive(path, "KERNEL")
            on = directive(path, "ON")
            args = [x for x in directive(path, "ARGS").split() if x != "--check"]
            wasm, err = build(path, tmp)
            obj = os.path.join(tmp, re.sub(r"\.\w+$", "", name) + ".bpf.o")
            if not err:
                ok, errors, warnings, stderr = compile_module(w2b, wasm, args, obj)
                err = None if ok else "wasm2bpf --no-precheck failed:\n" + stderr
            if err or want not in CLASSES:
                failures.append("%s: %s" % (name, err or "KERNEL: %r is not a class" % want))
                continue
            results[path] = (want, on, errors, warnings, obj)
            if on:
                old.append(obj)
        verdicts = {}
        for kernel in sorted({results[p][1] for p in results if results[p][1]}):
            verdicts.update(load_old([results[p][4] for p in results if results[p][1] == kernel],
                                     kernel))
        for path, (want, on, errors, warnings, obj) in results.items():
            name = os.path.basename(path)
            n += 1
            accepted_by_kernel, log = verdicts[obj] if on else load_here(obj, n)
            got = kernel_class(log, bool(on)) if accepted_by_kernel is False else None
            row = rows[want]
            row["n"] += 1
            if want in errors:
                row["same"] += 1
                verdict = "error (%s)" % want
            elif errors:
                row["other"] += 1
                verdict = "error (%s)" % ", ".join(sorted(errors))
            elif warnings:
                row["warn"] += 1
                verdict = "warning (%s)" % ", ".join(sorted(warnings))
            else:
                row["missed"] += 1
                verdict = "nothing"
            where = "kernel %s" % on if on else "this kernel"
            print("%-44s %-14s %s: %s; precheck: %s" % (
                name, want, where,
                "accepted" if accepted_by_kernel else "rejected (%s)" % got, verdict))
            if accepted_by_kernel is None:
                failures.append("%s: no verdict from %s:\n%s" % (name, where, log[-2000:]))
            elif accepted_by_kernel:
                failures.append("%s: %s accepted it (the case is wrong)" % (name, where))
            elif got != want:
                failures.append("%s: %s refused it for %s, not %s:\n%s" % (
                    name, where, got, want, log[-1500:]))
            if want not in errors:
                failures.append("%s: the precheck gave no %s error (%s)" % (name, want, verdict))

        # the clang corpus
        clang = [] if not a.precheck_object else sorted(glob.glob(os.path.join(HERE, "bpf", "*.bpf.c")))
        if a.only:
            clang = [p for p in clang if fnmatch.fnmatch(os.path.basename(p), a.only)]
        for path in clang:
            name = os.path.basename(path)
            want = directive(path, "KERNEL")
            for broken in (True, False):
                n += 1
                label = name + (" -DBROKEN" if broken else "")
                obj = os.path.join(tmp, "clang_%d.o" % n)
                p = subprocess.run(["clang-19", "-O2", "-g", "-target", "bpf", "-idirafter",
                                    "/usr/include/x86_64-linux-gnu", "-c", path, "-o", obj]
                                   + (["-DBROKEN"] if broken else []), capture_output=True, text=True)
                if p.returncode:
                    failures.append("%s: clang-19 failed:\n%s" % (label, p.stderr))
                    continue
                p = subprocess.run([a.precheck_object, obj], capture_output=True, text=True)
                errors = set(m.group(1) for m in re.finditer(r"^error ([a-z ]+):", p.stdout, re.M))
                warnings = set(m.group(1) for m in re.finditer(r"^warning ([a-z ]+):", p.stdout, re.M))
                if p.returncode:
                    failures.append("%s: precheck_object failed:\n%s" % (label, p.stderr))
                    continue
                loaded, log = load_here(obj, n)
                got = None if loaded else kernel_class(log, False)
                verdict = ("error (%s)" % ", ".join(sorted(errors)) if errors else
                           "warning (%s)" % ", ".join(sorted(warnings)) if warnings else "nothing")
                print("%-44s %-14s this kernel: %s; precheck: %s" % (
                    label, want if broken else "", "accepted" if loaded else "rejected (%s)" % got,
                    verdict))
                if broken:
                    row = crows[want]
                    row["n"] += 1
                    row["same" if want in errors else "other" if errors else
                        "warn" if warnings else "missed"] += 1
                    if loaded or got != want:
                        failures.append("%s: this kernel %s, not refused for %s:\n%s" % (
                            label, "accepted it" if loaded else "refused it for %s" % got, want,
                            log[-1500:]))
                    if want not in errors:
                        failures.append("%s: the precheck gave no %s error (%s):\n%s" % (
                            label, want, verdict, p.stdout))
                else:
                    if not loaded:
                        failures.append("%s: this kernel refused the correct program:\n%s" % (
                            label, log[-1500:]))
                        continue
                    cacc["n"] += 1
                    cacc["false" if errors else "warn" if warnings else "clean"] += 1
                    if errors:
                        failures.append("%s: the kernel accepts it, the precheck said:\n%s" % (
                            label, p.stdout))

        # the accepted corpus
        for path in accepted:
            name = os.path.basename(path)
            args = directive(path, "ARGS").split() or ([] if path.endswith((".c", ".ts")) else ["--all-exports"])
            targets = directive(path, "TARGETS").split() or [None]
            wasm, err = build(path, tmp)
            if err:
                failures.append("%s: %s" % (name, err))
                continue
            for t in targets:
                n += 1
                label = name + (" @" + t if t else "")
                targs = args + (["--target-kernel=" + t] if t else [])
                obj = os.path.join(tmp, "accepted_%d.bpf.o" % n)
                ok, errors, warnings, stderr = compile_module(w2b, wasm, targs, obj)
                if not ok:
                    failures.append("%s: wasm2bpf --no-precheck failed:\n%s" % (label, stderr))
                    continue
                loaded, log = load_here(obj, n)
                if not loaded:
                    # a case the suite runs but this loader cannot (it is
                    # not the precheck's to judge)
                    print("%-44s skipped: bpftool could not load it: %s" % (
                        label, log.strip().splitlines()[-1] if log.strip() else ""))
                    continue
                acc["n"] += 1
                if errors:
                    acc["false"] += 1
                    failures.append("%s: the kernel accepts it, the precheck said %s:\n%s" % (
                        label, ", ".join(sorted(errors)), stderr))
                elif warnings:
                    acc["warn"] += 1
                else:
                    acc["clean"] += 1
                print("%-44s accepted; precheck: %s" % (
                    label, "error" if errors else "warning (%s)" % ", ".join(sorted(warnings))
                    if warnings else "nothing"))

    tot = refused_table("the kernel refuses for", "modules", rows)
    ctot = refused_table("clang's objects, one rule broken", "objects", crows)
    print()
    print("| the kernel accepts | modules | precheck: nothing | warning only | error (false) |")
    print("|---|---|---|---|---|")
    print("| tests/run at each target | %d | %d | %d | %d |" % (acc["n"], acc["clean"], acc["warn"], acc["false"]))
    if cacc["n"]:
        print("| clang's objects, correct | %d | %d | %d | %d |" % (cacc["n"], cacc["clean"], cacc["warn"], cacc["false"]))
    print()
    for f in failures:
        print("FAIL " + f)
    total = tot["n"] + acc["n"] + ctot["n"] + cacc["n"]
    print("precheck: %d passed, %d failed" % (total - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
