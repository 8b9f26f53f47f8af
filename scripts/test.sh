#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test suite.
#   scripts/test.sh          every suite, against the real peers (Python MCP servers, tmux, the lmg binary)
#   scripts/test.sh --pure   only the pure tier: no Python peer, no process, no port; runs in seconds
# Other arguments go to `swift test` (e.g. --filter NAME).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/tiers.sh

pure=false
if [[ "${1:-}" == "--pure" ]]; then
  pure=true
  shift
fi

if $pure; then scripts/setup.sh; else scripts/setup.sh --test; fi
log=$(mktemp)
if ! swift build --build-tests >"$log" 2>&1; then
  grep -E "error:|warning: unable" "$log" | head -50 || tail -50 "$log"
  echo "build failed (full log: $log)" >&2
  exit 1
fi
rm -f "$log"
if $pure; then
  swift test --skip-build --filter "$PURE" "$@"
else
  # At most 6 tests at once: each live test starts real peers (a Python MCP server takes a second or
  # two of CPU to start), and on 2 cores dozens starting together starve each other past their
  # timeouts. Measured: unlimited, 9 timeouts in 167 s; 6 wide, none in 138 s.
  WIDTH=(--experimental-maximum-parallelization-width "${LMG_TEST_WIDTH:-6}")
  if (($#)); then
    swift test --skip-build "${WIDTH[@]}" "$@"
  else
    # Python clients that fuzz or drive the gateway (schemathesis, the openai and MCP SDKs) run second, on
    # their own, for the same reason.
    LATE='GatewayServerTests\.(GatewayOpenAPILiveTests|OpenAIClientTests|MCPClientLiveTests|MCPModernClientLiveTests)'
    swift test --skip-build "${WIDTH[@]}" --skip "$LATE"
    swift test --skip-build "${WIDTH[@]}" --filter "$LATE"
  fi
fi
