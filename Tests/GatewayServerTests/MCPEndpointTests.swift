import Foundation
import GatewayRuntime
import JSONRPC
import MCP
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// `/mcp` by `GatewayAPI.handle`, with the built-in server behind it over stdio: the
/// Streamable HTTP rules (sessions, headers, statuses), the aggregated lists and calls, keys.
@Suite("Gateway /mcp: one MCP server over every server")
struct MCPEndpointTests {
    static let keys = #"""
        "server": {"api_keys": [
            {"key": "admin-key-7", "name": "root", "role": "admin"},
            {"key": "user-key-8", "name": "narrow", "servers": ["builtin"], "tools": ["echo"]}]}
        """#

    static func withAPI<T>(keys: Bool = false, _ body: (GatewayAPI) async throws -> T) async throws -> T {
        try await withBuiltinServersAPI(named: "mcp-endpoint", extra: keys ? Self.keys : nil, answeredInputs: .all, prepare: { root in
            try "hello from a file".write(toFile: root + "/note.txt", atomically: true, encoding: .utf8)
        }, body)
    }

    /// A client of the endpoint: initializes, then posts messages in its session.
    struct Client {
        let api: GatewayAPI
        var key: String?
        var session: String?
        var nextID = 1

        init(_ api: GatewayAPI, key: String? = nil) { (self.api, self.key) = (api, key) }

        func headers(accept: String = "application/json, text/event-stream") -> [String: String] {
            var headers = ["Content-Type": "application/json", "Accept": accept]
            if let key { headers["Authorization"] = "Bearer \(key)" }
            if let session { headers["Mcp-Session-Id"] = session }
            return headers
        }

        mutating func initialize(capabilities: String = "{}") async throws -> [String: Any] {
            let response = await api.handle(APIRequest(method: "POST", path: "/mcp", headers: headers(), body: Data(
                #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":\#(capabilities),"clientInfo":{"name":"t","version":"1"}}}"#.utf8)))
            #expect(response.status == 200)
            session = response.headers["Mcp-Session-Id"]
            #expect(session != nil)
            return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
        }

        /// Posts a request; the JSON-RPC answer (read from the event stream when it is one).
        mutating func request(_ method: String, _ params: String = "{}", accept: String = "application/json, text/event-stream") async throws -> (response: APIResponse, message: [String: Any], events: [[String: Any]]) {
            nextID += 1
            let response = await api.handle(APIRequest(method: "POST", path: "/mcp", headers: headers(accept: accept), body: Data(
                #"{"jsonrpc":"2.0","id":\#(nextID),"method":"\#(method)","params":\#(params)}"#.utf8)))
            var body = response.body
            var events: [[String: Any]] = []
            if let stream = response.stream {
                body = Data()
                let text = String(decoding: await stream.collect(), as: UTF8.self)
                for line in text.split(separator: "\n") where line.hasPrefix("data: ") {
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(line.dropFirst(6).utf8)) as? [String: Any])
                    if object["id"] != nil && object["method"] == nil { body = Data(line.dropFirst(6).utf8) } else { events.append(object) }
                }
            }
            let message = (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
            return (response, message, events)
        }
    }

    static func result(_ message: [String: Any]) throws -> [String: Any] {
        try #require(message["result"] as? [String: Any], "\(message)")
    }

    @Test func initializeOpensASessionAndListsAreQualified() async throws {
        try await Self.withAPI { api in
            var client = Client(api)
            let hello = try Self.result(try await client.initialize())
            #expect(hello["protocolVersion"] as? String == "2025-06-18")
            let capabilities = try #require(hello["capabilities"] as? [String: Any])
            #expect((capabilities["tools"] as? [String: Any])?["listChanged"] as? Bool == true)
            let tools = try Self.result(try await client.request("tools/list").message)["tools"] as? [[String: Any]] ?? []
            let names = Set(tools.compactMap { $0["name"] as? String })
            #expect(names.isSuperset(of: ["builtin__echo", "other__echo", "builtin__calculate"]), "\(names)")
            let meta = try #require(tools.first { $0["name"] as? String == "builtin__echo" }?["_meta"] as? [String: Any])
            #expect(meta["lmg/server"] as? String == "builtin" && meta["lmg/name"] as? String == "echo")
            let call = try await client.request("tools/call", #"{"name":"builtin__calculate","arguments":{"expression":"6*7"}}"#)
            #expect(call.response.headers["Content-Type"] == "application/json", "a plain session gets JSON")
            let content = try #require(try Self.result(call.message)["content"] as? [[String: Any]])
            #expect(content.first?["text"] as? String == "42")
            let ping = try await client.request("ping")
            #expect(try Self.result(ping.message).isEmpty)
        }
    }

    @Test func badCallsAreJSONRPCErrorsOrToolErrors() async throws {
        try await Self.withAPI { api in
            var client = Client(api)
            _ = try await client.initialize()
            let unknown = try await client.request("tools/call", #"{"name":"builtin__ecko","arguments":{}}"#)
            let error = try #require(unknown.message["error"] as? [String: Any])
            #expect(error["code"] as? Int == -32602)
            #expect((error["message"] as? String)?.contains("did you mean 'builtin__echo'?") == true, "\(error)")
            let invalid = try Self.result(try await client.request("tools/call", #"{"name":"builtin__echo","arguments":{}}"#).message)
            #expect(invalid["isError"] as? Bool == true, "bad arguments are a tool error (2025-11-25)")
            let method = try #require(try await client.request("nothing/here").message["error"] as? [String: Any])
            #expect(method["code"] as? Int == -32601)
            let noURI = try #require(try await client.request("resources/read", #"{"uri":"nowhere://x"}"#).message["error"] as? [String: Any])
            #expect(noURI["code"] as? Int == -32002)
            let badLevel = try #require(try await client.request("logging/setLevel", #"{"level":"loud"}"#).message["error"] as? [String: Any])
            #expect(badLevel["code"] as? Int == -32602 && (badLevel["message"] as? String)?.contains("debug, info") == true)
            #expect(try Self.result(try await client.request("logging/setLevel", #"{"level":"warning"}"#).message).isEmpty)
        }
    }

    @Test func resourcesAndPromptsRouteToTheirServer() async throws {
        try await Self.withAPI { api in
            var client = Client(api)
            _ = try await client.initialize()
            let resources = try Self.result(try await client.request("resources/list").message)["resources"] as? [[String: Any]] ?? []
            let templates = try Self.result(try await client.request("resources/templates/list").message)["resourceTemplates"] as? [[String: Any]] ?? []
            #expect(!resources.isEmpty || !templates.isEmpty, "the built-in server offers resources: \(resources) \(templates)")
            if let uri = resources.first?["uri"] as? String {
                let read = try Self.result(try await client.request("resources/read", #"{"uri":"\#(uri)"}"#).message)
                #expect((read["contents"] as? [[String: Any]])?.isEmpty == false)
            }
            let prompts = try Self.result(try await client.request("prompts/list").message)["prompts"] as? [[String: Any]] ?? []
            #expect(prompts.contains { $0["name"] as? String == "builtin__explain_file" }, "\(prompts)")
            let got = try await client.request("prompts/get", #"{"name":"builtin__explain_file","arguments":{"path":"note.txt"}}"#)
            let text = String(describing: try Self.result(got.message)["messages"] ?? "")
            #expect(text.contains("hello from a file") || text.contains("note.txt"), "\(got.message)")
        }
    }

    @Test func theTransportRulesHold() async throws {
        try await Self.withAPI { api in
            func post(_ body: String, headers: [String: String] = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]) async -> APIResponse {
                await api.handle(APIRequest(method: "POST", path: "/mcp", headers: headers, body: Data(body.utf8)))
            }
            #expect(await post(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#).status == 400, "no session")
            var lost = ["Content-Type": "application/json", "Accept": "application/json", "Mcp-Session-Id": "0123"]
            #expect(await post(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, headers: lost).status == 404)
            #expect(await post("[]").status == 400, "batches")
            #expect(await post("{nope").status == 400)
            #expect(await post("{}", headers: ["Content-Type": "text/plain"]).status == 415)
            #expect(await post("{}", headers: ["Content-Type": "application/json", "Accept": "text/html"]).status == 406)
            var client = Client(api)
            _ = try await client.initialize()
            lost["Mcp-Session-Id"] = client.session
            lost["MCP-Protocol-Version"] = "1999-01-01"
            #expect(await post(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, headers: lost).status == 400, "unknown revision header")
            #expect(await post(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: client.headers()).status == 202)
            let end = await api.handle(APIRequest(method: "DELETE", path: "/mcp", headers: client.headers()))
            #expect(end.status == 204)
            #expect(await post(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, headers: client.headers()).status == 404, "ended")
            let noStream = await api.handle(APIRequest(method: "GET", path: "/mcp", headers: ["Accept": "application/json"]))
            #expect(noStream.status == 406)
        }
    }

    @Test func aKeySeesOnlyItsToolsAndItsOwnSessions() async throws {
        try await Self.withAPI(keys: true) { api in
            var narrow = Client(api, key: "user-key-8")
            _ = try await narrow.initialize()
            let tools = try Self.result(try await narrow.request("tools/list").message)["tools"] as? [[String: Any]] ?? []
            #expect(tools.compactMap { $0["name"] as? String } == ["builtin__echo"])
            let hidden = try #require(try await narrow.request("tools/call", #"{"name":"other__echo","arguments":{"text":"x"}}"#).message["error"] as? [String: Any])
            #expect(hidden["code"] as? Int == -32602)
            var stolen = narrow
            stolen.key = "admin-key-7"
            #expect(try await stolen.request("tools/list").response.status == 404, "a session belongs to the key that opened it")
            let anonymous = await api.handle(APIRequest(method: "POST", path: "/mcp", headers: ["Content-Type": "application/json"], body: Data("{}".utf8)))
            #expect(anonymous.status == 401 && anonymous.headers["WWW-Authenticate"] == "Bearer")
        }
    }

    @Test func aProgressTokenGetsTheAnswerOnAnEventStream() async throws {
        try await Self.withAPI { api in
            var client = Client(api)
            _ = try await client.initialize()
            let streamed = try await client.request("tools/call", #"{"name":"builtin__echo","arguments":{"text":"hi"},"_meta":{"progressToken":"p1"}}"#)
            #expect(streamed.response.headers["Content-Type"] == "text/event-stream", "a progress token asks for a stream")
            #expect(try Self.result(streamed.message)["content"] != nil)
            #expect(api.mcpSessions.session(client.session ?? "", keyName: nil)?.runningCount == 0)
        }
    }

    @Test func listChangedReachesTheStreamWhenAServerComesOrGoes() async throws {
        try await Self.withAPI { api in
            var client = Client(api)
            _ = try await client.initialize()
            let stream = await api.handle(APIRequest(method: "GET", path: "/mcp", headers: client.headers(accept: "text/event-stream")))
            let body = try #require(stream.stream)
            let received = Task { () -> String in
                var text = ""
                for await chunk in body.chunks {
                    text += String(decoding: chunk, as: UTF8.self)
                    if text.contains("prompts/list_changed") { break }
                }
                return text
            }
            await api.manager.removeServer(named: "other")
            let text = await received.value
            #expect(text.contains("notifications/tools/list_changed") && text.contains("notifications/resources/list_changed"))
            body.cancel()
            let tools = try Self.result(try await client.request("tools/list").message)["tools"] as? [[String: Any]] ?? []
            #expect(!tools.contains { ($0["name"] as? String)?.hasPrefix("other__") == true })
        }
    }
}
