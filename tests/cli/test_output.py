#!/usr/bin/env python3
"""How `wasm2bpf ... -o PATH` writes its output, case by case, as a compiler does.

    tests/cli/test_output.py --wasm2bpf build/wasm2bpf

- a new or existing regular file: replaced whole (a temporary file beside
  it, renamed over it), with mode 0666 less the umask (022 -> 0644,
  077 -> 0600); a failed compile leaves an existing output as it was, and
  no temporary file behind;
- a symbolic link: followed, the file it names gets the output, the link
  stays a link;
- a character device (a null device made with mknod, as /dev/null is) and
  a FIFO: opened and written, never replaced by a regular file (as root,
  the old temp-file-and-rename turned /dev/null into a file);
- a directory: exit 2, "Is a directory", the directory untouched;
- and the output does not depend on the directory the module was
  compiled from (the line info names the file's base name).

Needs root (mknod) and wat2wasm. Prints PASS/FAIL lines and
"cli_output: N passed, M failed"; exit 1 if any failed.
"""
import argparse
import os
import stat
import subprocess
import sys
import tempfile
import threading

WAT = """(module (memory 1)
  (func (export "count") (param $p i32) (param $len i32) (result i32)
    (i32.add (local.get $len) (i32.const 1))))"""

results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, "" if ok else ": " + detail), flush=True)


def compile_to(w2b, wasm, out, umask=0o022):
    def pre():
        os.umask(umask)
    return subprocess.run([w2b, "--entry", "count=xdp", wasm, "-o", out], capture_output=True,
                          text=True, preexec_fn=pre, timeout=60)


def leftovers(d):
    return [n for n in os.listdir(d) if ".tmp." in n]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wasm2bpf", required=True)
    a = ap.parse_args()
    w2b = os.path.abspath(a.wasm2bpf)
    with tempfile.TemporaryDirectory(prefix="w2b-cli-output-") as d:
        wat, wasm = os.path.join(d, "m.wat"), os.path.join(d, "m.wasm")
        with open(wat, "w") as f:
            f.write(WAT)
        subprocess.run(["wat2wasm", wat, "-o", wasm], check=True)
        ref = os.path.join(d, "ref.o")
        p = compile_to(w2b, wasm, ref)
        check("compiles", p.returncode == 0, p.stderr)
        with open(ref, "rb") as f:
            obj = f.read()

        # --check: compiled and prechecked, nothing written (no
        # privileges needed: run as nobody), exit 0; -o is not written
        # either, and the default output is not made
        chk = os.path.join(d, "check.o")
        os.chmod(d, 0o755)
        os.chmod(wasm, 0o644)
        p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            w2b, wasm, "--entry", "count=xdp", "--check", "-o", chk],
                           capture_output=True, text=True, cwd="/")
        check("--check as nobody: exit 0, nothing written",
              p.returncode == 0 and not os.path.exists(chk) and
              not os.path.exists(os.path.join(d, "m.bpf.o")),
              "exit %d: %s" % (p.returncode, p.stderr))
        p = subprocess.run([w2b, wasm, "--entry", "count=xdp", "--check", "--stats"],
                           capture_output=True, text=True)
        check("--check --stats: the estimate, nothing written",
              p.returncode == 0 and "estimated" in p.stdout and
              not os.path.exists(os.path.join(d, "m.bpf.o")), p.stdout + p.stderr)

        for mask, mode in ((0o022, 0o644), (0o077, 0o600), (0o002, 0o664)):
            out = os.path.join(d, "mode-%03o.o" % mask)
            p = compile_to(w2b, wasm, out, mask)
            got = stat.S_IMODE(os.stat(out).st_mode) if p.returncode == 0 else None
            check("umask %03o: a new output has mode %03o" % (mask, mode), got == mode,
                  "exit %d, mode %s" % (p.returncode, oct(got) if got is not None else "-"))

        old = os.path.join(d, "old.o")
        with open(old, "wb") as f:
            f.write(b"previous contents")
        os.chmod(old, 0o600)
        p = compile_to(w2b, wasm, old)
        with open(old, "rb") as f:
            same = f.read() == obj
        check("an existing file is replaced whole, mode 0644 under umask 022",
              p.returncode == 0 and same and stat.S_IMODE(os.stat(old).st_mode) == 0o644,
              "exit %d, contents %s" % (p.returncode, "ok" if same else "differ"))

        bad = os.path.join(d, "bad.wasm")
        with open(bad, "wb") as f:
            f.write(b"\0asm\1\0\0\0\x99")
        p = compile_to(w2b, bad, old)
        with open(old, "rb") as f:
            kept = f.read() == obj
        check("a failed compile leaves the existing output as it was, no temporary file",
              p.returncode == 1 and kept and not leftovers(d),
              "exit %d, kept %s, leftovers %s" % (p.returncode, kept, leftovers(d)))

        target, link = os.path.join(d, "target.o"), os.path.join(d, "link.o")
        with open(target, "wb") as f:
            f.write(b"x")
        os.symlink(target, link)
        p = compile_to(w2b, wasm, link)
        with open(target, "rb") as f:
            through = f.read() == obj
        check("a symbolic link is followed and stays a link",
              p.returncode == 0 and os.path.islink(link) and through,
              "exit %d, link %s, target written %s" % (p.returncode, os.path.islink(link), through))

        null = os.path.join(d, "null")
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        p = compile_to(w2b, wasm, null)
        check("a character device (a null device) is written, not replaced",
              p.returncode == 0 and stat.S_ISCHR(os.lstat(null).st_mode) and not leftovers(d),
              "exit %d, now %s" % (p.returncode, stat.filemode(os.lstat(null).st_mode)))

        fifo = os.path.join(d, "fifo")
        os.mkfifo(fifo)
        got = []
        reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()), daemon=True)
        reader.start()
        p = compile_to(w2b, wasm, fifo)
        reader.join(30)
        check("a FIFO is written through, not replaced",
              p.returncode == 0 and stat.S_ISFIFO(os.lstat(fifo).st_mode) and got == [obj],
              "exit %d, read %s bytes" % (p.returncode, len(got[0]) if got else "no"))

        # reproducible: the same module from two directories, by relative
        # and absolute path, gives the same bytes
        for sd in ("x", "y"):
            os.mkdir(os.path.join(d, sd))
            with open(wasm, "rb") as f, open(os.path.join(d, sd, "m.wasm"), "wb") as g:
                g.write(f.read())
        outs = []
        for cwd, src in ((d, os.path.join("x", "m.wasm")), (os.path.join(d, "y"), "m.wasm"),
                         ("/", os.path.join(d, "x", "m.wasm"))):
            o = os.path.join(d, "repro-%d.o" % len(outs))
            p = subprocess.run([w2b, "--entry", "count=xdp", src, "-o", o], cwd=cwd,
                               capture_output=True, text=True, timeout=60)
            with open(o, "rb") as f:
                outs.append(f.read() if p.returncode == 0 else None)
        check("the same module compiled from two directories gives the same object",
              outs[0] is not None and outs.count(outs[0]) == 3,
              "sizes %s" % [len(x) if x else None for x in outs])

        sub = os.path.join(d, "dir.o")
        os.mkdir(sub)
        p = compile_to(w2b, wasm, sub)
        check("a directory: exit 2, 'Is a directory', left as it was",
              p.returncode == 2 and "Is a directory" in p.stderr and os.path.isdir(sub) and
              not os.listdir(sub) and not leftovers(d),
              "exit %d: %s" % (p.returncode, p.stderr.strip()))
    passed = sum(results)
    print("cli_output: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
