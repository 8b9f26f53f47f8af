#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
log=$(mktemp)
if ! swift build --build-tests >"$log" 2>&1; then
  grep -E "error:|warning: unable" "$log" | head -50 || tail -50 "$log"
  echo "build failed (full log: $log)" >&2
  exit 1
fi
rm -f "$log"
swift test --skip-build "$@"
