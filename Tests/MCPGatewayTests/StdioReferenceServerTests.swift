import Foundation
import MCP
import MCPGateway
import TestSupport
import Testing

/// The reference `mcp-server-time` from PyPI, over stdio: a server we did not write.
@Suite("stdio: mcp-server-time")
struct StdioReferenceServerTests {
    /// A generous connect limit: at the start of a full run every suite spawns its Python peers
    /// at once on two cores, and importing the SDK then takes far longer than when alone.
    static func config() -> MCPServerConfig {
        var config = MCPServerConfig.stdio("time", command: Repo.python, args: ["-m", "mcp_server_time", "--local-timezone", "UTC"])
        config.timeout = .seconds(120)
        return config
    }

    @Test func listsAndCallsTools() async throws {
        let client = MCPClient(config: Self.config(), options: TestOptions.client())
        try await client.connect()
        defer { Task { await client.close() } }
        #expect(client.serverInfo?.name == "mcp-time")
        #expect(MCPClient.supportedProtocolVersions.contains(client.protocolVersion ?? ""))
        let tools = try await client.listTools()
        #expect(Set(tools.map(\.name)) == ["get_current_time", "convert_time"])
        let result = try await client.callTool("get_current_time", arguments: ["timezone": "Asia/Tokyo"])
        #expect(result.isError != true)
        guard case .text(let text, _, _)? = result.content.first else {
            Issue.record("expected text content, got \(result.content)")
            return
        }
        #expect(text.contains("Asia/Tokyo"))
        #expect(text.contains("+09:00"))
        try await client.ping()
    }

    @Test func closeLeavesNoProcess() async throws {
        let client = MCPClient(config: Self.config(), options: TestOptions.client())
        try await client.connect()
        let pid = try #require(client.processID)
        #expect(kill(pid, 0) == 0)
        await client.close()
        // Reaped: the pid no longer exists (not even as a zombie).
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
        await #expect(throws: MCPClientError.self) { try await client.ping() }
    }

    @Test func toolErrorsComeBackAsResults() async throws {
        let client = MCPClient(config: Self.config(), options: TestOptions.client())
        try await client.connect()
        defer { Task { await client.close() } }
        let result = try await client.callTool("get_current_time", arguments: ["timezone": "Not/AZone"])
        #expect(result.isError == true)
    }
}

/// Client options for tests: logs under a temp folder, short shutdown grace.
enum TestOptions {
    static let logDirectory = NSTemporaryDirectory() + "lmg-test-logs-\(getpid())"

    static func client() -> MCPClientOptions {
        MCPClientOptions(logDirectory: logDirectory, shutdownGrace: .seconds(1))
    }
}
