#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test suite.
#   scripts/test.sh          every suite, against the real peers (Python MCP servers, tmux, the lmg binary)
#   scripts/test.sh --pure   only the pure tier: no Python peer, no process, no port; runs in seconds
# Other arguments go to `swift test` (e.g. --filter NAME).
set -euo pipefail
cd "$(dirname "$0")/.."

# Suites that start nothing: values, state machines, parsers, in-process doubles.
PURE='EventLoopsTests|JSONRPCTests|LMGTestingTests|ChatREPLTests|PromptTemplatesTests|GatewayRuntimeTests\.(RuntimeTests|PolicyTests|SamplingTests|SelfAliasTests|ConfigTests|ModelsConfigTests|OAuth2ConfigTests)'
PURE+='|GatewayServerTests\.(GatewayAPITests|AccessTests|CallResultWriterTests|ServerStoreTests|ServerPersistenceTests|OpenAPIDocumentTests|MetricsTests|MCPSessionTests|MCPSessionSealerTests)'
PURE+='|ModelClientTests\.ModelWireTests|OrchestratorTests\.(OrchestratorValueTests|OrchestratorExternalToolsTests|OrchestratorArgumentCheckTests)'
PURE+='|MCPBuiltinServerTests\.(BuiltinServerToolTests|BuiltinServerFastPathTests|BuiltinServerProtocolTests|BuiltinServerModernTests|BuiltinServerCancellationTests)'
PURE+='|MCPGatewayTests\.(ContentRendererTests|FailurePolicyTests|FastJSONTests|ManagerValueTests|OAuth2StateTests'
PURE+='|PromptNamespaceTests|ProtocolRevisionTests|ProtocolFreshnessTests|ToolTaskTests|PageCacheTests|AnsweringLimitTests|ResourceLocatorTests|SecretRedactionTests|ServerLifecycleTests|ToolCallLimitTests|ToolInputValidatorTests|ToolNamespaceTests|WebSocketLifecycleTests)'

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
    LATE='GatewayServerTests\.(GatewayOpenAPILiveTests|OpenAIClientTests|MCPClientLiveTests)'
    swift test --skip-build "${WIDTH[@]}" --skip "$LATE"
    swift test --skip-build "${WIDTH[@]}" --filter "$LATE"
  fi
fi
