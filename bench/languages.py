#!/usr/bin/env python3
"""The same policies in C, Rust and AssemblyScript, side by side.

    sudo bench/languages.py BUILD_DIR [--repeat N] [--rounds R]

For auth (samples/auth, auth-rust, auth-as) and counters (samples/counters,
counters-rust, counters-as) as the project's build made them: the module's
size (Wasm bytes), the loaded program's size (xlated BPF instructions,
JITed bytes), and ns/run on the same frames with BPF_PROG_TEST_RUN
(bench/auth_run.py's request frames for auth: a valid request, a refused
one, one without the header; a UDP frame for counters), the median of R
rounds, the languages interleaved in each round. Prints a Markdown table.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import auth_run  # noqa: E402

LANGS = (("C", ""), ("Rust", "-rust"), ("AssemblyScript", "-as"))
UDP = bytes.fromhex("020000000002020000000001080045000030000100004011000010000001"
                    "0a000002") + bytes(48)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build")
    ap.add_argument("--repeat", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=5)
    a = ap.parse_args()
    policies = {
        "auth": [(name, frame) for name, frame, _ in auth_run.FRAMES[:3]],
        "counters": [("UDP frame", UDP)],
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for policy, frames in policies.items():
            loaded = {}
            try:
                for lang, suffix in LANGS:
                    name = policy + suffix
                    obj = os.path.join(a.build, "samples", name, name + ".bpf.o")
                    wasm = os.path.join(a.build, "samples", name, name + ".wasm")
                    pin = "/sys/fs/bpf/w2b-lang-%d-%s" % (os.getpid(), name)
                    info = auth_run.load(obj, pin)
                    loaded[lang] = (pin, os.path.getsize(wasm), info["bytes_xlated"] // 8,
                                    info["bytes_jited"])
                for fname, frame in frames:
                    ns = {lang: [] for lang, _ in LANGS}
                    for _ in range(a.rounds):
                        for lang, _ in LANGS:
                            ns[lang].append(auth_run.run(loaded[lang][0], frame, a.repeat, tmp)[1])
                    for lang, _ in LANGS:
                        _, wbytes, insns, jited = loaded[lang]
                        rows.append((policy, fname, lang, wbytes, insns, jited, statistics.median(ns[lang])))
            finally:
                for pin, *_ in loaded.values():
                    if os.path.exists(pin):
                        os.unlink(pin)
    print("| policy | frame | language | Wasm bytes | BPF insns (xlated) | JIT bytes | ns/run | vs C |")
    print("|---|---|---|---|---|---|---|---|")
    base = {}
    for policy, fname, lang, wbytes, insns, jited, ns in rows:
        if lang == "C":
            base[(policy, fname)] = ns
        print("| %s | %s | %s | %d | %d | %d | %d | %.2fx |" % (
            policy, fname, lang, wbytes, insns, jited, ns, ns / base[(policy, fname)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
