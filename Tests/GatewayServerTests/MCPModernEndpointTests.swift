import Foundation
import GatewayRuntime
import JSONRPC
import MCP
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// `/mcp` in 2026-07-28 by `GatewayAPI.handle`: no session, the envelope and routing headers
/// checked by the spec's ladder, results that say they are complete, `subscriptions/listen`,
/// and a server's questions carried inside `input_required` results.
@Suite("Gateway /mcp in 2026-07-28: no session")
struct MCPModernEndpointTests {
    /// A 2026-07-28 client of the endpoint: every request carries the envelope and the headers.
    struct Client {
        let api: GatewayAPI
        var capabilities = "{}"
        var key: String?
        var nextID = 1

        init(_ api: GatewayAPI, capabilities: String = "{}", key: String? = nil) { (self.api, self.capabilities, self.key) = (api, capabilities, key) }

        static func envelope(_ capabilities: String, extra: String = "") -> String {
            #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":\#(capabilities),"io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"}\#(extra)}"#
        }

        /// Posts `body` as is, with the headers a 2026-07-28 client sends (`headers` on top).
        func post(_ method: String, name: String? = nil, body: String, headers extra: [String: String] = [:]) async -> APIResponse {
            var headers = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                           "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method]
            if let name { headers["Mcp-Name"] = MCPHeaderValue.encode(name) }
            if let key { headers["Authorization"] = "Bearer \(key)" }
            for (field, value) in extra { headers[field] = value }
            return await api.handle(APIRequest(method: "POST", path: "/mcp", headers: headers, body: Data(body.utf8)))
        }

        /// A request with the envelope; its JSON-RPC answer (from the event stream when it is one).
        mutating func request(_ method: String, _ params: String = "", name: String? = nil, meta: String = "", headers: [String: String] = [:]) async throws -> (status: Int, message: [String: Any]) {
            nextID += 1
            let members = [Self.envelope(capabilities, extra: meta), params].filter { !$0.isEmpty }.joined(separator: ",")
            let response = await post(method, name: name, body: #"{"jsonrpc":"2.0","id":\#(nextID),"method":"\#(method)","params":{\#(members)}}"#, headers: headers)
            var body = response.body
            if let stream = response.stream {
                let text = String(decoding: await stream.collect(), as: UTF8.self)
                body = Data(text.split(separator: "\n").last { $0.hasPrefix("data: ") }.map { $0.dropFirst(6) }.map { Data($0.utf8) } ?? Data())
            }
            return (response.status, (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:])
        }
    }

    static func result(_ message: [String: Any]) throws -> [String: Any] {
        try #require(message["result"] as? [String: Any], "\(message)")
    }

    static func errorCode(_ message: [String: Any]) -> Int? { (message["error"] as? [String: Any])?["code"] as? Int }

    static func text(_ result: [String: Any]) -> String {
        ((result["content"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined()
    }

    @Test func discoverListsAndCallsNeedNoSessionAndSayTheyAreComplete() async throws {
        try await MCPEndpointTests.withAPI { api in
            var client = Client(api)
            let (status, discovered) = try await client.request("server/discover")
            #expect(status == 200)
            let found = try Self.result(discovered)
            #expect(found["supportedVersions"] as? [String] == ["2026-07-28"])
            #expect(found["resultType"] as? String == "complete")
            #expect(((found["_meta"] as? [String: Any])?["io.modelcontextprotocol/serverInfo"] as? [String: Any])?["name"] as? String == "lmg")
            #expect(((found["capabilities"] as? [String: Any])?["tools"] as? [String: Any])?["listChanged"] as? Bool == true)

            let tools = try Self.result(try await client.request("tools/list").message)
            #expect(((tools["tools"] as? [[String: Any]]) ?? []).contains { $0["name"] as? String == "builtin__echo" })
            #expect(tools["resultType"] as? String == "complete" && tools["ttlMs"] as? Int == 0 && tools["cacheScope"] as? String == "public")

            let call = try await client.request("tools/call", #""name":"builtin__echo","arguments":{"text":"hi there"}"#, name: "builtin__echo")
            #expect(call.status == 200)
            let result = try Self.result(call.message)
            #expect(Self.text(result) == "hi there" && result["resultType"] as? String == "complete", "\(result)")

            let prompts = try Self.result(try await client.request("prompts/list").message)
            #expect(prompts["resultType"] as? String == "complete")
            // Nothing was opened: there is no session to find.
            #expect(api.mcpSessions.count == 0)
        }
    }

    @Test func theLadderRefusesWhatTheSpecRefusesWithItsStatuses() async throws {
        try await MCPEndpointTests.withAPI { api in
            var client = Client(api)
            let noMeta = await client.post("tools/list", body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#)
            #expect(noMeta.status == 400 && String(decoding: noMeta.body, as: UTF8.self).contains("-32602"))
            let noCapabilities = await client.post("tools/list", body: #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#)
            #expect(noCapabilities.status == 400 && String(decoding: noCapabilities.body, as: UTF8.self).contains("clientCapabilities"))

            let wrongMethod = try await client.request("tools/list", headers: ["Mcp-Method": "prompts/list"])
            #expect(wrongMethod.status == 400 && Self.errorCode(wrongMethod.message) == -32020, "\(wrongMethod)")
            let noName = try await client.request("tools/call", #""name":"builtin__echo","arguments":{"text":"x"}"#)
            #expect(noName.status == 400 && Self.errorCode(noName.message) == -32020)
            let otherName = try await client.request("tools/call", #""name":"builtin__echo","arguments":{"text":"x"}"#, name: "other__echo")
            #expect(otherName.status == 400 && Self.errorCode(otherName.message) == -32020)
            // No name in the body: nothing for Mcp-Name to repeat, and the params are what is wrong.
            let nameless = try await client.request("tools/call", #""arguments":{"text":"x"}"#)
            #expect(nameless.status == 400 && Self.errorCode(nameless.message) == -32602, "\(nameless)")
            let streamOnly = try await client.request("tools/list", headers: ["Accept": "text/event-stream"])
            #expect(streamOnly.status == 406)

            let unknown = try await client.request("ping")
            #expect(unknown.status == 404 && Self.errorCode(unknown.message) == -32601, "\(unknown)")
            let badLevel = try await client.request("tools/list", meta: #","io.modelcontextprotocol/logLevel":"loud""#)
            #expect(badLevel.status == 400 && Self.errorCode(badLevel.message) == -32602)
            // An unknown tool is invalid params, with the closest names.
            let noTool = try await client.request("tools/call", #""name":"builtin__nope""#, name: "builtin__nope")
            #expect(noTool.status == 400 && Self.errorCode(noTool.message) == -32602, "\(noTool)")

            let newer = await api.handle(APIRequest(method: "POST", path: "/mcp", headers: ["Content-Type": "application/json", "MCP-Protocol-Version": "2099-01-01"],
                body: Data(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#.utf8)))
            let refused = try #require(try JSONSerialization.jsonObject(with: newer.body) as? [String: Any])
            #expect(newer.status == 400 && Self.errorCode(refused) == -32022)
            #expect(((refused["error"] as? [String: Any])?["data"] as? [String: Any])?["supported"] as? [String] == ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])

            let get = await api.handle(APIRequest(method: "GET", path: "/mcp", headers: ["Accept": "text/event-stream", "MCP-Protocol-Version": "2026-07-28"]))
            #expect(get.status == 405 && get.headers["Allow"] == "POST")
            let notification = await client.post("notifications/cancelled", body: #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}"#)
            #expect(notification.status == 202)
            let answer = await client.post("x", body: #"{"jsonrpc":"2.0","id":"lmg-1","result":{}}"#)
            #expect(answer.status == 400)
        }
    }

    @Test func listenAcknowledgesThenAnnouncesAServerThatCame() async throws {
        try await MCPEndpointTests.withAPI { api in
            let client = Client(api)
            let response = await client.post("subscriptions/listen", body: #"{"jsonrpc":"2.0","id":"sub-1","method":"subscriptions/listen","params":{\#(Client.envelope("{}")),"notifications":{"toolsListChanged":true}}}"#)
            let stream = try #require(response.stream, "\(String(decoding: response.body, as: UTF8.self))")
            var events = stream.chunks.makeAsyncIterator()
            let ack = String(decoding: try #require(await events.next()), as: UTF8.self)
            #expect(ack.contains("notifications/subscriptions/acknowledged") && ack.contains(#""toolsListChanged":true"#) && ack.contains(#""io.modelcontextprotocol/subscriptionId":"sub-1""#), "\(ack)")
            #expect(!ack.contains("promptsListChanged"))
            #expect(api.mcpListeners.count == 1)

            let third = try ConfigLoader(environment: [:]).parse(Data(#"{"mcpServers": {"third": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}}}"#.utf8), file: "third.json")
            await api.manager.addServers(third.servers)
            var heard = ""
            while !heard.contains("notifications/tools/list_changed"), let chunk = await events.next() {
                heard = String(decoding: chunk, as: UTF8.self)
            }
            #expect(heard.contains("notifications/tools/list_changed") && heard.contains("sub-1"), "\(heard)")
            stream.cancel()
            for _ in 0..<50 where api.mcpListeners.count > 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(api.mcpListeners.count == 0)

            let json = await client.post("subscriptions/listen", body: #"{"jsonrpc":"2.0","id":2,"method":"subscriptions/listen","params":{\#(Client.envelope("{}"))}}"#, headers: ["Accept": "application/json"])
            #expect(json.status == 406)
        }
    }
}
