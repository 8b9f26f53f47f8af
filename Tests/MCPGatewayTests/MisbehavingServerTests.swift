import Foundation
import MCP
import MCPGateway
import TestSupport
import Testing

/// Servers that break the protocol (Tests/Fixtures/bad_server.py): each gives a clear error or
/// recovers, never a crash or a hang.
@Suite("misbehaving servers", .serialized)
struct MisbehavingServerTests {
    static func stdio(_ mode: String) -> MCPServerConfig {
        .stdio("bad", command: Repo.python, args: [Repo.fixture("bad_server.py"), "--mode", mode])
    }

    static func http(_ mode: String) async throws -> FixtureProcess {
        try await FixtureProcess.python("bad_server.py", ["--mode", mode, "--port", "0"])
    }

    @Test func nonJSONLineOnStdoutIsSkipped() async throws {
        let client = MCPClient(config: Self.stdio("nonjson-line"), options: TestOptions.client())
        try await client.connect()
        let result = try await client.callTool("echo", arguments: ["text": .string("still here")])
        #expect(result.isError != true)
        await client.close()
    }

    @Test func serverThatExitsAtOnceIsAClearError() async throws {
        let client = MCPClient(config: Self.stdio("exit-immediately"), options: TestOptions.client())
        let error = await #expect(throws: MCPClientError.self) { try await client.connect() }
        #expect("\(error!)".contains("bad"), "\(error!)")
        await client.close()
    }

    @Test func html500IsAClearError() async throws {
        let server = try await Self.http("html-500")
        defer { server.stop() }
        let client = MCPClient(config: .http("bad", url: server.url("/mcp")), options: TestOptions.client())
        let error = await #expect(throws: MCPClientError.self) { try await client.connect() }
        #expect("\(error!)".contains("500"), "\(error!)")
        await client.close()
    }

    @Test(arguments: ["echo", "abort"])
    func truncatedSSEIsAClearError(_ tool: String) async throws {
        let server = try await Self.http("truncated-sse")
        defer { server.stop() }
        let client = MCPClient(config: .http("bad", url: server.url("/mcp")), options: TestOptions.client())
        try await client.connect()
        await #expect(throws: MCPClientError.self) {
            _ = try await client.callTool(tool, arguments: ["text": .string("x")], timeout: .seconds(10))
        }
        await client.close()
    }

    @Test func expiredSessionIsReinitialized() async throws {
        let server = try await Self.http("session-expiry")
        defer { server.stop() }
        let client = MCPClient(config: .http("bad", url: server.url("/mcp")), options: TestOptions.client())
        try await client.connect()
        for text in ["one", "two", "three"] {
            let result = try await client.callTool("echo", arguments: ["text": .string(text)])
            #expect(result.isError != true)
        }
        await client.close()
    }
}
