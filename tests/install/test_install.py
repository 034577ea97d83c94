#!/usr/bin/env python3
"""wasm2bpf installed like a compiler, used from the installed tree.

    tests/install/test_install.py BUILD_DIR

`cmake --install BUILD_DIR --prefix TMP/prefix` (a prefix other than the
configured one: the install must be relocatable), then, with nothing from
the build or source tree on any path:
- the files are there: bin/wasm2bpf, libexec/wasm2bpf/wasm2bpf-binaryen,
  share/wasm2bpf/include/wasm2bpf_sdk.h, the Rust SDK, the CMake package,
  lib/pkgconfig/wasm2bpf.pc, share/man/man1/wasm2bpf.1 (which man renders);
- `wasm2bpf --version` names its version and finds its validator beside it
  (../libexec), and `-v` prints the same on stderr while compiling;
- docs/examples/policy.c (copied out of the tree) builds with the CMake
  example (find_package(wasm2bpf), wasm2bpf_add_module) and with the
  Makefile example (pkg-config), each finding the kernel's UAPI headers for
  wasm32; both objects load into the kernel (bpftool) and drop a UDP frame
  to port 9 while passing one to port 10 (BPF_PROG_TEST_RUN).

Prints PASS/FAIL lines and "install: N passed, M failed"; exit 1 on a failure.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
results = []


def check(what, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", what, "" if ok else ": " + detail), flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def udp_frame(dport):
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    ip = bytes.fromhex("4500001c00010000401100000a0000010a000002")
    udp = (1234).to_bytes(2, "big") + dport.to_bytes(2, "big") + bytes.fromhex("00080000")
    return eth + ip + udp + bytes(32)


def load_and_run(obj, tmp, tag):
    pin = "/sys/fs/bpf/w2b_install_%d_%s" % (os.getpid(), tag)
    try:
        p = run(["bpftool", "prog", "loadall", obj, pin])
        check("%s: the object loads" % tag, p.returncode == 0, p.stderr[-1500:])
        if p.returncode:
            return
        for dport, want, what in ((9, 1, "XDP_DROP"), (10, 2, "XDP_PASS")):
            path = os.path.join(tmp, "udp%d.bin" % dport)
            with open(path, "wb") as f:
                f.write(udp_frame(dport))
            r = run(["bpftool", "prog", "run", "pinned", pin + "/discard_filter", "data_in", path])
            m = re.search(r"Return value: (\d+)", r.stdout)
            check("%s: UDP to port %d gives %s" % (tag, dport, what), m and int(m.group(1)) == want,
                  r.stdout + r.stderr)
    finally:
        shutil.rmtree(pin, ignore_errors=True)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    build = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="w2b-install-")
    prefix = os.path.join(tmp, "prefix")
    try:
        p = run(["cmake", "--install", build, "--prefix", prefix])
        check("cmake --install --prefix TMP", p.returncode == 0, p.stdout + p.stderr)
        for rel in ("bin/wasm2bpf", "libexec/wasm2bpf/wasm2bpf-binaryen",
                    "share/wasm2bpf/include/wasm2bpf_sdk.h",
                    "share/wasm2bpf/rust/wasm2bpf/Cargo.toml", "share/wasm2bpf/rust/wasm2bpf/src/lib.rs",
                    "lib/cmake/wasm2bpf/wasm2bpfConfig.cmake",
                    "lib/cmake/wasm2bpf/wasm2bpfConfigVersion.cmake",
                    "lib/pkgconfig/wasm2bpf.pc", "share/man/man1/wasm2bpf.1"):
            check("installed: %s" % rel, os.path.exists(os.path.join(prefix, rel)))
        p = run(["man", "-l", os.path.join(prefix, "share/man/man1/wasm2bpf.1")],
                env=dict(os.environ, MANWIDTH="80", PAGER="cat"))
        check("man renders wasm2bpf(1)", p.returncode == 0 and
              re.search(r"wasm2bpf\s+-\s+compile", p.stdout) is not None, p.stdout[:300] + p.stderr[-300:])

        # nothing from the build tree: a clean environment, the work in tmp
        env = {"PATH": os.path.join(prefix, "bin") + ":/usr/bin:/bin", "HOME": tmp}
        w2b = os.path.join(prefix, "bin", "wasm2bpf")
        p = run([w2b, "--version"], env=env)
        helper = os.path.join(prefix, "libexec", "wasm2bpf", "wasm2bpf-binaryen")
        check("wasm2bpf --version: 'wasm2bpf 0.1.0', the validator from the install",
              p.returncode == 0 and p.stdout.startswith("wasm2bpf 0.1.0\n") and helper in p.stdout,
              p.stdout + p.stderr)
        work = os.path.join(tmp, "work")
        os.makedirs(os.path.join(work, "cmake"))
        os.makedirs(os.path.join(work, "make"))
        shutil.copy(os.path.join(ROOT, "docs", "examples", "policy.c"), work)
        shutil.copy(os.path.join(ROOT, "docs", "examples", "cmake", "CMakeLists.txt"),
                    os.path.join(work, "cmake"))
        shutil.copy(os.path.join(ROOT, "docs", "examples", "make", "Makefile"), os.path.join(work, "make"))

        p = run(["cmake", "-S", os.path.join(work, "cmake"), "-B", os.path.join(work, "cmake", "build"),
                 "-DCMAKE_PREFIX_PATH=" + prefix], env=env)
        check("the CMake example configures (find_package(wasm2bpf))", p.returncode == 0, p.stdout + p.stderr)
        p = run(["cmake", "--build", os.path.join(work, "cmake", "build")], env=env)
        obj = os.path.join(work, "cmake", "build", "policy.bpf.o")
        check("the CMake example builds policy.bpf.o", p.returncode == 0 and os.path.exists(obj),
              p.stdout[-2000:] + p.stderr[-2000:])
        if os.path.exists(obj):
            load_and_run(obj, tmp, "cmake")

        menv = dict(env, PKG_CONFIG_PATH=os.path.join(prefix, "lib", "pkgconfig"))
        p = run(["make", "-C", os.path.join(work, "make")], env=menv)
        obj = os.path.join(work, "make", "policy.bpf.o")
        check("the Makefile example builds policy.bpf.o (pkg-config)",
              p.returncode == 0 and os.path.exists(obj), p.stdout[-2000:] + p.stderr[-2000:])
        if os.path.exists(obj):
            load_and_run(obj, tmp, "make")
        p = run([w2b, "-v", os.path.join(work, "cmake", "build", "policy.wasm"), "--check"], env=env)
        check("-v prints the version on stderr and compiles", p.returncode == 0 and
              p.stderr.startswith("wasm2bpf 0.1.0\n"), p.stderr[-500:])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("install: %d passed, %d failed" % (results.count(True), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
