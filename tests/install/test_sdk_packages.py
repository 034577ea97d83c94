#!/usr/bin/env python3
"""The Rust crate and the npm package, used as a new user would: offline,
from the repository.

    tests/install/test_sdk_packages.py WASM2BPF

- Rust: a new crate in a temporary directory whose Cargo.toml names
  runtime-stubs/rust/wasm2bpf by path, built by Debian's cargo (/usr/bin)
  with --offline, in the release and the dev profile (the dev profile with
  the opt-level docs/sdk-rust.md gives; without it, wasm2bpf's refusal
  carries the note naming that setting), and in release with debug info,
  whose map value type (struct Seen) reaches the object's BTF by field;
- AssemblyScript: a new npm project that installs
  runtime-stubs/assemblyscript/wasm2bpf-sdk with `npm install --offline PATH`
  and imports it by name, built by asc;
each compiled by wasm2bpf and loaded into the kernel by bpftool.

Prints PASS/FAIL lines and "sdk packages: N passed, M failed"; exit 1 on a
failure.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ASC = os.environ.get("ASC") or "/opt/wasm2bpf/npm/node_modules/.bin/asc"
results = []


def check(what, ok, detail=""):
    results.append(bool(ok))
    print("%s %s%s" % ("PASS" if ok else "FAIL", what, "" if ok else ": " + detail), flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def compile_and_load(w2b, wasm, tag, tmp):
    obj = os.path.join(tmp, tag + ".bpf.o")
    p = run([w2b, wasm, "-o", obj])
    check("%s: wasm2bpf compiles it" % tag, p.returncode == 0, p.stderr[-1500:])
    if p.returncode:
        return p
    pin = "/sys/fs/bpf/w2b_sdkpkg_%d_%s" % (os.getpid(), tag)
    q = run(["bpftool", "prog", "loadall", obj, pin])
    shutil.rmtree(pin, ignore_errors=True)
    check("%s: the object loads" % tag, q.returncode == 0, q.stderr[-1500:])
    return p


RUST_LIB = """#![no_std]
use wasm2bpf::{map, program, XDP_DROP, XDP_PASS};

#[repr(C)]
pub struct Seen { frames: u64 }

map!(seen: Array<Seen>[1]);

program!("xdp", fn drop_short(pkt: &mut [u8]) -> u32 {
    if let Some(s) = seen.get(0) {
        s.frames += 1;
    }
    if pkt.len() < 60 { XDP_DROP } else { XDP_PASS }
});
"""


def rust(w2b, tmp):
    crate = os.path.join(tmp, "policy")
    os.makedirs(os.path.join(crate, "src"))
    os.makedirs(os.path.join(crate, ".cargo"))
    sdk = os.path.join(ROOT, "runtime-stubs", "rust", "wasm2bpf")
    with open(os.path.join(crate, "src", "lib.rs"), "w") as f:
        f.write(RUST_LIB)
    shutil.copy(os.path.join(ROOT, "samples", "counters-rust", ".cargo", "config.toml"),
                os.path.join(crate, ".cargo"))
    env = dict(os.environ, CARGO_HOME=os.path.join(tmp, "cargo-home"), RUSTC="/usr/bin/rustc")
    for profile, opt in (("release", None), ("dev", None), ("dev", 1), ("release", "debug")):
        with open(os.path.join(crate, "Cargo.toml"), "w") as f:
            f.write('[package]\nname = "policy"\nversion = "0.1.0"\nedition = "2021"\n\n'
                    '[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nwasm2bpf = { path = "%s" }\n\n'
                    '[profile.release]\npanic = "abort"\n%s\n[profile.dev]\npanic = "abort"\n%s'
                    % (sdk, "debug = true\n" if opt == "debug" else "",
                       "opt-level = %d\n" % opt if isinstance(opt, int) else ""))
        tag = "rust-%s%s" % (profile, "-" + str(opt) if opt == "debug" else
                             "-opt%d" % opt if opt is not None else "")
        argv = ["/usr/bin/cargo", "build", "--offline", "--target-dir", os.path.join(tmp, "target-" + tag)]
        if profile == "release":
            argv.append("--release")
        p = run(argv, cwd=crate, env=env)
        check("%s: Debian's cargo builds the crate offline" % tag, p.returncode == 0, p.stderr[-1500:])
        if p.returncode:
            continue
        wasm = os.path.join(tmp, "target-" + tag, "wasm32-unknown-unknown",
                            "release" if profile == "release" else "debug", "policy.wasm")
        if profile == "dev" and opt is None:
            q = run([w2b, wasm, "-o", os.path.join(tmp, tag + ".bpf.o")])
            check("%s: refused, with the note naming [profile.dev] opt-level = 1" % tag,
                  q.returncode == 1 and "[profile.dev] opt-level = 1" in q.stderr, q.stderr[-1500:])
        else:
            compile_and_load(w2b, wasm, tag, tmp)
        if opt == "debug":
            # with debug info, the map's value type is in the BTF by field
            text = run(["bpftool", "btf", "dump", "file", os.path.join(tmp, tag + ".bpf.o"),
                        "format", "c"]).stdout
            check("%s: the BTF has the map value's Rust type (struct Seen { u64 frames; })" % tag,
                  "struct Seen {\n\tu64 frames;\n};" in text, text[-1500:])


TRACER_LIB = """#![no_std]
use wasm2bpf::{core_exists, core_u32, map, tracing, BPF_ANY};

#[repr(C)]
pub struct Exec { ppid: u32, has_pid: u32 }

map!(execs: HashMap<u32, Exec>[1024]);

tracing!("tp_btf/sched_process_exec", fn on_exec(task: u64, old_pid: u32, bprm: u64) {
    let _ = bprm;
    let e = Exec {
        ppid: core_u32!(task, "task_struct", "real_parent->tgid"),
        has_pid: core_exists!("task_struct", "pid"),
    };
    execs.insert(&old_pid, &e, BPF_ANY);
});
"""


def rust_tracer(w2b, tmp):
    """A tp_btf program reading kernel fields through CO-RE from Rust:
    the object carries the relocations and loads."""
    crate = os.path.join(tmp, "tracer")
    os.makedirs(os.path.join(crate, "src"))
    os.makedirs(os.path.join(crate, ".cargo"))
    sdk = os.path.join(ROOT, "runtime-stubs", "rust", "wasm2bpf")
    with open(os.path.join(crate, "src", "lib.rs"), "w") as f:
        f.write(TRACER_LIB)
    shutil.copy(os.path.join(ROOT, "samples", "counters-rust", ".cargo", "config.toml"),
                os.path.join(crate, ".cargo"))
    with open(os.path.join(crate, "Cargo.toml"), "w") as f:
        f.write('[package]\nname = "tracer"\nversion = "0.1.0"\nedition = "2021"\n\n'
                '[lib]\ncrate-type = ["cdylib"]\n\n[dependencies]\nwasm2bpf = { path = "%s" }\n\n'
                '[profile.release]\npanic = "abort"\n' % sdk)
    env = dict(os.environ, CARGO_HOME=os.path.join(tmp, "cargo-home"), RUSTC="/usr/bin/rustc")
    p = run(["/usr/bin/cargo", "build", "--release", "--offline", "--target-dir",
             os.path.join(tmp, "target-tracer")], cwd=crate, env=env)
    check("rust-tracer: a tp_btf program with core_u32!/core_exists! builds", p.returncode == 0,
          p.stderr[-1500:])
    if p.returncode:
        return
    wasm = os.path.join(tmp, "target-tracer", "wasm32-unknown-unknown", "release", "tracer.wasm")
    compile_and_load(w2b, wasm, "rust-tracer", tmp)
    p = run(["bpftool", "btf", "dump", "file", os.path.join(tmp, "rust-tracer.bpf.o")])
    check("rust-tracer: the object's BTF has the CO-RE target (task_struct)", "task_struct" in p.stdout,
          p.stdout[-800:])


def assemblyscript(w2b, tmp):
    proj = os.path.join(tmp, "as-policy")
    os.makedirs(proj)
    with open(os.path.join(proj, "package.json"), "w") as f:
        f.write('{ "name": "as-policy", "version": "1.0.0", "private": true }\n')
    sdk = os.path.join(ROOT, "runtime-stubs", "assemblyscript", "wasm2bpf-sdk")
    p = run(["npm", "install", "--offline", "--no-audit", "--no-fund", sdk], cwd=proj)
    check("npm install --offline of the SDK package from the repository", p.returncode == 0,
          p.stdout[-800:] + p.stderr[-800:])
    shutil.copy(os.path.join(ROOT, "samples", "counters-as", "counters.ts"), proj)
    wasm = os.path.join(proj, "counters.wasm")
    p = run([ASC, "counters.ts", "-O2", "--runtime", "stub", "--initialMemory", "1", "-o", wasm], cwd=proj)
    check("asc builds a module importing \"wasm2bpf-sdk\" from node_modules", p.returncode == 0,
          p.stdout[-800:] + p.stderr[-800:])
    if p.returncode == 0:
        compile_and_load(w2b, wasm, "assemblyscript", tmp)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    w2b = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="w2b-sdkpkg-")
    try:
        rust(w2b, tmp)
        rust_tracer(w2b, tmp)
        assemblyscript(w2b, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("sdk packages: %d passed, %d failed" % (results.count(True), results.count(False)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
