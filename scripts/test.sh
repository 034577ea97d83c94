#!/usr/bin/env bash
# The whole test suite: set up, build twice (plain, and with AddressSanitizer
# + UndefinedBehaviorSanitizer), and run every test in both builds. The
# kernel tests load and run programs in the running kernel (root, bpffs).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DW2B_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DW2B_SANITIZE=ON -DW2B_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
# The Release build (-O3, a distribution's) warns where the others do not
# (maybe-uninitialized): it must build cleanly too; it is not run.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DW2B_WERROR=ON >/dev/null
cmake --build build-release -j"$jobs"

status=0
echo "== tests (release build)"
ctest --test-dir build --output-on-failure || status=1
echo "== tests (ASan + UBSan build; the old kernels' runs in qemu test the kernels and the tests labelled long (the spec's invalid-module census, the benchmark smoke run) the same compiler code: once is enough)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -LE "oldkernel|long" || status=1
exit $status
