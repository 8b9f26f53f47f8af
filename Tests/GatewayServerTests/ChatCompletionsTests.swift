import Foundation
import GatewayRuntime
@testable import GatewayServer
import LMGTesting
import MCPGateway
import ModelClient
import TestSupport
import Testing

/// `POST /v1/chat/completions` and `GET /v1/models` through the core, no port: the scripted
/// model in-process, two built-in servers (`alpha`, `beta`) over stdio behind the manager.
@Suite("OpenAI endpoint: chat completions")
struct ChatCompletionsTests {
    static let adminKey = "lmg-admin-\(UUID().uuidString)"
    static let alphaKey = "lmg-alpha-\(UUID().uuidString)"

    static func builtin(_ name: String) -> MCPServerConfig { .stdio(name, command: Repo.lmgBinary, args: ["mcp-server"]) }

    /// A gateway over `servers` whose `model` section is `model`; `models` fills the map.
    static func withAPI<T>(
        _ model: ScriptedChatModel, models: [String: any ChatModel] = [:], keys: [APIKey] = [],
        servers: [MCPServerConfig] = [builtin("alpha"), builtin("beta")], _ body: (GatewayAPI) async throws -> T
    ) async throws -> T {
        var config = GatewayConfig(servers: servers)
        config.server.apiKeys = keys
        let runtime = GatewayRuntime(config: config, environment: RuntimeEnvironment([:]), model: model, models: models)
        await runtime.manager.addServers(servers)
        return try await withPeer(runtime, stop: { await $0.shutdown() }) { runtime in try await body(GatewayAPI(runtime: runtime)) }
    }

    static func chat(_ body: String, headers: [String: String] = [:]) -> APIRequest {
        APIRequest(method: "POST", path: "/v1/chat/completions", headers: headers, body: Data(body.utf8))
    }

    static func json(_ response: APIResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any], "\(String(decoding: response.body, as: UTF8.self))")
    }

    /// `{"error": {...}}` in OpenAI's shape: every member present.
    static func error(_ response: APIResponse) throws -> [String: Any] {
        let error = try #require(try json(response)["error"] as? [String: Any])
        #expect(error.keys.sorted() == ["code", "message", "param", "type"], "\(error)")
        return error
    }

    static func message(_ completion: [String: Any]) throws -> [String: Any] {
        let choice = try #require((completion["choices"] as? [[String: Any]])?.first)
        return try #require(choice["message"] as? [String: Any])
    }

    static func finishReason(_ completion: [String: Any]) -> String? {
        ((completion["choices"] as? [[String: Any]])?.first)?["finish_reason"] as? String
    }

    static func calls(_ calls: ToolCall...) -> ModelTurn {
        ModelTurn(message: ChatMessage(role: .assistant, content: nil, toolCalls: calls), finishReason: "tool_calls", usage: TokenUsage(promptTokens: 10, completionTokens: 2, totalTokens: 12))
    }

    static func answer(_ text: String) -> ModelTurn {
        ModelTurn(message: .assistant(text), finishReason: "stop", usage: TokenUsage(promptTokens: 30, completionTokens: 3, totalTokens: 33))
    }

    /// Tool, a second tool on the first one's result, then the answer.
    static func threeRounds() -> ScriptedChatModel {
        ScriptedChatModel { request, index in
            switch index {
            case 0: return calls(ToolCall(id: "c1", name: "alpha__calculate", arguments: #"{"expression": "6*7"}"#))
            case 1:
                let result = request.messages.last?.text ?? "?"
                return calls(ToolCall(id: "c2", name: "beta__calculate", arguments: #"{"expression": "\#(result)+1"}"#))
            default: return answer("The answer is \(request.messages.last?.text ?? "?").")
            }
        }
    }

    static let names: @Sendable (ChatRequest) -> [String] = { $0.tools.map(\.function.name).sorted() }

    @Test func threeRoundsRunServerSideWithSummedUsageAndTheLmgMember() async throws {
        let model = Self.threeRounds()
        try await Self.withAPI(model) { api in
            let response = await api.handle(Self.chat(#"{"model": "any-name", "messages": [{"role": "user", "content": "compute"}], "temperature": 0.5, "seed": 3}"#))
            #expect(response.status == 200)
            let completion = try Self.json(response)
            #expect(completion["object"] as? String == "chat.completion")
            #expect((completion["id"] as? String)?.hasPrefix("chatcmpl-") == true)
            #expect(completion["model"] as? String == "any-name", "the caller's name, echoed")
            #expect(completion["created"] is Int)
            #expect(try Self.message(completion)["content"] as? String == "The answer is 43.")
            #expect(Self.finishReason(completion) == "stop")
            let usage = try #require(completion["usage"] as? [String: Int])
            #expect(usage == ["prompt_tokens": 50, "completion_tokens": 7, "total_tokens": 57])
            let lmg = try #require(completion["lmg"] as? [String: Any])
            #expect(lmg["rounds"] as? Int == 3)
            let calls = try #require(lmg["tool_calls"] as? [[String: Any]])
            #expect(calls.map { $0["name"] as? String } == ["alpha__calculate", "beta__calculate"])
            #expect(calls.map { $0["arguments"] as? String } == [#"{"expression": "6*7"}"#, #"{"expression": "42+1"}"#])
            #expect(calls.allSatisfy { $0["isError"] as? Bool == false && $0["duration_ms"] is Double })
            // What the model was sent: the caller's settings and members, every round.
            #expect(model.requests.count == 3)
            #expect(model.requests.allSatisfy { $0.temperature == 0.5 && $0.extraMembers["seed"] == .int(3) })
            #expect(model.requests[0].messages.map(\.role) == [.user], "no system prompt of the gateway's")
            #expect(Self.names(model.requests[0]).contains("alpha__calculate") && Self.names(model.requests[0]).contains("beta__echo"))
        }
    }

    @Test func headersBodyAndKeysNarrowTheTools() async throws {
        let model = ScriptedChatModel(turns: [Self.answer("ok")])
        let keys = [APIKey(key: Self.adminKey, name: "ops", role: .admin), APIKey(key: Self.alphaKey, name: "alpha-only", servers: ["alpha"])]
        try await Self.withAPI(model, keys: keys) { (api: GatewayAPI) async throws in
            let admin = ["Authorization": "Bearer \(Self.adminKey)"]
            let body = #"{"model": "m", "messages": [{"role": "user", "content": "hi"}]"#
            func tools(_ extra: String = "", _ headers: [String: String]) async throws -> [String] {
                model.reset()
                let response = await api.handle(Self.chat(body + extra + "}", headers: headers))
                #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
                return Self.names(try #require(model.requests.first))
            }
            // Five tools on each server, and the two resource functions.
            #expect(try await tools("", admin).count == 12)
            #expect(try await tools("", admin.merging(["X-LMG-Servers": "beta"]) { $1 }).allSatisfy { $0.hasPrefix("beta__") || $0.hasPrefix("lmg_") })
            #expect(try await tools("", admin.merging(["X-LMG-Tools": "calc*, alpha__echo"]) { $1 }) == ["alpha__calculate", "alpha__echo", "beta__calculate"])
            #expect(try await tools(#", "mcp": {"servers": ["alpha"], "tools": ["echo"]}"#, admin) == ["alpha__echo"])
            #expect(try await tools(#", "mcp": {"tools": ["echo"]}"#, admin.merging(["X-LMG-Servers": "beta"]) { $1 }) == ["beta__echo"], "each given narrows")
            #expect(try await tools(#", "mcp": false"#, admin) == [])
            #expect(try await tools("", ["Authorization": "Bearer \(Self.alphaKey)"]).allSatisfy { $0.hasPrefix("alpha__") || $0.hasPrefix("lmg_") })

            let unknown = await api.handle(Self.chat(body + "}", headers: admin.merging(["X-LMG-Servers": "alpah"]) { $1 }))
            #expect(unknown.status == 400)
            #expect(try Self.error(unknown)["param"] as? String == "X-LMG-Servers")
            #expect((try Self.error(unknown)["message"] as? String)?.contains("did you mean 'alpha'?") == true)
            let forbidden = await api.handle(Self.chat(body + #", "mcp": {"servers": ["beta"]}}"#, headers: ["Authorization": "Bearer \(Self.alphaKey)"]))
            #expect(forbidden.status == 403)
            #expect(try Self.error(forbidden)["type"] as? String == "permission_error")

            let anonymous = await api.handle(Self.chat(body + "}"))
            #expect(anonymous.status == 401)
            #expect(try Self.error(anonymous)["type"] as? String == "authentication_error", "the gateway's own checks answer in OpenAI's shape too")
            #expect(anonymous.headers["WWW-Authenticate"] == "Bearer")
        }
    }

    @Test func badRequestsNameTheMember() async throws {
        try await Self.withAPI(ScriptedChatModel(turns: [Self.answer("ok")]), servers: []) { (api: GatewayAPI) async throws in
            func param(_ body: String) async throws -> String? {
                let response = await api.handle(Self.chat(body))
                #expect(response.status == 400, "\(body)")
                #expect(try Self.error(response)["type"] as? String == "invalid_request_error")
                return try Self.error(response)["param"] as? String
            }
            let user = #"[{"role": "user", "content": "hi"}]"#
            #expect(try await param("{nope") == nil)
            #expect(try await param(#"{"messages": \#(user)}"#) == "model")
            #expect(try await param(#"{"model": "m", "messages": []}"#) == "messages")
            #expect(try await param(#"{"model": "m", "messages": [{"role": "robot", "content": "x"}]}"#) == "messages[0].role")
            #expect(try await param(#"{"model": "m", "messages": [{"role": "tool", "content": "x"}]}"#) == "messages[0].tool_call_id")
            #expect(try await param(#"{"model": "m", "messages": [{"role": "user", "content": [{"type": "input_audio"}]}]}"#) == "messages[0].content[0]")
            #expect(try await param(#"{"model": "m", "messages": \#(user), "temperature": "hot"}"#) == "temperature")
            #expect(try await param(#"{"model": "m", "messages": \#(user), "max_tokens": 0}"#) == "max_tokens")
            #expect(try await param(#"{"model": "m", "messages": \#(user), "n": 2}"#) == "n")
            #expect(try await param(#"{"model": "m", "messages": \#(user), "tools": [{"type": "retrieval"}]}"#) == "tools[0]")
            #expect(try await param(#"{"model": "m", "messages": \#(user), "tools": [{"type": "function", "function": {"name": "a b"}}]}"#) == "tools[0].function.name")
            #expect(try await param(#"{"model": "m", "messages": \#(user), "tool_choice": "always"}"#) == "tool_choice")
            #expect(try await param(#"{"model": "m", "messages": \#(user), "mcp": "yes"}"#) == "mcp")
            #expect(try await param(#"{"model": "m", "messages": \#(user), "mcp": {"server": ["a"]}}"#) == "mcp.server")

            let route = await api.handle(APIRequest(method: "GET", path: "/v1/chat/completion"))
            #expect(route.status == 404)
            #expect(try Self.error(route)["type"] as? String == "invalid_request_error")
        }
    }

    @Test func aMapRoutesByNameAndRefusesOthers() async throws {
        let fallback = ScriptedChatModel(modelName: "main") { _, _ in Self.answer("from main") }
        let fast = ScriptedChatModel(modelName: "fast-upstream") { _, _ in Self.answer("from fast") }
        let big = ScriptedChatModel(modelName: "big-upstream") { _, _ in Self.answer("from big") }
        try await Self.withAPI(fallback, models: ["fast": fast, "big": big], servers: []) { api in
            let user = #"[{"role": "user", "content": "hi"}]"#
            let answer = await api.handle(Self.chat(#"{"model": "big", "messages": \#(user)}"#))
            #expect(try Self.message(Self.json(answer))["content"] as? String == "from big")
            #expect(fast.requests.isEmpty && fallback.requests.isEmpty)
            let unknown = await api.handle(Self.chat(#"{"model": "main", "messages": \#(user)}"#))
            #expect(unknown.status == 404)
            #expect(try Self.error(unknown)["code"] as? String == "model_not_found")
            #expect(try Self.error(unknown)["param"] as? String == "model")

            let list = try Self.json(await api.handle(APIRequest(method: "GET", path: "/v1/models")))
            #expect(list["object"] as? String == "list")
            let data = try #require(list["data"] as? [[String: Any]])
            #expect(data.map { $0["id"] as? String } == ["big", "fast"])
            #expect(data.allSatisfy { $0["object"] as? String == "model" && $0["owned_by"] as? String == "lmg" })
        }
    }

    @Test func upstreamFailuresKeepTheirMeaningAndNeverTheKey() async throws {
        let key = "sk-upstream-\(UUID().uuidString)"
        let failures: [(ModelClientError, Int, String)] = [
            (ModelClientError(.rateLimited, url: "http://u/v1/chat/completions", "slow down", retryAfter: .seconds(30)), 429, "rate_limit_error"),
            (ModelClientError(.unauthorized, url: "http://u/v1/chat/completions", "HTTP 401: Incorrect API key provided: \(key)"), 502, "api_error"),
            (ModelClientError(.serverError(status: 500), url: "http://u/v1/chat/completions", "boom"), 502, "api_error"),
            (ModelClientError(.timedOut, url: "http://u/v1/chat/completions", "no answer"), 504, "api_error"),
            (ModelClientError(.rejected(status: 400), url: "http://u/v1/chat/completions", "context too long"), 400, "invalid_request_error"),
        ]
        for (failure, status, type) in failures {
            let model = ScriptedChatModel { _, _ in throw failure }
            try await Self.withAPI(model, servers: []) { api in
                for stream in [false, true] {
                    let response = await api.handle(Self.chat(#"{"model": "m", "stream": \#(stream), "messages": [{"role": "user", "content": "hi"}]}"#))
                    #expect(response.status == status, "\(failure.kind), stream \(stream)")
                    #expect(response.stream == nil, "a failure before any event is a plain status")
                    let error = try Self.error(response)
                    #expect(error["type"] as? String == type)
                    let text = String(decoding: response.body, as: UTF8.self)
                    #expect(!text.contains(key) && !text.contains("http://u"), "\(text)")
                    if status == 429 { #expect(response.headers["Retry-After"] == "30") }
                    if failure.kind == .unauthorized { #expect(text.contains("the upstream of model 'm'") && text.contains("your key is fine")) }
                }
            }
        }
    }

    @Test func clientToolsAreAnsweredToTheClientAndClashesRefused() async throws {
        let weather = #"{"type": "function", "function": {"name": "get_weather", "description": "client side", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}"#
        let model = ScriptedChatModel { request, _ in
            if request.messages.last?.role == .tool { return Self.answer("It is \(request.messages.last!.text).") }
            return Self.calls(
                ToolCall(id: "call_w", name: "get_weather", arguments: #"{"city":"Oslo"}"#),
                ToolCall(id: "call_e", name: "alpha__echo", arguments: #"{"text": "not run"}"#))
        }
        try await Self.withAPI(model) { api in
            let first = try Self.json(await api.handle(Self.chat(#"{"model": "m", "messages": [{"role": "user", "content": "weather?"}], "tools": [\#(weather)]}"#)))
            #expect(Self.finishReason(first) == "tool_calls")
            let message = try Self.message(first)
            #expect(message["content"] is NSNull)
            let calls = try #require(message["tool_calls"] as? [[String: Any]])
            #expect(calls.count == 1)
            #expect(calls[0]["id"] as? String == "call_w" && calls[0]["type"] as? String == "function")
            #expect(calls[0]["function"] as? [String: String] == ["name": "get_weather", "arguments": #"{"city":"Oslo"}"#], "exactly as the upstream gave it")
            #expect((try #require(first["lmg"] as? [String: Any]))["tool_calls"] as? [Any] != nil)
            #expect(((first["lmg"] as? [String: Any])?["tool_calls"] as? [Any])?.isEmpty == true, "the round's MCP call did not run")
            #expect(Self.names(model.requests[0]).contains("get_weather"))
            #expect(model.requests[0].tools.first { $0.function.name == "get_weather" }?.function.description == "client side")

            // The client runs it and continues the usual way.
            let next = #"""
                {"model": "m", "tools": [\#(weather)], "messages": [
                  {"role": "user", "content": "weather?"},
                  {"role": "assistant", "content": null, "tool_calls": [{"id": "call_w", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]},
                  {"role": "tool", "tool_call_id": "call_w", "content": "sunny"}]}
                """#
            let second = try Self.json(await api.handle(Self.chat(next)))
            #expect(try Self.message(second)["content"] as? String == "It is sunny.")

            let clash = #"{"type": "function", "function": {"name": "alpha__echo"}}"#
            let refused = await api.handle(Self.chat(#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [\#(clash)]}"#))
            #expect(refused.status == 400)
            #expect(try Self.error(refused)["param"] as? String == "tools[0].function.name")
            let allowed = await api.handle(Self.chat(#"{"model": "m", "messages": [{"role": "user", "content": "x"}], "tools": [\#(clash)], "mcp": false}"#))
            #expect(allowed.status == 200, "no clash when that MCP tool is not offered")
        }
    }
}
