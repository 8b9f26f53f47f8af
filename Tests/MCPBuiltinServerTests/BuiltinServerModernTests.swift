import Foundation
import JSONRPC
import MCP
import Testing
@testable import MCPBuiltinServer

/// MCP 2026-07-28 in the built-in server, without a transport: the envelope, `server/discover`,
/// `resultType` and cache hints on results, the era a connection settles on, and the HTTP
/// endpoint's header rules.
@Suite("BuiltinServer: 2026-07-28")
struct BuiltinServerModernTests {
    static let envelope: Value = [
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": [:],
        "io.modelcontextprotocol/clientInfo": ["name": "tests", "version": "1"],
    ]

    static func params(_ members: [String: Value] = [:], meta: Value = envelope) -> Value {
        var members = members
        members["_meta"] = meta
        return .object(members)
    }

    static func result(_ message: JSONRPCMessage) throws -> [String: Value] {
        guard case .object(let result)? = message.members?["result"] else { throw HarnessError("no result: \(String(decoding: message.raw, as: UTF8.self))") }
        return result
    }

    @Test func discoverSaysWhatTheServerSpeaks() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let result = try Self.result(try await harness.send("server/discover", Self.params()))
        #expect(result["resultType"] == "complete")
        #expect(result["supportedVersions"] == ["2026-07-28"])
        #expect(result["cacheScope"] == "public")
        #expect(result["ttlMs"] == 3_600_000)
        guard case .object(let meta)? = result["_meta"], case .object(let info)? = meta["io.modelcontextprotocol/serverInfo"] else {
            Issue.record("no serverInfo in _meta: \(result)")
            return
        }
        #expect(info["name"] == "lmg-builtin")
        #expect(harness.server.era == .modern)
    }

    @Test func everyResultIsCompleteAndListsCarryHints() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let call = try Self.result(try await harness.send("tools/call", Self.params(["name": "echo", "arguments": ["text": "hi"]])))
        #expect(call["resultType"] == "complete")
        #expect(call["content"] == [["type": "text", "text": "hi"]])
        #expect(call["ttlMs"] == nil, "tool results are not cacheable")
        let tools = try Self.result(try await harness.send("tools/list", Self.params()))
        #expect(tools["ttlMs"] == 3_600_000 && tools["cacheScope"] == "public")
        let resources = try Self.result(try await harness.send("resources/list", Self.params()))
        #expect(resources["ttlMs"] == 0, "files change: ask again")
        let read = try Self.result(try await harness.send("resources/read", Self.params(["uri": "lmg://server/about"])))
        #expect(read["resultType"] == "complete" && read["ttlMs"] == 0)
        let prompt = try Self.result(try await harness.send("prompts/list", Self.params()))
        #expect(prompt["resultType"] == "complete")
    }

    @Test func theEnvelopeIsRequiredAndItsVersionChecked() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        _ = try await harness.send("server/discover", Self.params())
        let bare = try await harness.error("tools/list", [:])
        #expect(bare.code == JSONRPCErrorObject.invalidParams && bare.message.contains("protocolVersion"))
        let noCapabilities = try await harness.error("tools/list", Self.params(meta: ["io.modelcontextprotocol/protocolVersion": "2026-07-28"]))
        #expect(noCapabilities.code == JSONRPCErrorObject.invalidParams && noCapabilities.message.contains("clientCapabilities"))
        let unknown = try await harness.error("tools/list", Self.params(meta: [
            "io.modelcontextprotocol/protocolVersion": "2099-01-01", "io.modelcontextprotocol/clientCapabilities": [:],
        ]))
        #expect(unknown.code == -32022)
        #expect(unknown.data == ["supported": ["2026-07-28"], "requested": "2099-01-01"])
        // Gone in 2026-07-28.
        #expect(try await harness.error("ping", Self.params()).code == JSONRPCErrorObject.methodNotFound)
    }

    /// The first request settles a connection's era, as the Python SDK's servers do: after
    /// `server/discover`, `initialize` is -32022; after `initialize`, the envelope is refused.
    @Test func theFirstRequestSettlesTheEra() async throws {
        let modern = try BuiltinServerHarness()
        defer { modern.remove() }
        _ = try await modern.send("server/discover", Self.params())
        let late = try await modern.error("initialize", BuiltinServerProtocolTests.initializeParams("2025-11-25"))
        #expect(late.code == -32022)

        let older = try BuiltinServerHarness()
        defer { older.remove() }
        _ = try await older.result("initialize", BuiltinServerProtocolTests.initializeParams("2025-11-25"), as: Initialize.Result.self)
        #expect(older.server.era == .handshake)
        let refused = try await older.error("tools/list", Self.params())
        #expect(refused.code == JSONRPCErrorObject.invalidRequest && refused.message.contains("began with initialize"))
        let discover = try await older.error("server/discover", [:])
        #expect(discover.code == JSONRPCErrorObject.methodNotFound)
    }

    // MARK: - HTTP

    static func modernHeaders(_ method: String, name: String? = nil) -> [String: String] {
        var headers = BuiltinServerHTTPTests.json
        headers["MCP-Protocol-Version"] = "2026-07-28"
        headers["Mcp-Method"] = method
        if let name { headers["Mcp-Name"] = name }
        return headers
    }

    static func body(_ id: Int, _ method: String, _ params: Value) throws -> String {
        String(decoding: try JSONRPCCoding.request(id: .int(id), method: method, params: params), as: UTF8.self)
    }

    @Test func aModernPOSTNeedsNoSessionAndItsHeadersMustMatch() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let endpoint = try BuiltinServerHTTPTests.endpoint(harness)
        let call = try Self.body(1, "tools/call", Self.params(["name": "echo", "arguments": ["text": "Grüße"]]))
        let ok = await BuiltinServerHTTPTests.post(endpoint, call, headers: Self.modernHeaders("tools/call", name: "echo"))
        #expect(ok.status == 200 && ok.headers["mcp-session-id"] == nil)
        #expect(String(decoding: ok.body, as: UTF8.self).contains(#""resultType":"complete""#))
        #expect(endpoint.sessionCount == 0)

        let wrongName = await BuiltinServerHTTPTests.post(endpoint, call, headers: Self.modernHeaders("tools/call", name: "calculate"))
        #expect(wrongName.status == 400)
        #expect(try BuiltinServerHTTPTests.error(wrongName)?.code == -32020)
        let noName = await BuiltinServerHTTPTests.post(endpoint, call, headers: Self.modernHeaders("tools/call"))
        #expect(try BuiltinServerHTTPTests.error(noName)?.code == -32020)
        let wrongMethod = await BuiltinServerHTTPTests.post(endpoint, call, headers: Self.modernHeaders("tools/list"))
        #expect(try BuiltinServerHTTPTests.error(wrongMethod)?.message.contains("Mcp-Method") == true)
        // The base64 form of a name is read as the name.
        let read = try Self.body(2, "resources/read", Self.params(["uri": "lmg://server/about"]))
        let encoded = "=?base64?" + Data("lmg://server/about".utf8).base64EncodedString() + "?="
        #expect(await BuiltinServerHTTPTests.post(endpoint, read, headers: Self.modernHeaders("resources/read", name: encoded)).status == 200)
        // An unknown method is 404 with its JSON-RPC error; other refusals 400.
        let unknown = await BuiltinServerHTTPTests.post(endpoint, try Self.body(3, "nope/nope", Self.params()), headers: Self.modernHeaders("nope/nope"))
        #expect(unknown.status == 404)
        #expect(try BuiltinServerHTTPTests.error(unknown)?.code == JSONRPCErrorObject.methodNotFound)
        // Older clients still get their sessions from the same endpoint.
        _ = try await BuiltinServerHTTPTests.open(endpoint)
        #expect(endpoint.sessionCount == 1)
    }
}
