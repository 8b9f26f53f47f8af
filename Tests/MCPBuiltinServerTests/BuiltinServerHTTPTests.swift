import CurlHTTP
import Foundation
import JSONRPC
import Logging
import MCP
import MCPGateway
import Testing
@testable import MCPBuiltinServer

/// Streamable HTTP: the endpoint's rules without a socket, then the Hummingbird server on a real port.
@Suite("BuiltinServer: Streamable HTTP", .timeLimit(.minutes(1)))
struct BuiltinServerHTTPTests {
    static let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
    static let ping = #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#
    static let json = ["content-type": "application/json", "accept": "application/json, text/event-stream"]

    static func endpoint(_ harness: BuiltinServerHarness, maxBodyBytes: Int = 4 << 20, extraTools: [ToolEntry] = []) throws -> StreamableHTTPEndpoint {
        var configuration = try BuiltinServerConfiguration(root: harness.root, version: "test")
        configuration.extraTools = extraTools
        return StreamableHTTPEndpoint(configuration: configuration, maxBodyBytes: maxBodyBytes)
    }

    static func post(
        _ endpoint: StreamableHTTPEndpoint, _ body: String, session: String? = nil, headers: [String: String] = json
    ) async -> MCPHTTPResponse {
        var headers = headers
        if let session { headers["Mcp-Session-Id"] = session }
        return await endpoint.respond(to: MCPHTTPRequest(method: "POST", headers: headers, body: Data(body.utf8)))
    }

    static func open(_ endpoint: StreamableHTTPEndpoint) async throws -> String {
        let response = await post(endpoint, initialize)
        #expect(response.status == 200)
        return try #require(response.headers["mcp-session-id"])
    }

    static func error(_ response: MCPHTTPResponse) throws -> JSONRPCErrorObject? {
        guard case .errorResponse(_, let error) = try JSONRPCMessage(response.body).kind else { return nil }
        return error
    }

    // MARK: - Endpoint rules, no socket

    @Test func initializeOpensASessionWithARandomVisibleID() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness)
        let response = await Self.post(endpoint, Self.initialize)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let id = try #require(response.headers["mcp-session-id"])
        #expect(id.count == 32)
        #expect(id.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) })
        let result = try JSONRPCMessage(response.body).result(as: Initialize.Result.self)
        #expect(result.protocolVersion == "2025-11-25")
        let other = try await Self.open(endpoint)
        #expect(other != id)
        #expect(endpoint.sessionCount == 2)
    }

    @Test func aFailedInitializeOpensNoSession() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness)
        let response = await Self.post(endpoint, #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":7}}"#)
        #expect(response.status == 200)
        #expect(response.headers["mcp-session-id"] == nil)
        #expect(try Self.error(response)?.code == JSONRPCErrorObject.invalidParams)
        #expect(endpoint.sessionCount == 0)
    }

    @Test func requestsNeedALiveSession() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness)
        let session = try await Self.open(endpoint)

        let missing = await Self.post(endpoint, Self.ping)
        #expect(missing.status == 400)
        #expect(try Self.error(missing)?.message.contains("Mcp-Session-Id") == true)
        let unknown = await Self.post(endpoint, Self.ping, session: "0123456789abcdef0123456789abcdef")
        #expect(unknown.status == 404)

        let ok = await Self.post(endpoint, Self.ping, session: session)
        #expect(ok.status == 200)
        #expect(ok.headers["content-type"] == "application/json")
        #expect(try JSONRPCMessage(ok.body).kind == .response(id: .int(2)))

        let note = await Self.post(endpoint, #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, session: session)
        #expect(note.status == 202)
        #expect(note.body.isEmpty)
        let response = await Self.post(endpoint, #"{"jsonrpc":"2.0","id":99,"result":{}}"#, session: session)
        #expect(response.status == 202)
    }

    @Test func deleteEndsTheSession() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness)
        let session = try await Self.open(endpoint)
        let delete = await endpoint.respond(to: MCPHTTPRequest(method: "DELETE", headers: ["Mcp-Session-Id": session]))
        #expect(delete.status == 204)
        #expect(endpoint.sessionCount == 0)
        #expect(await Self.post(endpoint, Self.ping, session: session).status == 404)
        let again = await endpoint.respond(to: MCPHTTPRequest(method: "DELETE", headers: ["Mcp-Session-Id": session]))
        #expect(again.status == 404)
        let without = await endpoint.respond(to: MCPHTTPRequest(method: "DELETE"))
        #expect(without.status == 400)
    }

    @Test func getAndOtherMethodsAre405() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness)
        for method in ["GET", "PUT", "PATCH"] {
            let response = await endpoint.respond(to: MCPHTTPRequest(method: method, headers: ["accept": "text/event-stream"]))
            #expect(response.status == 405, "\(method)")
            #expect(response.headers["allow"] == "POST, DELETE")
        }
    }

    @Test(arguments: [
        ("http://localhost", true), ("http://localhost:6274", true), ("https://127.0.0.1:8443", true),
        ("http://[::1]:3000", true), ("http://evil.example", false), ("http://localhost.evil.example", false),
        ("null", false), ("file://localhost", false), ("http://127.0.0.2", false),
    ])
    func originsAreCheckedAgainstDNSRebinding(origin: String, allowed: Bool) async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness)
        var headers = Self.json
        headers["Origin"] = origin
        let response = await Self.post(endpoint, Self.initialize, headers: headers)
        #expect(response.status == (allowed ? 200 : 403))
        if !allowed { #expect(endpoint.sessionCount == 0) }
    }

    @Test func protocolVersionHeaderMustBeSupported() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness)
        let session = try await Self.open(endpoint)
        var headers = Self.json
        headers["MCP-Protocol-Version"] = "2025-06-18"
        #expect(await Self.post(endpoint, Self.ping, session: session, headers: headers).status == 200)
        headers["MCP-Protocol-Version"] = "2099-01-01"
        let refused = await Self.post(endpoint, Self.ping, session: session, headers: headers)
        #expect(refused.status == 400)
        #expect(try Self.error(refused)?.message.contains("2099-01-01") == true)
    }

    @Test func badBodiesAreRefused() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness, maxBodyBytes: 1024)
        let session = try await Self.open(endpoint)

        let garbage = await Self.post(endpoint, "{oops", session: session)
        #expect(garbage.status == 400)
        #expect(try Self.error(garbage)?.code == JSONRPCErrorObject.parseError)

        let big = #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":""# + String(repeating: "x", count: 2000) + #""}}}"#
        #expect(await Self.post(endpoint, big, session: session).status == 413)
        var declared = Self.json
        declared["content-length"] = "5000000"
        #expect(endpoint.precheck(MCPHTTPRequest(method: "POST", headers: declared))?.status == 413)

        var html = Self.json
        html["accept"] = "text/html"
        #expect(await Self.post(endpoint, Self.ping, session: session, headers: html).status == 406)
        var text = Self.json
        text["content-type"] = "text/plain"
        #expect(await Self.post(endpoint, Self.ping, session: session, headers: text).status == 415)
    }

    @Test func aCancelledRequestIsAnsweredWithNoContent() async throws {
        let slow = SlowTool()
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness, extraTools: [slow.entry])
        let session = try await Self.open(endpoint)
        async let call = Self.post(endpoint, #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"slow"}}"#, session: session)
        await slow.waitUntilStarted()
        let cancel = await Self.post(
            endpoint, #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}"#, session: session)
        #expect(cancel.status == 202)
        let answered = await call
        #expect(answered.status == 204)
        #expect(answered.body.isEmpty)
    }

    // MARK: - The real server on a free port

    @Test func servesTheGatewayClientOverARealSocket() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try Self.endpoint(harness)
        var logger = Logger(label: "test.builtin-http")
        logger.logLevel = .critical
        let server = StreamableHTTPServer(endpoint: endpoint, port: 0, logger: logger)
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let running = Task { try await server.run(handlingSignals: false) { portContinuation.yield($0) } }
        defer { running.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        #expect(port > 0)
        let url = "http://127.0.0.1:\(port)/mcp"

        let client = MCPClient(config: .http("builtin", url: url))
        try await client.connect()
        #expect(try await client.listTools().map(\.name) == ["echo", "current_time", "calculate", "read_file", "list_directory"])
        let sum = try await client.callTool("calculate", arguments: ["expression": "2^10"])
        #expect(sum.texts == ["1024"])
        let file = try await client.callTool("read_file", arguments: ["path": "notes.txt"])
        #expect(file.texts == ["hello from notes\n"])
        let about = try await client.readResource("lmg://server/about")
        #expect(about.contents.first?.text?.contains("lmg-builtin") == true)
        // 2026-07-28 by default: no session. An entry held to 2025-11-25 opens one.
        #expect(client.era == .modern && endpoint.sessionCount == 0)
        await client.close()
        var older = MCPServerConfig.http("builtin", url: url)
        older.protocolPreference = .only("2025-11-25")
        let legacy = MCPClient(config: older)
        try await legacy.connect()
        #expect(try await legacy.callTool("echo", arguments: ["text": "old"]).texts == ["old"])
        #expect(legacy.era == .legacy && endpoint.sessionCount == 1)
        await legacy.close()

        let http = HTTPClient()
        defer { http.shutdown() }
        let get = try await http.execute(CurlHTTP.HTTPRequest(method: "GET", url: url, headers: ["Accept": "text/event-stream"]))
        #expect(get.status == 405)
        #expect(get.headers["Allow"] == "POST, DELETE")
        let elsewhere = try await http.execute(CurlHTTP.HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/other"))
        #expect(elsewhere.status == 404)
        let foreign = try await http.execute(CurlHTTP.HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/json", "Origin": "http://evil.example"],
            body: Data(Self.initialize.utf8)))
        #expect(foreign.status == 403)
        let huge = try await http.execute(CurlHTTP.HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/json"], body: Data(count: 5 << 20)))
        #expect(huge.status == 413)
        let opened = try await http.execute(CurlHTTP.HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"],
            body: Data(Self.initialize.utf8)))
        #expect(opened.status == 200)
        let session = try #require(opened.headers["Mcp-Session-Id"])
        _ = try await opened.body.collect(upTo: 1 << 20)
        let note = try await http.execute(CurlHTTP.HTTPRequest(
            method: "POST", url: url, headers: ["Content-Type": "application/json", "Mcp-Session-Id": session],
            body: Data(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8)))
        #expect(note.status == 202)
        let end = try await http.execute(CurlHTTP.HTTPRequest(method: "DELETE", url: url, headers: ["Mcp-Session-Id": session]))
        #expect(end.status == 204)

        let second = StreamableHTTPServer(endpoint: endpoint, port: port, logger: logger)
        await #expect(throws: StreamableHTTPServerError.cannotListen(host: "127.0.0.1", port: port, reason: "Address already in use")) {
            try await second.run(handlingSignals: false) { _ in }
        }

        running.cancel()
        try? await running.value
    }
}
