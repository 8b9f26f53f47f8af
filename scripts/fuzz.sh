#!/usr/bin/env bash
# Fuzzes lmg's parsers with libFuzzer and AddressSanitizer: every target in Fuzz/ for SECONDS each
# (default 30), starting from its committed seeds in Fuzz/Corpus/TARGET. Exits non-zero on the first
# crash; the input that crashed is kept in .build-fuzz/crashes/TARGET/ (make it a unit test).
#   scripts/fuzz.sh [SECONDS] [TARGET...]
# Prints each target's executions and their rate. Builds in .build-fuzz (its own scratch path).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
if [[ ! "$seconds" =~ ^[0-9]+$ ]]; then
  echo "fuzz: SECONDS must be a whole number (usage: scripts/fuzz.sh [SECONDS] [TARGET...])" >&2
  exit 2
fi
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(FuzzSSE FuzzJSONValue FuzzJSONRPC FuzzConfig FuzzTemplate FuzzModelStream FuzzGatewayRequest)
fi
scripts/setup.sh >/dev/null
# A check that traps is reported by libFuzzer with its input; Swift's own crash reporter would read the
# stack under AddressSanitizer and bury the finding in a report of its own.
export SWIFT_BACKTRACE=enable=no
# LMG_FUZZ_CONFIGURATION=release builds optimised (several times the executions a second: for the
# long runs the README records); the default debug build is the quicker one to compile (CI's 30 s).
configuration="${LMG_FUZZ_CONFIGURATION:-debug}"
if [[ "$configuration" != debug && "$configuration" != release ]]; then
  echo "fuzz: LMG_FUZZ_CONFIGURATION must be debug or release, not '$configuration'" >&2
  exit 2
fi
# LMG_FUZZ_RUNS=N stops a target after N executions (whichever of it and SECONDS comes first; SECONDS 0
# is no time limit): `LMG_FUZZ_CONFIGURATION=release LMG_FUZZ_RUNS=10000000 scripts/fuzz.sh 0` is the
# README's long run.
runs_limit="${LMG_FUZZ_RUNS:--1}"
if [[ ! "$runs_limit" =~ ^(-1|[0-9]+)$ ]]; then
  echo "fuzz: LMG_FUZZ_RUNS must be a whole number, not '$runs_limit'" >&2
  exit 2
fi
# LMG_FUZZ_FLAGS adds libFuzzer flags to every target's run (e.g. -detect_leaks=0 for the long run of
# FuzzGatewayRequest: see the README's Fuzzing section).
read -r -a extra <<<"${LMG_FUZZ_FLAGS:-}"
flags=(--scratch-path .build-fuzz -c "$configuration" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
log=$(mktemp)
for target in "${targets[@]}"; do
  if ! LMG_FUZZ=1 swift build "${flags[@]}" --product "$target" >"$log" 2>&1; then
    grep -E "error:" "$log" | head -20 || tail -30 "$log"
    echo "fuzz: building $target failed (full log: $log)" >&2
    exit 1
  fi
done
rm -f "$log"
bin=$(LMG_FUZZ=1 swift build "${flags[@]}" --show-bin-path)
for target in "${targets[@]}"; do
  work=.build-fuzz/corpus/$target
  artifacts=.build-fuzz/crashes/$target/
  mkdir -p "$work" "$artifacts"
  # New inputs the fuzzer finds go to the work corpus; the committed seeds stay as they are.
  out=$(mktemp)
  if ! "$bin/$target" -max_total_time="$seconds" -runs="$runs_limit" ${extra[@]+"${extra[@]}"} -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts" "$work" "Fuzz/Corpus/$target" >"$out" 2>&1; then
    tail -40 "$out"
    echo "fuzz: $target found a crash; the input is in $artifacts" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out" | grep -o '[0-9]*$' || true)
  rate=$(grep -o 'exec/s: *[0-9]*' "$out" | tail -1 | grep -o '[0-9]*$' || true)
  took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$out" | grep -o '[0-9]* second' | grep -o '[0-9]*' || true)
  echo "fuzz: $target: $runs executions in ${took:-$seconds}s (${rate:-?} exec/s), no crash"
  rm -f "$out"
done
