#!/usr/bin/env bash
# Installs everything wasm2bpf needs to build, test and run on a bare
# Debian 12, from Debian's own packages, and mounts bpffs. Run as root.
# Idempotent: a second run only checks.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config python3
  llvm-19-dev clang-19 lld-19          # backend (LLVM C API), samples and tests (wasm32 C)
  binaryen                              # frontend: the second validator (wasm2bpf-binaryen)
  libbpf-dev libelf-dev zlib1g-dev bpftool   # loading and inspecting objects
  wabt                                  # wat2wasm reads text modules; wast2json for the spec tests
  iproute2 curl                         # end-to-end traffic tests
  nodejs                                # the reference engine of the differential tests
  rustc cargo libstd-rust-dev-wasm32    # Rust: the loop corpus (tests/loops), the Rust SDK and samples
  csmith libcsmith-dev                  # random C programs (tests/diff/csmith_batch.py)
  python3-matplotlib                    # bench/perf.py's chart (docs/perf.png), run by /usr/bin/python3
  libclang-rt-19-dev                    # libFuzzer and the sanitizers' runtimes for clang-19 (scripts/fuzz.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# AssemblyScript's compiler (asc) for the AssemblyScript tests, from npm
# (not packaged by Debian) into its own prefix; npm from Debian where the
# nodejs package has none.
ASC_PREFIX=/opt/wasm2bpf/npm
if [ ! -x "$ASC_PREFIX/node_modules/.bin/asc" ]; then
  if ! command -v npm >/dev/null; then
    apt-get install -y -q --no-install-recommends npm
  fi
  npm install --prefix "$ASC_PREFIX" --no-audit --no-fund assemblyscript@0.27.37
fi

# Programs are pinned and loaded through bpffs.
if ! mountpoint -q /sys/fs/bpf 2>/dev/null; then
  mount -t bpf bpf /sys/fs/bpf 2>/dev/null || echo "setup: warning: could not mount bpffs on /sys/fs/bpf" >&2
fi
# tracepoint/ programs attach through tracefs
if [ -d /sys/kernel/tracing ] && [ ! -d /sys/kernel/tracing/events ]; then
  mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || echo "setup: warning: could not mount tracefs on /sys/kernel/tracing" >&2
fi
