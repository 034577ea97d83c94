#!/usr/bin/env bash
# The main job, end to end: set up, build, compile a C program to Wasm and
# the Wasm to eBPF, load it into the kernel with bpftool, and run it there.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

s=build/samples/collatz
echo
echo "== $s/collatz.wasm (clang-19 --target=wasm32) -> $s/collatz.bpf.o (wasm2bpf)"
bpftool prog loadall "$s/collatz.bpf.o" /sys/fs/bpf/w2b-demo
trap 'rm -rf /sys/fs/bpf/w2b-demo' EXIT
bpftool prog show pinned /sys/fs/bpf/w2b-demo/collatz_steps
echo
echo "== run in the kernel (BPF_PROG_TEST_RUN):"
for n in 27 97 871; do
  printf 'collatz_steps(%s) = ' "$n"
  build/wasm2bpf run "$s/collatz.wasm" --invoke collatz_steps "i64:$n"
done
printf 'longest_below(100000) = '
build/wasm2bpf run "$s/collatz.wasm" --invoke longest_below i32:100000
printf 'gcd_strict(1071, 462) = '
build/wasm2bpf run "$s/collatz.wasm" --invoke gcd_strict i32:1071 i32:462
printf 'gcd_strict(5, 0) = '
build/wasm2bpf run "$s/collatz.wasm" --invoke gcd_strict i32:5 i32:0 || echo "(exit $? = trapped, as Wasm demands)"
