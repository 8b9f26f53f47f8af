# The test tiers, as `swift test --filter` patterns; sourced by scripts/test.sh and scripts/sanitize.sh.

# PURE: suites that start nothing: values, state machines, parsers, in-process doubles.
PURE='EventLoopsTests|JSONRPCTests|LMGTestingTests|ChatREPLTests|PromptTemplatesTests|GatewayRuntimeTests\.(RuntimeTests|PolicyTests|SamplingTests|SelfAliasTests|ConfigTests|ModelsConfigTests|OAuth2ConfigTests)'
PURE+='|GatewayServerTests\.(GatewayAPITests|AccessTests|CallResultWriterTests|ServerStoreTests|ServerPersistenceTests|OpenAPIDocumentTests|MetricsTests|MCPSessionTests|MCPSessionSealerTests)'
PURE+='|ModelClientTests\.ModelWireTests|OrchestratorTests\.(OrchestratorValueTests|OrchestratorExternalToolsTests|OrchestratorArgumentCheckTests)'
PURE+='|MCPBuiltinServerTests\.(BuiltinServerToolTests|BuiltinServerFastPathTests|BuiltinServerProtocolTests|BuiltinServerModernTests|BuiltinServerCancellationTests)'
PURE+='|MCPGatewayTests\.(ContentRendererTests|FailurePolicyTests|FastJSONTests|ManagerValueTests|OAuth2StateTests'
PURE+='|PromptNamespaceTests|ProtocolRevisionTests|ProtocolFreshnessTests|ToolTaskTests|PageCacheTests|AnsweringLimitTests|ResourceLocatorTests|SecretRedactionTests|ServerLifecycleTests|ToolCallLimitTests|ToolInputValidatorTests|ToolNamespaceTests|WebSocketLifecycleTests)'

# LOOP: suites on real event loops, sockets on 127.0.0.1 and lmg's own processes (the built-in server, lmg
# serve), with no Python peer: where threads meet, so the tier the sanitizers run beside PURE.
LOOP='MCPBuiltinServerTests\.(BuiltinServerHTTPTests|BuiltinServerStdioTests)|MCPGatewayTests\.(ConnectTimeoutTests|SSEEndpointOriginTests|SignInValueTests)'
LOOP+='|ModelClientTests\.ModelClientTests|GatewayServerTests\.(MCPEndpointTests|ServerChangesTests|TypedToolAPITests|ChatCompletionsResourceTests|GatewayServeMetricsTests)'
