#!/usr/bin/env bash
# Builds one of the libFuzzer harnesses of tests/fuzz and runs it:
#
#   scripts/fuzz.sh decode|frontend|precheck SECONDS [LIBFUZZER_FLAG...]
#
# The binary is built with clang-19 -fsanitize=fuzzer,address,undefined
# (libclang-rt-19-dev) into $FUZZ_DIR (default /tmp/w2b-fuzz), from the
# sources of this tree. The fuzzer's working corpus is $FUZZ_DIR/HARNESS.corpus,
# seeded from tests/fuzz/corpus/HARNESS (the saved, small one the suite
# replays); new crashes, leaks and timeouts land in $FUZZ_DIR/HARNESS.artifacts.
# A finding is minimised with:
#   $FUZZ_DIR/fuzz_HARNESS -minimize_crash=1 -runs=100000 CRASH_FILE
# and, once fixed, saved in tests/fuzz/corpus/HARNESS as a regression input.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
harness=${1:?usage: fuzz.sh decode|frontend|precheck SECONDS [LIBFUZZER_FLAG...]}
seconds=${2:?usage: fuzz.sh decode|frontend|precheck SECONDS [LIBFUZZER_FLAG...]}
shift 2
out=${FUZZ_DIR:-/tmp/w2b-fuzz}
mkdir -p "$out/$harness.corpus" "$out/$harness.artifacts"

cd "$here"
common=(common/*.c)
case $harness in
decode)
  srcs=("${common[@]}" frontend/opcodes.c frontend/wasm_decode.c)
  libs=()
  # a module is rarely useful past a few KB: longer inputs only slow the
  # mutations down
  max_len=8192 ;;
frontend)
  srcs=("${common[@]}" frontend/*.c ir/*.c)
  # binaryen_tool.c is the child process's own program, not the library
  srcs=("${srcs[@]/frontend\/binaryen_tool.c}")
  libs=(-lbpf -lelf -lz)
  max_len=16384 ;;
precheck)
  srcs=("${common[@]}" verifier-check/*.c)
  libs=(-lbpf -lelf -lz)
  # the seed objects are a few KB to tens of KB (BTF and DWARF)
  max_len=65536 ;;
*)
  echo "fuzz.sh: unknown harness '$harness' (decode, frontend, precheck)" >&2
  exit 2 ;;
esac

bin=$out/fuzz_$harness
# -fno-sanitize-recover: an undefined behaviour is a finding, not a line in
# the log
clang-19 -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -fno-omit-frame-pointer -D_GNU_SOURCE -DW2B_LIBEXECDIR='"/nonexistent"' -I. -Iinclude \
  ${srcs[@]} "tests/fuzz/fuzz_$harness.c" "${libs[@]}" -o "$bin"

# leaks are findings too (detect_leaks is libFuzzer's default with ASan);
# -rss_limit_mb: one input that allocates without bound is a finding, not
# the machine's memory
exec "$bin" -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$out/$harness.artifacts/" "$@" \
  "$out/$harness.corpus" "tests/fuzz/corpus/$harness"
