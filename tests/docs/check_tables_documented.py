#!/usr/bin/env python3
"""The docs and the SDKs name everything the tables offer.

    tests/docs/check_tables_documented.py SOURCE_DIR

common/helpers.def, common/map_types.def and common/program_types.def are
the single source of truth for what a module may import, declare and
export; a row the docs do not mention is a feature nobody can find, and one
an SDK does not declare is one its users cannot call. Each helper's import
name must appear in docs/abi.md (the import table) and docs/sdk.md as
bpf_NAME (the C table), and be declared by the C SDK header, the Rust
SDK's helpers::sys and the AssemblyScript SDK; each map type in docs/sdk.md
as BPF_MAP_TYPE_NAME or its macro, and with its number in the C header's
enum and the Rust and AssemblyScript SDKs' constants; each program section
in docs/abi.md and docs/kernels.md.

Prints one FAIL line per omission and "docs: N checked, M missing"; exit
1 if anything is missing.
"""
import os
import re
import sys


def rows(path, pattern):
    with open(path) as f:
        return re.findall(pattern, f.read(), re.M)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    read = lambda rel: open(os.path.join(root, rel)).read()
    abi, sdk, kernels = read("docs/abi.md"), read("docs/sdk.md"), read("docs/kernels.md")
    header = read("runtime-stubs/include/wasm2bpf_sdk.h")
    rust = read("runtime-stubs/rust/wasm2bpf/src/helpers.rs")
    rust_maps = read("runtime-stubs/rust/wasm2bpf/src/maps.rs")
    ascript = read("runtime-stubs/assemblyscript/wasm2bpf-sdk/index.ts")
    checked, missing = 0, []

    def need(ok, what):
        nonlocal checked
        checked += 1
        if not ok:
            missing.append(what)
            print("FAIL " + what)

    for name in rows(os.path.join(root, "common/helpers.def"), r"^X\((\w+),"):
        need(re.search(r"`%s`|`%s`, |, `%s`" % (name, name, name), abi), "docs/abi.md: helper `%s`" % name)
        need("bpf_%s(" % name in sdk, "docs/sdk.md: bpf_%s(" % name)
        need("W2B_HELPER(%s)" % name in header, "wasm2bpf_sdk.h: W2B_HELPER(%s)" % name)
        need("pub fn %s(" % name in rust, "the Rust SDK's helpers::sys: fn %s" % name)
        need('@external("bpf", "%s")' % name in ascript, "the AssemblyScript SDK: %s" % name)
    for type_id, type_num, name in rows(os.path.join(root, "common/map_types.def"),
                                        r'^X\((\w+),\s*(\d+),\s*"(\w+)"'):
        need("BPF_MAP_TYPE_%s =" % type_id in header, "wasm2bpf_sdk.h: BPF_MAP_TYPE_%s" % type_id)
        need("BPF_MAP_TYPE_%s" % type_id in sdk or "W2B_%s(" % type_id in sdk,
             "docs/sdk.md: BPF_MAP_TYPE_%s or W2B_%s()" % (type_id, type_id))
        need("const %s: u32 = %s;" % (type_id, type_num) in rust_maps,
             "the Rust SDK's maps.rs: const %s" % type_id)
        need("BPF_MAP_TYPE_%s: u32 = %s;" % (type_id, type_num) in ascript,
             "the AssemblyScript SDK: BPF_MAP_TYPE_%s" % type_id)
    for section in rows(os.path.join(root, "common/program_types.def"), r'^X\(\w+,\s*"([^"]+)"'):
        shown = section + "*" if section.endswith("/") else section
        family = section.split("/")[0] + "/*"	# cgroup_skb/ingress: `cgroup_skb/*`
        need("`%s" % section in abi, "docs/abi.md: section `%s`" % section)
        need("`%s`" % shown in kernels or "`%s`" % family in kernels,
             "docs/kernels.md: section `%s`" % shown)
    print("docs: %d checked, %d missing" % (checked, len(missing)))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
