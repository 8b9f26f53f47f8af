#!/usr/bin/env bash
# Runs the pure and the loop test tiers (scripts/tiers.sh) under a sanitizer; any report fails the run.
#   scripts/sanitize.sh thread      ThreadSanitizer, built in .build-tsan
#   scripts/sanitize.sh address     AddressSanitizer with LeakSanitizer, built in .build-asan
#   scripts/sanitize.sh both        one, then the other
#   scripts/sanitize.sh alternate   the one this commit's number picks: odd `git rev-list --count HEAD`
#                                   thread, even address (what .ci/run does, so consecutive commits
#                                   alternate and each build fits CI's time)
# Reports of every process — the test runner and the lmg processes it starts — are written to
# .build-SAN/reports/ and printed; none is suppressed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/tiers.sh

case "${1:-}" in
  thread | address) sanitizers=("$1") ;;
  both) sanitizers=(thread address) ;;
  alternate) if (($(git rev-list --count HEAD) % 2)); then sanitizers=(thread); else sanitizers=(address); fi ;;
  *) echo "sanitize: usage: scripts/sanitize.sh thread|address|both|alternate" >&2; exit 2 ;;
esac
scripts/setup.sh >/dev/null

for sanitizer in "${sanitizers[@]}"; do
  scratch=.build-${sanitizer:0:1}san
  flags=(--scratch-path "$scratch" --sanitize="$sanitizer")
  # swift-otel 1.6.0 does not compile under -sanitize=thread in Swift 6 mode: the compiler's checks of
  # `sending` see TSan's instrumentation of an inout access as a use in another region (two
  # OTelBatch*Processor.swift errors). The TSan build is therefore Swift 5 mode with bare /regex/ literals;
  # the ordinary build keeps every module's Swift 6 checks, and what TSan checks at run time is the same code.
  [[ $sanitizer == thread ]] && flags+=(-Xswiftc -swift-version -Xswiftc 5 -Xswiftc -enable-bare-slash-regex)
  log=$(mktemp)
  started=$SECONDS
  if ! swift build --build-tests "${flags[@]}" >"$log" 2>&1; then
    grep -E "error:" "$log" | sort -u | head -20 || tail -30 "$log"
    echo "sanitize: the $sanitizer build failed (full log: $log)" >&2
    exit 1
  fi
  rm -f "$log"
  built=$((SECONDS - started))
  reports=$scratch/reports
  rm -rf "$reports" && mkdir -p "$reports"
  # log_path: each process writes its reports to a file of its own, so those of an lmg process whose
  # stderr a test reads are not lost.
  export TSAN_OPTIONS="log_path=$PWD/$reports/tsan:halt_on_error=0:second_deadlock_stack=1"
  export ASAN_OPTIONS="log_path=$PWD/$reports/asan:detect_leaks=1:detect_stack_use_after_return=0"
  export SWIFT_BACKTRACE=enable=no
  started=$SECONDS
  status=0
  # Six at once, as in scripts/test.sh: sanitized code runs a few times slower, and the loop tier
  # starts processes.
  swift test --skip-build "${flags[@]}" --experimental-maximum-parallelization-width 6 --filter "$PURE|$LOOP" || status=$?
  unset TSAN_OPTIONS ASAN_OPTIONS
  found=$(find "$reports" -type f | sort)
  if [[ -n "$found" ]]; then
    for file in $found; do echo "== $file"; head -80 "$file"; done
    echo "sanitize: $sanitizer: $(echo "$found" | wc -l) report file(s) in $reports" >&2
    exit 1
  fi
  if ((status != 0)); then
    echo "sanitize: $sanitizer: the tests failed (exit $status)" >&2
    exit "$status"
  fi
  echo "sanitize: $sanitizer: the pure and loop tiers passed with no report (build ${built}s, tests $((SECONDS - started))s)"
done
