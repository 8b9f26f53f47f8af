import MCP
import MCPGateway
import Testing

/// One precedence for a tool call's limit: the per-call override, else `tool_timeout`, else `timeout`.
@Suite("Tool call limit")
struct ToolCallLimitTests {
    @Test func overrideThenToolTimeoutThenTimeout() {
        var config = MCPServerConfig.stdio("s", command: "true")
        config.timeout = .seconds(30)
        #expect(MCPClient(config: config).toolCallLimit() == .seconds(30))
        config.toolTimeout = .seconds(5)
        #expect(MCPClient(config: config).toolCallLimit() == .seconds(5))
        #expect(MCPClient(config: config).toolCallLimit(override: .seconds(60)) == .seconds(60))
        #expect(MCPClient(config: config).toolCallLimit(override: .milliseconds(100)) == .milliseconds(100))
    }

    @Test func otherRequestsTakeTheTimeoutNotTheToolTimeout() {
        var config = MCPServerConfig.stdio("s", command: "true")
        config.timeout = .seconds(30)
        config.toolTimeout = .seconds(5)
        #expect(config.requestLimit(for: "resources/read") == .seconds(30))
        #expect(config.requestLimit(for: "ping", override: .seconds(2)) == .seconds(2))
        #expect(config.requestLimit(for: "tools/call") == .seconds(5))
    }
}
